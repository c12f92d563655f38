package kernels

import (
	"fmt"
	"os"
	"sync/atomic"

	"github.com/slotlab/slotlab/framework/nn/gemm"
)

// This file holds the Winograd F(2×2, 3×3) path of Conv for 3×3 stride-1
// convolutions (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2016). Each 2×2 block of outputs ("tile") comes from a 4×4
// block of input d as
//
//	y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A
//
//	Bᵀ = | 1  0 −1  0 |    G = |  1    0    0  |    Aᵀ = | 1  1  1  0 |
//	     | 0  1  1  0 |        | 1/2  1/2  1/2 |         | 0  1 −1 −1 |
//	     | 0 −1  1  0 |        | 1/2 −1/2  1/2 |
//	     | 0  1  0 −1 |        |  0    0    1  |
//
// so that, with U = G g Gᵀ (F×C per transform position) and V = Bᵀ d B
// (C×tiles per position), the sum over channels becomes 16 GEMMs
// M(pos) = U(pos) · V(pos), done by gemm.Sgemm, with 16 multiplies per tile
// and channel pair where direct convolution takes 36.
//
// BackwardData is the full convolution of ∂L/∂y with the 180°-rotated
// filters, input and output channels swapped: a Winograd forward pass of
// the shape with C and F exchanged, OH×OW inputs and padding 2−Pad. Only the
// filter transform differs (it reads w rotated and transposed).
//
// BackwardFilter's Winograd path is in winograd_filter.go.
//
// Every output element is one fixed sequence of operations that depends on
// the shape and the group size only, so the results are the same bit for bit
// at any GOMAXPROCS.

// ConvAlgo selects how a Conv computes its three passes.
type ConvAlgo int

const (
	// ConvAlgoAuto uses Winograd for the passes of 3×3 stride-1 convs
	// where it was measured faster (see winoAuto), im2col elsewhere.
	ConvAlgoAuto ConvAlgo = iota
	// ConvIm2col always uses im2col and GEMM.
	ConvIm2col
	// ConvWinograd uses Winograd F(2×2, 3×3) for Forward, BackwardData and
	// BackwardFilter wherever the shape allows it (3×3 kernel, stride 1,
	// padding 0–2), im2col elsewhere.
	ConvWinograd
	// ConvWinograd4 is ConvWinograd with F(4×4, 3×3) (winograd4.go) in
	// all three passes.
	ConvWinograd4
	// ConvAlgoAuto4 is ConvAlgoAuto with F(4×4, 3×3) for the passes where
	// wino4Auto says it was measured faster, and the transform-GEMM
	// Winograd of winograd_gemm.go for the small planes where
	// winoGEMMAuto says it was.
	ConvAlgoAuto4
	// ConvWinogradGEMM uses the transform-GEMM Winograd of
	// winograd_gemm.go wherever the shape allows it (3×3 kernel, stride 1,
	// padding 0–2, at most four tiles per plane), im2col elsewhere.
	ConvWinogradGEMM
)

// ConvAlgoEnv is the environment variable that chooses NewConv's algorithm
// for a whole process: auto (the default), auto4, im2col, winograd or
// winograd4. It exists
// to compare the paths on one network (do Winograd's roundings change a
// result?); the rule of ConvAlgoAuto is what was measured fastest.
const ConvAlgoEnv = "SLOTLAB_CONV"

// ParseConvAlgo reads an algorithm by the name SLOTLAB_CONV takes: auto,
// im2col or winograd ("" is auto).
func ParseConvAlgo(name string) (ConvAlgo, error) {
	switch name {
	case "", "auto":
		return ConvAlgoAuto, nil
	case "im2col":
		return ConvIm2col, nil
	case "winograd":
		return ConvWinograd, nil
	case "winograd4":
		return ConvWinograd4, nil
	case "auto4":
		return ConvAlgoAuto4, nil
	case "winogradgemm":
		return ConvWinogradGEMM, nil
	}
	return ConvAlgoAuto, fmt.Errorf("%s=%q: use auto, auto4, im2col, winograd, winograd4 or winogradgemm", ConvAlgoEnv, name)
}

var defaultAlgo atomic.Int32

func init() {
	a, err := ParseConvAlgo(os.Getenv(ConvAlgoEnv))
	if err != nil {
		fmt.Fprintf(os.Stderr, "slotlab: %v; using auto\n", err)
	}
	defaultAlgo.Store(int32(a))
}

// DefaultAlgo is the algorithm NewConv uses: SLOTLAB_CONV's, or the last
// SetDefaultAlgo.
func DefaultAlgo() ConvAlgo { return ConvAlgo(defaultAlgo.Load()) }

// SetDefaultAlgo makes NewConv use a (for tests that compare the paths on a
// whole network) and returns the algorithm it used before.
func SetDefaultAlgo(a ConvAlgo) ConvAlgo { return ConvAlgo(defaultAlgo.Swap(int32(a))) }

// String returns the algorithm's name.
func (a ConvAlgo) String() string {
	switch a {
	case ConvAlgoAuto:
		return "ConvAlgoAuto"
	case ConvIm2col:
		return "ConvIm2col"
	case ConvWinograd:
		return "ConvWinograd"
	case ConvWinograd4:
		return "ConvWinograd4"
	case ConvAlgoAuto4:
		return "ConvAlgoAuto4"
	case ConvWinogradGEMM:
		return "ConvWinogradGEMM"
	}
	return "ConvAlgo(?)"
}

// MinWinoTiles is the default lower bound on the tiles (columns) of the
// Winograd GEMMs of one group of images.
const MinWinoTiles = 256

// MinWino4Tiles is MinWinoTiles for F(4×4) passes, whose V and M take
// 36 rows per tile against F(2×2)'s 16: groups of 64 tiles or more keep a
// group's V and M nearer the cache. BenchmarkWinograd-style runs at batch
// 128 measured 64 against 256 at 0.84–1.37× per pass (most of them 1.0–1.2×
// faster) over CONV-4's and VGG-19's F(4×4) convs on both gemm paths
// (docs/perf/winograd-f4-tiles.txt).
const MinWino4Tiles = 64

// winoEligible reports whether Winograd F(2×2, 3×3) applies to s.
func winoEligible(s ConvShape) bool {
	return s.KH == 3 && s.KW == 3 && s.Stride == 1 && s.Pad <= 2
}

// winoAuto reports whether ConvAlgoAuto uses Winograd for a pass of s.
//
// Unpadded convs (CONV-2/4/6's first four): the rule keeps to what
// BenchmarkWinograd measured faster at batch 128 on both gemm paths (AVX2
// and AVX-512): Forward of the 64- and 128-channel convs was 1.2–1.7×
// faster; BackwardData only on the 128→128 conv (1.4–1.5×), while 64→64
// was slower on AVX2 and 64→128 on both. BackwardFilter (im2col time /
// Winograd time, medians of 5 interleaved rounds, AVX2 and AVX-512): 64→64
// 1.50 and 1.19, 64→128 1.41 and 1.13, 128→128 1.43 and 1.15, so C, F ≥ 64;
// 3→64 was about 3× slower.
//
// Padded convs (VGG-19's, CONV-6's last two): Winograd where the output
// planes are whole tiles (even sides) of at least 4×4 and C, F ≥ 64, for
// all three passes. On VGG-19's convs of 32×32 to 4×4 outputs (64 to 512
// channels) every pass measured 1.1–2.1× faster by CPU time on both paths
// (docs/perf/winograd-padded.txt). The 2×2 outputs of its last four convs
// (one tile per image, so the transforms cost as much as the GEMMs they
// save) measured 0.7–1.0×, and CONV-6's 5×5 outputs (3×3 tiles for 25
// outputs, 44% of the tile work wasted) 0.86–1.34× by pass and path: both
// stay on im2col.
func winoAuto(s ConvShape, pass winoPass) bool {
	if !winoEligible(s) {
		return false
	}
	oh, ow := s.OutH(), s.OutW()
	if s.Pad > 0 {
		return s.C >= 64 && s.F >= 64 && oh >= 4 && ow >= 4 && oh%2 == 0 && ow%2 == 0
	}
	least := 32
	switch pass {
	case winoData:
		least = 128
	case winoFilter:
		least = 64
	}
	return s.C >= least && s.F >= least && oh >= 8 && ow >= 8
}

// winoPass names a pass of Conv for winoAuto.
type winoPass int

const (
	winoForward winoPass = iota
	winoData
	winoFilter
)

// winoDir is one Winograd pass: src (N, ci, h, w) to dst (N, co, oh, ow).
type winoDir struct {
	ci, co, h, w, oh, ow, pad int
	th, tw                    int  // tiles per column and per row
	rot                       bool // filters read rotated and transposed (BackwardData)
	f4                        bool // F(4×4, 3×3) (winograd4.go), else F(2×2, 3×3)
	group, groups             int  // images per GEMM group, ⌈N/group⌉
	u                         []float32

	// BackwardFilter (winograd_filter.go): the number of slabs and their
	// partial ∂U, 16·co·ci floats each.
	slabs int
	du    []float32
}

func newWinoDir(n, ci, co, h, w, pad int, rot bool, minTiles int) *winoDir {
	return newWinoDirM(n, ci, co, h, w, pad, rot, false, minTiles)
}

// newWinoDirM is newWinoDir for F(4×4) where f4, else F(2×2).
func newWinoDirM(n, ci, co, h, w, pad int, rot, f4 bool, minTiles int) *winoDir {
	oh, ow := h+2*pad-2, w+2*pad-2
	m := 2
	if f4 {
		m = 4
	}
	d := &winoDir{ci: ci, co: co, h: h, w: w, oh: oh, ow: ow, pad: pad, rot: rot, f4: f4,
		th: (oh + m - 1) / m, tw: (ow + m - 1) / m}
	tiles := d.th * d.tw
	d.group = min(n, max(1, (minTiles+tiles-1)/tiles))
	d.groups = (n + d.group - 1) / d.group
	return d
}

// setSlabs sets the slab count of a BackwardFilter pass: slabs if above 0,
// else up to DefaultSlabs, halved while their ∂U would take more than
// slabBudget bytes; never more than the groups.
func (d *winoDir) setSlabs(slabs int) {
	if slabs <= 0 {
		slabs = DefaultSlabs
		for slabs > 1 && slabs*4*d.positions()*d.ci*d.co > slabBudget {
			slabs /= 2
		}
	}
	d.slabs = min(slabs, d.groups)
}

// wsLen returns the floats of one worker's workspace: V and M, the row
// transforms of one channel (16 rows of T each; later the output
// transform's sums and results, 12 rows), and a padded input plane.
func (d *winoDir) wsLen() int {
	t := d.group * d.th * d.tw
	if d.f4 { // V, M, 40 rows (winoDir.runGroup4) and a padded plane
		return 36*(d.ci+d.co)*t + 40*t + (4*d.th+2)*(4*d.tw+2)
	}
	return 16*(d.ci+d.co)*t + 16*t + (2*d.th+2)*(2*d.tw+2)
}

// filters computes U for output channels [lo, hi): u[(pos·co+o)·ci+i] is
// position pos of G g Gᵀ for the filter of input channel i and output
// channel o. w is the conv's (F, C, 3, 3) weights; in the rotated pass o
// is the conv's input channel and i its filter. With assembly, blocks of
// eight input channels go through winoFiltersAVX2, which does each
// filter's operations in filterU's order, so the bits are the same; for
// F(4×4), 36 positions by wino4FiltersAVX2 and filterU4.
func (d *winoDir) filters(w []float32, lo, hi int) {
	pos, on := 16, useAsm
	if d.f4 {
		pos, on = 36, wino4Asm
	}
	var g [9]float32
	plane := d.co * d.ci
	blocks := 0
	if on {
		blocks = d.ci / 8
	}
	stride := 9 // floats from one input channel's filter to the next
	if d.rot {
		stride = 9 * d.co
	}
	var idx [8]int32
	for l := range idx {
		idx[l] = int32(l * stride)
	}
	_ = w[d.co*d.ci*9-1]
	_ = d.u[pos*plane-1]
	for o := lo; o < hi; o++ {
		if blocks > 0 {
			g0, kstep := &w[o*d.ci*9], 1 // g_k = w[(o·ci+i)·9 + k]
			if d.rot {
				g0, kstep = &w[o*9+8], -1 // g_k = w[(i·co+o)·9 + 8−k]
			}
			if d.f4 {
				wino4FiltersAVX2(g0, kstep, &idx[0], 8*stride, &d.u[o*d.ci], plane, blocks)
			} else {
				winoFiltersAVX2(g0, kstep, &idx[0], 8*stride, &d.u[o*d.ci], plane, blocks)
			}
		}
		for i := 8 * blocks; i < d.ci; i++ {
			if d.rot {
				src := w[(i*d.co+o)*9 : (i*d.co+o)*9+9]
				for k := range g {
					g[k] = src[8-k]
				}
			} else {
				copy(g[:], w[(o*d.ci+i)*9:])
			}
			if d.f4 {
				filterU4(&g, d.u, plane, o*d.ci+i)
			} else {
				filterU(&g, d.u, plane, o*d.ci+i)
			}
		}
	}
}

// filterU writes U = G g Gᵀ of one filter g to u[pos·plane + at].
func filterU(g *[9]float32, u []float32, plane, at int) {
	var h [12]float32
	for k := 0; k < 3; k++ { // h = g Gᵀ, 3×4
		g0, g1, g2 := g[3*k], g[3*k+1], g[3*k+2]
		h[4*k] = g0
		h[4*k+1] = 0.5 * (g0 + g1 + g2)
		h[4*k+2] = 0.5 * (g0 - g1 + g2)
		h[4*k+3] = g2
	}
	for j := 0; j < 4; j++ { // U = G h, 4×4
		h0, h1, h2 := h[j], h[4+j], h[8+j]
		u[(0+j)*plane+at] = h0
		u[(4+j)*plane+at] = 0.5 * (h0 + h1 + h2)
		u[(8+j)*plane+at] = 0.5 * (h0 - h1 + h2)
		u[(12+j)*plane+at] = h2
	}
}

// runGroup computes the outputs of images [n0, n0+cnt) of src into dst.
//
// Tile (r, q) of image i is column t = i·th·tw + r·tw + q of the GEMMs, so
// that each transform is a few elementwise operations on rows of T columns
// (winoRowIn4, which also gathers the inputs, winoIn4, winoOut2) plus one
// scatter of the outputs.
func (d *winoDir) runGroup(ws, src, dst []float32, n0, cnt int) {
	if d.f4 {
		d.runGroup4(ws, src, dst, n0, cnt)
		return
	}
	tiles := d.th * d.tw
	t := cnt * tiles
	out := d.co * d.oh * d.ow
	v := ws[:16*d.ci*t]
	m := ws[16*d.ci*t : 16*(d.ci+d.co)*t]
	rest := ws[16*(d.ci+d.co)*t:]
	e, pl := rest[:16*t], rest[16*t:]
	row := func(b []float32, k int) []float32 { return b[k*t : (k+1)*t] }
	d.inputs(v, e, pl, src, n0, cnt)
	for pos := 0; pos < 16; pos++ {
		gemm.Sgemm(false, false, d.co, t, d.ci, 1, d.u[pos*d.co*d.ci:], d.ci,
			v[pos*d.ci*t:], t, 0, m[pos*d.co*t:], t)
	}
	sums, res := rest[:8*t], rest[8*t:12*t]
	for o := 0; o < d.co; o++ {
		mp := func(pos int) []float32 { return m[(pos*d.co+o)*t : (pos*d.co+o+1)*t] }
		for j := 0; j < 4; j++ { // columns: s[a][j] = Σ_i Aᵀ[a][i] M[i][j]
			winoOut2(mp(j), mp(4+j), mp(8+j), mp(12+j), row(sums, j), row(sums, 4+j))
		}
		for a := 0; a < 2; a++ { // rows: y[a][b] = Σ_j s[a][j] Aᵀ[b][j]
			winoOut2(row(sums, 4*a), row(sums, 4*a+1), row(sums, 4*a+2), row(sums, 4*a+3),
				row(res, 2*a), row(res, 2*a+1))
		}
		for i := 0; i < cnt; i++ {
			y := dst[(n0+i)*out+o*d.oh*d.ow : (n0+i)*out+(o+1)*d.oh*d.ow]
			d.scatter(res, t, i*tiles, y)
		}
	}
}

// inputs writes V = Bᵀ d B of images [n0, n0+cnt) of src to v, position
// pos of channel c at v[(pos·ci+c)·t:], t = cnt·th·tw; e is 16·t floats of
// scratch (36·t for F(4×4)) and pl a padded plane.
func (d *winoDir) inputs(v, e, pl, src []float32, n0, cnt int) {
	tiles := d.th * d.tw
	t := cnt * tiles
	in := d.ci * d.h * d.w
	row := func(b []float32, k int) []float32 { return b[k*t : (k+1)*t] }
	for c := 0; c < d.ci; c++ {
		for i := 0; i < cnt; i++ {
			x := src[(n0+i)*in+c*d.h*d.w : (n0+i)*in+(c+1)*d.h*d.w]
			if d.f4 {
				d.rowsIn4(x, e, t, i*tiles, pl)
			} else {
				d.rowsIn(x, e, t, i*tiles, pl)
			}
		}
		if d.f4 { // 6 columns of 6 rows, strided
			for j := 0; j < 6; j++ {
				wino4In(e[j*t:], 6*t, v[(j*d.ci+c)*t:], 6*d.ci*t, t)
			}
			continue
		}
		for j := 0; j < 4; j++ { // columns: V[i][j] = Σ_k Bᵀ[i][k] e[k][j]
			vp := func(i int) []float32 { return v[((4*i+j)*d.ci+c)*t : ((4*i+j)*d.ci+c+1)*t] }
			winoIn4(row(e, j), row(e, 4+j), row(e, 8+j), row(e, 12+j), vp(0), vp(1), vp(2), vp(3))
		}
	}
}

// rowsIn writes the row transforms e[k][j] = Σ_l d[k][l] Bᵀ[j][l] of every
// tile (r, q) of one input plane x (h×w), where d[k][l] =
// x[2r+k−pad][2q+l−pad] or 0 in the padding, to e[(4k+j)·t + off + r·tw + q].
// pl is scratch for a zero-padded copy of the plane, used where tiles reach
// outside it.
func (d *winoDir) rowsIn(x, e []float32, t, off int, pl []float32) {
	ph, pw := 2*d.th+2, 2*d.tw+2
	src, ld := x, d.w
	if d.pad > 0 || ph > d.h || pw > d.w {
		pl = pl[:ph*pw]
		clear(pl)
		copyRows(pl[d.pad*pw+d.pad:], pw, x, d.w, d.h, d.w)
		src, ld = pl, pw
	}
	tw := d.tw
	if useAsm {
		_ = src[(2*d.th+1)*ld+2*tw+1] // the last row of the last tiles
		_ = e[15*t+off+d.th*tw-1]
		if useAVX512 && tw > 8 {
			winoPlaneIn4AVX512(&src[0], ld, d.th, tw, &e[off], t)
		} else {
			winoPlaneIn4AVX2(&src[0], ld, d.th, tw, &e[off], t)
		}
		return
	}
	for r := 0; r < d.th; r++ {
		at := off + r*tw
		for k := 0; k < 4; k++ {
			e0, e1, e2, e3 := e[4*k*t+at:], e[(4*k+1)*t+at:], e[(4*k+2)*t+at:], e[(4*k+3)*t+at:]
			winoRowIn4(src[(2*r+k)*ld:(2*r+k)*ld+pw], e0[:tw], e1[:tw], e2[:tw], e3[:tw])
		}
	}
}

// scatter writes the outputs res[2a+b][off + r·tw + q] of one plane to
// y[2r+a][2q+b], dropping those outside the oh×ow plane.
func (d *winoDir) scatter(res []float32, t, off int, y []float32) {
	tw := d.tw
	for a := 0; a < 2; a++ {
		r0, r1 := res[2*a*t+off:], res[(2*a+1)*t+off:]
		rows := (d.oh - a + 1) / 2 // output rows 2r+a inside the plane
		if useAsm && d.ow == 2*tw && rows > 0 {
			_ = r0[rows*tw-1]
			_ = r1[rows*tw-1]
			_ = y[(2*(rows-1)+a)*d.ow+d.ow-1]
			if useAVX512 && tw > 8 {
				winoPairsAVX512(&r0[0], &r1[0], &y[a*d.ow], 2*d.ow, rows, tw)
			} else {
				winoPairsAVX2(&r0[0], &r1[0], &y[a*d.ow], 2*d.ow, rows, tw)
			}
			continue
		}
		for r := 0; r < rows; r++ {
			yr := y[(2*r+a)*d.ow : (2*r+a+1)*d.ow]
			s0, s1 := r0[r*tw:r*tw+tw], r1[r*tw:r*tw+tw]
			q := 0
			for ; 2*q+1 < len(yr); q++ {
				yr[2*q], yr[2*q+1] = s0[q], s1[q]
			}
			if 2*q < len(yr) {
				yr[2*q] = s0[q]
			}
		}
	}
}

// winoIn4 is the transform Bᵀ applied elementwise to rows a0..a3:
// v0 = a0−a2, v1 = a1+a2, v2 = a2−a1, v3 = a1−a3. All have one length.
func winoIn4(a0, a1, a2, a3, v0, v1, v2, v3 []float32) {
	n := len(a0)
	a1, a2, a3 = a1[:n], a2[:n], a3[:n]
	v0, v1, v2, v3 = v0[:n], v1[:n], v2[:n], v3[:n]
	if useAsm && n > 0 {
		winoIn4AVX2(&a0[0], &a1[0], &a2[0], &a3[0], &v0[0], &v1[0], &v2[0], &v3[0], n)
		return
	}
	for i := range a0 {
		v0[i] = a0[i] - a2[i]
		v1[i] = a1[i] + a2[i]
		v2[i] = a2[i] - a1[i]
		v3[i] = a1[i] - a3[i]
	}
}

// winoRowIn4 is winoIn4 on the four columns of a row of tiles: for tile
// q < len(v0), with a_l = x[2q+l], v0 = a0−a2, v1 = a1+a2, v2 = a2−a1,
// v3 = a1−a3. x has at least 2·len(v0)+2 elements.
func winoRowIn4(x, v0, v1, v2, v3 []float32) {
	n := len(v0)
	x = x[:2*n+2]
	v1, v2, v3 = v1[:n], v2[:n], v3[:n]
	for q := range v0 {
		a := x[2*q : 2*q+4]
		v0[q] = a[0] - a[2]
		v1[q] = a[1] + a[2]
		v2[q] = a[2] - a[1]
		v3[q] = a[1] - a[3]
	}
}

// winoOut2 is the transform Aᵀ applied elementwise to rows m0..m3:
// s0 = (m0+m1)+m2, s1 = (m1−m2)−m3. All have one length.
func winoOut2(m0, m1, m2, m3, s0, s1 []float32) {
	n := len(m0)
	m1, m2, m3 = m1[:n], m2[:n], m3[:n]
	s0, s1 = s0[:n], s1[:n]
	if useAsm && n > 0 {
		winoOut2AVX2(&m0[0], &m1[0], &m2[0], &m3[0], &s0[0], &s1[0], n)
		return
	}
	for i := range m0 {
		s0[i] = m0[i] + m1[i] + m2[i]
		s1[i] = m1[i] - m2[i] - m3[i]
	}
}

// positions returns the transform positions: 16 for F(2×2), 36 for F(4×4).
func (d *winoDir) positions() int {
	if d.f4 {
		return 36
	}
	return 16
}

// wsLenOr0 is wsLen, or 0 for a nil pass.
func (d *winoDir) wsLenOr0() int {
	if d == nil {
		return 0
	}
	return d.wsLen()
}
