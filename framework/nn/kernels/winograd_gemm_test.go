package kernels

import (
	"fmt"
	"math"
	"testing"
)

// winoGEMMShapes are small planes of every tile size and tile count the
// transform-GEMM path takes: VGG-19's 4×4 and 2×2 outputs, CONV-6's 5×5,
// odd and even sides, paddings 0–2, partial tiles, one to four tiles.
func winoGEMMShapes() []ConvShape {
	return []ConvShape{
		{N: 3, C: 40, H: 4, W: 4, F: 24, KH: 3, KW: 3, Stride: 1, Pad: 1},  // 4×4: F(4×4), one tile
		{N: 2, C: 24, H: 2, W: 2, F: 9, KH: 3, KW: 3, Stride: 1, Pad: 1},   // 2×2: F(2×2)
		{N: 4, C: 33, H: 5, W: 5, F: 17, KH: 3, KW: 3, Stride: 1, Pad: 1},  // 5×5: F(3×3), 2×2 tiles
		{N: 2, C: 8, H: 8, W: 8, F: 5, KH: 3, KW: 3, Stride: 1, Pad: 0},    // 6×6 unpadded: F(3×3)
		{N: 2, C: 7, H: 8, W: 8, F: 6, KH: 3, KW: 3, Stride: 1, Pad: 1},    // 8×8: F(4×4), 2×2 tiles
		{N: 3, C: 5, H: 3, W: 5, F: 4, KH: 3, KW: 3, Stride: 1, Pad: 2},    // 5×7, padding 2
		{N: 1, C: 3, H: 1, W: 1, F: 2, KH: 3, KW: 3, Stride: 1, Pad: 1},    // 1×1
		{N: 2, C: 6, H: 3, W: 3, F: 3, KH: 3, KW: 3, Stride: 1, Pad: 1},    // 3×3: F(3×3), one tile
		{N: 2, C: 4, H: 7, W: 5, F: 3, KH: 3, KW: 3, Stride: 1, Pad: 1},    // 7×5
		{N: 5, C: 16, H: 6, W: 6, F: 16, KH: 3, KW: 3, Stride: 1, Pad: 0},  // 4×4 unpadded
		{N: 2, C: 64, H: 5, W: 5, F: 64, KH: 3, KW: 3, Stride: 1, Pad: 1},  // CONV-6's 5×5, fewer channels
		{N: 2, C: 128, H: 2, W: 2, F: 64, KH: 3, KW: 3, Stride: 1, Pad: 1}, // VGG-19's 2×2, fewer channels
	}
}

// winoGEMMTol bounds the transform-GEMM path's error relative to the
// largest element, for all three passes: F(4×4)'s bound (its tiles are the
// least accurate of the three sizes).
const winoGEMMTol = wino4Tol

// TestWinogradGEMMAgainstReference checks all three passes of the
// transform-GEMM path against float64, on every tile size it picks.
func TestWinogradGEMMAgainstReference(t *testing.T) {
	var worst [3]float64
	seen := map[int]bool{}
	for si, s := range winoGEMMShapes() {
		x := randVec(uint64(10*si+1), s.InSize(), 1)
		w := randVec(uint64(10*si+2), s.WeightSize(), 1)
		r := randVec(uint64(10*si+3), s.OutSize(), 1)
		y64 := refConv(s, x, w)
		dx64, dw64 := refConvBackward(s, x, w, r)
		c := NewConvWith(s, ConvOptions{Algo: ConvWinogradGEMM})
		if c.wg == nil {
			t.Fatalf("%+v: transform-GEMM path not in use", s)
		}
		seen[c.wg.m] = true
		name := fmt.Sprintf("%+v/%s/tiles=%d", s, c.wg.name(), c.wg.t)
		y := nanVec(s.OutSize()) // must be overwritten
		dx := nanVec(s.InSize())
		dw := nanVec(s.WeightSize())
		c.Forward(to32(x), to32(w), y)
		c.BackwardData(to32(r), to32(w), dx)
		c.BackwardFilter(to32(x), to32(r), dw)
		for p, e := range []float64{relErr(y, y64), relErr(dx, dx64), relErr(dw, dw64)} {
			if !(e <= winoGEMMTol) {
				t.Errorf("%s: %s relative error %.3g > %g", name,
					[]string{"forward", "backward data", "backward filter"}[p], e, winoGEMMTol)
			}
			worst[p] = math.Max(worst[p], e)
		}
	}
	for m := 2; m <= 4; m++ {
		if !seen[m] {
			t.Errorf("no shape used F(%d×%d)", m, m)
		}
	}
	t.Logf("transform-GEMM max relative error against float64: forward %.3g, backward data %.3g, backward filter %.3g",
		worst[0], worst[1], worst[2])
}

func nanVec(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(math.NaN())
	}
	return v
}

// TestWinoGEMMTile checks the tile size chosen per plane: the fewest
// products per plane among at most four tiles, the smaller tile on a tie.
func TestWinoGEMMTile(t *testing.T) {
	for _, c := range []struct{ oh, ow, m int }{
		{1, 1, 2}, {2, 2, 2}, {3, 3, 3}, {4, 4, 4}, {5, 5, 3}, {6, 6, 3},
		{7, 7, 4}, {8, 8, 4}, {9, 9, 0}, {10, 10, 0}, {2, 8, 2}, {4, 2, 2}, {3, 6, 3},
	} {
		if got := winoGEMMTile(c.oh, c.ow); got != c.m {
			t.Errorf("winoGEMMTile(%d, %d) = %d, want %d", c.oh, c.ow, got, c.m)
		}
	}
}
