package kernels

import (
	"math"
	"testing"
)

// Winograd F(4×4, 3×3) (Lavin & Gray 2016, interpolation points 0, ±1, ±2
// and ∞), slotlab's winograd: f4 (winograd4.go). wino4Forward is a plain
// float32 reference of its forward pass written from the matrices, one
// tile at a time, independent of the fast path's factored transforms: the
// accuracy the fast path is held to (wino4Tol) was measured on it first.

// The F(4×4, 3×3) matrices: Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A on 6×6 tiles d.
var (
	wino4BT = [6][6]float32{
		{4, 0, -5, 0, 1, 0},
		{0, -4, -4, 1, 1, 0},
		{0, 4, -4, -1, 1, 0},
		{0, -2, -1, 2, 1, 0},
		{0, 2, -1, -2, 1, 0},
		{0, 4, 0, -5, 0, 1},
	}
	wino4G = [6][3]float32{
		{1.0 / 4, 0, 0},
		{-1.0 / 6, -1.0 / 6, -1.0 / 6},
		{-1.0 / 6, 1.0 / 6, -1.0 / 6},
		{1.0 / 24, 1.0 / 12, 1.0 / 6},
		{1.0 / 24, -1.0 / 12, 1.0 / 6},
		{0, 0, 1},
	}
	wino4AT = [4][6]float32{
		{1, 1, 1, 1, 1, 0},
		{0, 1, -1, 2, -2, 0},
		{0, 1, 1, 4, 4, 0},
		{0, 1, -1, 8, -8, 1},
	}
)

// wino4Forward is the forward pass of a 3×3 stride-1 conv by F(4×4, 3×3)
// in float32: each product of a transformed filter and a transformed tile
// summed over channels in order, as a GEMM would, then transformed back.
func wino4Forward(s ConvShape, x, w []float32) []float32 {
	oh, ow := s.OutH(), s.OutW()
	th, tw := (oh+3)/4, (ow+3)/4
	u := make([]float32, s.F*s.C*36)
	for f := 0; f < s.F; f++ {
		for c := 0; c < s.C; c++ {
			g := w[(f*s.C+c)*9:]
			var t [6][3]float32 // G g
			for i := range 6 {
				for j := range 3 {
					t[i][j] = wino4G[i][0]*g[j] + wino4G[i][1]*g[3+j] + wino4G[i][2]*g[6+j]
				}
			}
			for i := range 6 {
				for j := range 6 { // (G g) Gᵀ
					u[((f*s.C+c)*6+i)*6+j] = t[i][0]*wino4G[j][0] + t[i][1]*wino4G[j][1] + t[i][2]*wino4G[j][2]
				}
			}
		}
	}
	y := make([]float32, s.N*s.F*oh*ow)
	v := make([]float32, s.C*36)
	for n := 0; n < s.N; n++ {
		for r := 0; r < th; r++ {
			for q := 0; q < tw; q++ {
				for c := 0; c < s.C; c++ {
					var d [6][6]float32
					for k := range 6 {
						for l := range 6 {
							ih, iw := 4*r+k-s.Pad, 4*q+l-s.Pad
							if ih >= 0 && ih < s.H && iw >= 0 && iw < s.W {
								d[k][l] = x[((n*s.C+c)*s.H+ih)*s.W+iw]
							}
						}
					}
					var e [6][6]float32 // Bᵀ d
					for i := range 6 {
						for l := range 6 {
							for k := range 6 {
								e[i][l] += wino4BT[i][k] * d[k][l]
							}
						}
					}
					for i := range 6 {
						for j := range 6 { // (Bᵀ d) B
							var a float32
							for l := range 6 {
								a += e[i][l] * wino4BT[j][l]
							}
							v[(c*6+i)*6+j] = a
						}
					}
				}
				for f := 0; f < s.F; f++ {
					var m [6][6]float32
					for c := 0; c < s.C; c++ {
						for p := range 36 {
							m[p/6][p%6] += u[(f*s.C+c)*36+p] * v[c*36+p]
						}
					}
					var e [4][6]float32 // Aᵀ M
					for i := range 4 {
						for l := range 6 {
							for k := range 6 {
								e[i][l] += wino4AT[i][k] * m[k][l]
							}
						}
					}
					for i := range 4 {
						for j := range 4 { // (Aᵀ M) A
							oi, oj := 4*r+i, 4*q+j
							if oi >= oh || oj >= ow {
								continue
							}
							var a float32
							for l := range 6 {
								a += e[i][l] * wino4AT[j][l]
							}
							y[((n*s.F+f)*oh+oi)*ow+oj] = a
						}
					}
				}
			}
		}
	}
	return y
}

// wino4Tol bounds F(4×4, 3×3)'s forward error relative to the largest
// output, over the shapes of TestWinogradAgainstReference and three of
// VGG-19's and CONV-6's channel counts. Measured maxima against float64
// (the test logs them): F(4×4) 8.8e-6, F(2×2) 5.3e-7, im2col 7.8e-7. Its
// transforms' larger coefficients (up to 8 in Aᵀ, 5 in Bᵀ) and fractions
// (1/6, 1/24 in G) cost about 17× F(2×2)'s error, still 1e-5 of the
// largest output. The tolerance is about 2.3× the measured maximum; a
// relative change of 4e-5 in one coefficient (G's 1/24, Aᵀ's −8) fails
// it.
const wino4Tol = 2e-5

// TestWinogradF4Accuracy measures F(4×4, 3×3)'s forward error against a
// float64 direct convolution, beside F(2×2, 3×3)'s and im2col's on the
// same inputs, and bounds it: the question "does F(4×4) stay accurate"
// answered by measurement.
func TestWinogradF4Accuracy(t *testing.T) {
	shapes := append(winoShapes(),
		ConvShape{N: 2, C: 256, H: 8, W: 8, F: 32, KH: 3, KW: 3, Stride: 1, Pad: 1},
		ConvShape{N: 1, C: 512, H: 4, W: 4, F: 16, KH: 3, KW: 3, Stride: 1, Pad: 1},
		ConvShape{N: 2, C: 64, H: 30, W: 30, F: 8, KH: 3, KW: 3, Stride: 1, Pad: 0},
	)
	var worst4, worst2, worstDirect float64
	for si, s := range shapes {
		x := randVec(uint64(10*si+1), s.InSize(), 1)
		w := randVec(uint64(10*si+2), s.WeightSize(), 1)
		y64 := refConv(s, x, w)
		e4 := relErr(wino4Forward(s, to32(x), to32(w)), y64)
		if !(e4 <= wino4Tol) {
			t.Errorf("%+v: F(4×4) relative error %.3g > %g", s, e4, wino4Tol)
		}
		worst4 = math.Max(worst4, e4)
		for _, algo := range []ConvAlgo{ConvWinograd, ConvIm2col} {
			y := make([]float32, s.OutSize())
			NewConvWith(s, ConvOptions{Algo: algo}).Forward(to32(x), to32(w), y)
			if algo == ConvWinograd {
				worst2 = math.Max(worst2, relErr(y, y64))
			} else {
				worstDirect = math.Max(worstDirect, relErr(y, y64))
			}
		}
	}
	t.Logf("forward, max relative error against float64 over %d shapes: F(4×4) %.3g, F(2×2) %.3g, im2col %.3g",
		len(shapes), worst4, worst2, worstDirect)
}
