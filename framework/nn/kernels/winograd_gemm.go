package kernels

import (
	"github.com/slotlab/slotlab/framework/nn/gemm"
)

// This file holds Winograd for small planes done entirely by GEMMs
// ("transform GEMMs"): where a conv's output plane is a few tiles only
// (VGG-19's 4×4 and 2×2 outputs, CONV-6's 5×5), winoDir's per-plane
// transforms cost as much as the products they save, and one group of
// images keeps one worker busy. Here every transform of one pass is a
// single product with a constant matrix, over all images and channels at
// once:
//
//	U  (P × F·C)    = Gk (P × 9)     · wᵀ             filter transform
//	V  (P·T × N·C)  = Bk (P·T × H·W) · xᵀ             input transform
//	Mξ (T·N × F)    = Vξ (T·N × C)   · Uξᵀ            one GEMM per position ξ
//	y  (N·F × OH·OW) = Mᵀ (N·F × P·T) · Ak (P·T × OH·OW)  output transform
//
// with P = α² transform positions (α = m+2 for F(m×m, 3×3)), T tiles per
// plane, and x, y, w read and written in place as NCHW (no copies): x is
// the (N·C × H·W) matrix of its planes, w the (F·C × 9) matrix of its
// filters. Gk = G ⊗ G; Bk and Ak are Bᵀ ⊗ Bᵀ and Aᵀ ⊗ Aᵀ placed at each
// tile of the plane, with the padding's columns left out, built once in
// float64 and rounded to float32.
//
// BackwardData is the adjoint of the same linear map (so the filters are
// transformed the same way, not rotated):
//
//	∂M (P·T × N·F) = Ak · ∂yᵀ,  ∂Vξ = ∂Mξ · Uξ,  ∂x (N·C × H·W) = ∂Vᵀ · Bk
//
// and BackwardFilter ∂Uξ (F × C) = ∂Mξᵀ · Vξ, then ∂w (F·C × 9) = ∂Uᵀ · Gk.
//
// The products run on gemm.Sgemm, which splits each over the workers by
// blocks of its output and never along k, so every output is one fixed
// sequence of operations and the results are the same at any GOMAXPROCS.
// Bk and Ak are dense over a plane: a tile's entries are zero outside its
// window, so the products do T times the work of the transforms proper;
// winoGEMMEligible keeps T ≤ 4 (planes up to 8×8), where the transforms
// stay a small part of the pass.

// winoMats holds the 1-D Winograd matrices Bᵀ (α×α), G (α×3) and
// Aᵀ (m×α) of F(m×m, 3×3), row-major, for m = 2, 3, 4. Interpolation
// points: 0, ±1 (m = 2); 0, ±1, 2 (m = 3); 0, ±1, ±2 (m = 4), each with ∞.
// F(2×2) and F(4×4) are the matrices of winograd.go and winograd4.go.
var winoMats = map[int]struct{ bt, g, at []float64 }{
	2: {
		bt: []float64{
			1, 0, -1, 0,
			0, 1, 1, 0,
			0, -1, 1, 0,
			0, -1, 0, 1,
		},
		g: []float64{
			1, 0, 0,
			0.5, 0.5, 0.5,
			0.5, -0.5, 0.5,
			0, 0, 1,
		},
		at: []float64{
			1, 1, 1, 0,
			0, 1, -1, 1,
		},
	},
	3: {
		bt: []float64{
			2, -1, -2, 1, 0,
			0, -2, -1, 1, 0,
			0, 2, -3, 1, 0,
			0, -1, 0, 1, 0,
			0, 2, -1, -2, 1,
		},
		g: []float64{
			1.0 / 2, 0, 0,
			-1.0 / 2, -1.0 / 2, -1.0 / 2,
			-1.0 / 6, 1.0 / 6, -1.0 / 6,
			1.0 / 6, 1.0 / 3, 2.0 / 3,
			0, 0, 1,
		},
		at: []float64{
			1, 1, 1, 1, 0,
			0, 1, -1, 2, 0,
			0, 1, 1, 4, 1,
		},
	},
	4: {
		bt: []float64{
			4, 0, -5, 0, 1, 0,
			0, -4, -4, 1, 1, 0,
			0, 4, -4, -1, 1, 0,
			0, -2, -1, 2, 1, 0,
			0, 2, -1, -2, 1, 0,
			0, 4, 0, -5, 0, 1,
		},
		g: []float64{
			1.0 / 4, 0, 0,
			-1.0 / 6, -1.0 / 6, -1.0 / 6,
			-1.0 / 6, 1.0 / 6, -1.0 / 6,
			1.0 / 24, 1.0 / 12, 1.0 / 6,
			1.0 / 24, -1.0 / 12, 1.0 / 6,
			0, 0, 1,
		},
		at: []float64{
			1, 1, 1, 1, 1, 0,
			0, 1, -1, 2, -2, 0,
			0, 1, 1, 4, 4, 0,
			0, 1, -1, 8, -8, 1,
		},
	},
}

// maxGEMMTiles bounds the tiles per plane of the transform-GEMM path.
const maxGEMMTiles = 4

// winoGEMMTile returns the tile size m of F(m×m, 3×3) for the
// transform-GEMM path on oh×ow outputs: the m of 2, 3, 4 with the fewest
// products per plane (α²·tiles) among those with at most maxGEMMTiles
// tiles, the smaller m on a tie (fewer rounding errors), or 0 if none has.
func winoGEMMTile(oh, ow int) int {
	best, cost := 0, 0
	for m := 2; m <= 4; m++ {
		t := ((oh + m - 1) / m) * ((ow + m - 1) / m)
		if t > maxGEMMTiles {
			continue
		}
		if c := (m + 2) * (m + 2) * t; best == 0 || c < cost {
			best, cost = m, c
		}
	}
	return best
}

// winoGEMM is the transform-GEMM Winograd of one conv shape, for all three
// passes: x (N, C, H, W) to y (N, F, OH, OW).
type winoGEMM struct {
	n, c, f, h, w, oh, ow int
	m, p, t               int // F(m×m, 3×3), P = (m+2)² positions, T tiles

	gk []float32 // P × 9
	bk []float32 // P·T × H·W, row ξ·T + tile
	ak []float32 // P·T × OH·OW

	// workspace, made on first use: U or ∂U (P·F·C), V or ∂V (P·T·N·C),
	// M or ∂M (P·T·N·F)
	u, v, mo []float32
}

// newWinoGEMM returns the transform-GEMM path for s with tiles of m×m
// (from winoGEMMTile).
func newWinoGEMM(s ConvShape, m int) *winoGEMM {
	oh, ow := s.OutH(), s.OutW()
	a := m + 2
	th, tw := (oh+m-1)/m, (ow+m-1)/m
	g := &winoGEMM{n: s.N, c: s.C, f: s.F, h: s.H, w: s.W, oh: oh, ow: ow, m: m, p: a * a, t: th * tw}
	mat := winoMats[m]
	g.gk = make([]float32, g.p*9)
	for i := 0; i < a; i++ {
		for j := 0; j < a; j++ {
			for k := 0; k < 3; k++ {
				for l := 0; l < 3; l++ {
					g.gk[(i*a+j)*9+3*k+l] = float32(mat.g[3*i+k] * mat.g[3*j+l])
				}
			}
		}
	}
	hw, ohw := s.H*s.W, oh*ow
	bk := make([]float64, g.p*g.t*hw)
	ak := make([]float64, g.p*g.t*ohw)
	for r := 0; r < th; r++ {
		for q := 0; q < tw; q++ {
			tile := r*tw + q
			for i := 0; i < a; i++ {
				for j := 0; j < a; j++ {
					row := (i*a+j)*g.t + tile
					for k := 0; k < a; k++ { // input rows and columns of the tile's window
						y := r*m + k - s.Pad
						if y < 0 || y >= s.H {
							continue
						}
						for l := 0; l < a; l++ {
							x := q*m + l - s.Pad
							if x < 0 || x >= s.W {
								continue
							}
							bk[row*hw+y*s.W+x] += mat.bt[i*a+k] * mat.bt[j*a+l]
						}
					}
					for u := 0; u < m; u++ { // the tile's outputs inside the plane
						y := r*m + u
						if y >= oh {
							continue
						}
						for v := 0; v < m; v++ {
							x := q*m + v
							if x >= ow {
								continue
							}
							ak[row*ohw+y*ow+x] += mat.at[u*a+i] * mat.at[v*a+j]
						}
					}
				}
			}
		}
	}
	g.bk, g.ak = toFloat32(bk), toFloat32(ak)
	return g
}

// toFloat32 returns s rounded to float32.
func toFloat32(s []float64) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(v)
	}
	return out
}

// name is the pass's name in ConvPasses.
func (g *winoGEMM) name() string {
	return [...]string{2: "F(2×2) GEMM", 3: "F(3×3) GEMM", 4: "F(4×4) GEMM"}[g.m]
}

// workspace makes U, V and M on first use.
func (g *winoGEMM) workspace() {
	if g.u == nil {
		g.u = make([]float32, g.p*g.f*g.c)
		g.v = make([]float32, g.p*g.t*g.n*g.c)
		g.mo = make([]float32, g.p*g.t*g.n*g.f)
	}
}

// wsLen returns the floats of the workspace.
func (g *winoGEMM) wsLen() int { return g.p * (g.f*g.c + g.t*g.n*(g.c+g.f)) }

// filters writes U = Gk·wᵀ.
func (g *winoGEMM) filters(w []float32) {
	fc := g.f * g.c
	gemm.Sgemm(false, true, g.p, fc, 9, 1, g.gk, 9, w, 9, 0, g.u, fc)
}

// inputs writes V = Bk·xᵀ.
func (g *winoGEMM) inputs(x []float32) {
	nc := g.n * g.c
	gemm.Sgemm(false, true, g.p*g.t, nc, g.h*g.w, 1, g.bk, g.h*g.w, x, g.h*g.w, 0, g.v, nc)
}

// outputGrads writes ∂M = Ak·∂yᵀ.
func (g *winoGEMM) outputGrads(dy []float32) {
	nf := g.n * g.f
	ohw := g.oh * g.ow
	gemm.Sgemm(false, true, g.p*g.t, nf, ohw, 1, g.ak, ohw, dy, ohw, 0, g.mo, nf)
}

// Forward computes y from x and the weights w (F, C·9).
func (g *winoGEMM) Forward(x, w, y []float32) {
	g.workspace()
	g.filters(w)
	g.inputs(x)
	tn, fc := g.t*g.n, g.f*g.c
	for xi := 0; xi < g.p; xi++ {
		gemm.Sgemm(false, true, tn, g.f, g.c, 1, g.v[xi*tn*g.c:], g.c, g.u[xi*fc:], g.c,
			0, g.mo[xi*tn*g.f:], g.f)
	}
	nf, ohw := g.n*g.f, g.oh*g.ow
	gemm.Sgemm(true, false, nf, ohw, g.p*g.t, 1, g.mo, nf, g.ak, ohw, 0, y, ohw)
}

// BackwardData computes dx from dy and the weights w.
func (g *winoGEMM) BackwardData(dy, w, dx []float32) {
	g.workspace()
	g.filters(w)
	g.outputGrads(dy)
	tn, fc := g.t*g.n, g.f*g.c
	dv := g.v
	for xi := 0; xi < g.p; xi++ {
		gemm.Sgemm(false, false, tn, g.c, g.f, 1, g.mo[xi*tn*g.f:], g.f, g.u[xi*fc:], g.c,
			0, dv[xi*tn*g.c:], g.c)
	}
	nc, hw := g.n*g.c, g.h*g.w
	gemm.Sgemm(true, false, nc, hw, g.p*g.t, 1, dv, nc, g.bk, hw, 0, dx, hw)
}

// BackwardFilter computes dw (F, C·9) from x and dy.
func (g *winoGEMM) BackwardFilter(x, dy, dw []float32) {
	g.workspace()
	g.inputs(x)
	g.outputGrads(dy)
	tn, fc := g.t*g.n, g.f*g.c
	du := g.u
	for xi := 0; xi < g.p; xi++ {
		gemm.Sgemm(true, false, g.f, g.c, tn, 1, g.mo[xi*tn*g.f:], g.f, g.v[xi*tn*g.c:], g.c,
			0, du[xi*fc:], g.c)
	}
	gemm.Sgemm(true, false, fc, 9, g.p, 1, du, fc, g.gk, 9, 0, dw, 9)
}

// winoGEMMAuto reports whether ConvAlgoAuto4 uses the transform-GEMM path
// for s: outputs of at most 6×6 and C, F ≥ 64. BenchmarkWinograd at batch
// 128, medians of 3 (docs/perf/winograd-gemm.txt), on VGG-19's 4×4 and 2×2
// outputs and CONV-6's 5×5, every pass, both gemm paths: 1.2–2.1× faster
// than what ConvAlgoAuto4 took before (F(2×2) on 4×4, im2col on 2×2 and
// 5×5) and never slower than the best of im2col, F(2×2) and F(4×4)
// (1.0–2.1×). On VGG-19's 8×8 outputs it was 0.91–1.07× F(4×4), and a
// whole VGG-19 step with it there 1.01× (AVX-512) and 0.98× (AVX2), so
// F(4×4) keeps them.
func winoGEMMAuto(s ConvShape) bool {
	return s.C >= 64 && s.F >= 64 && s.OutH() <= 6 && s.OutW() <= 6
}
