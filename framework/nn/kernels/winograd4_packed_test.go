package kernels

import (
	"fmt"
	"math"
	"testing"
)

// TestWino4InPackedMatchesGo checks wino4InPacked's assembly against its Go
// loop for n = 1 to 70 (every partial last step) and chunk strides of one
// panel and more, on outputs that start as NaN (a store out of place, or
// one left out, shows) and inputs that end at their last element read.
func TestWino4InPackedMatchesGo(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 here: wino4InPacked runs its Go loop only")
	}
	defer func(a bool) { wino4Asm = a }(wino4Asm)
	for n := 1; n <= 70; n++ {
		for _, cs := range []int{16, 48, 16 * 67} {
			as, vs := n+3, 7*cs
			a := to32(randVec(uint64(n), 5*as+n, 1))
			vlen := 5*vs + (n-1)/16*cs + (n-1)%16 + 1
			var v [2][]float32
			for k, asm := range []bool{false, true} {
				wino4Asm = asm
				v[k] = make([]float32, vlen)
				for i := range v[k] {
					v[k][i] = float32(math.NaN())
				}
				wino4InPacked(a, as, v[k], vs, n, cs)
			}
			if !sameBits(v[0], v[1]) {
				t.Fatalf("n=%d cs=%d: the assembly differs from the Go loop", n, cs)
			}
		}
	}
}

// TestWino4PackedVSameBits runs F(4×4) convolutions forward and backward
// with V written into the GEMMs' packed operands and without, and wants
// the same bits: groups whose tile count is and is not a multiple of 16,
// channel counts of one GEMM k block and of two (more than 384), padding
// 0 and 1, in both passes that use it (forward and input gradient).
func TestWino4PackedVSameBits(t *testing.T) {
	if !packV() {
		t.Skip("V is not packed on this path (no AVX-512, or a gemm path without packed operands)")
	}
	defer func(p bool) { winoPackV = p }(winoPackV)
	for _, s := range []ConvShape{
		{N: 5, C: 64, H: 30, W: 30, F: 64},        // 49 tiles an image
		{N: 7, C: 64, H: 14, W: 14, F: 128},       // 9 tiles
		{N: 3, C: 400, H: 10, W: 10, F: 32},       // two k blocks forward
		{N: 2, C: 32, H: 8, W: 8, F: 416, Pad: 1}, // two k blocks in the input gradient
	} {
		s.KH, s.KW, s.Stride = 3, 3, 1
		t.Run(fmt.Sprintf("%dx%dx%d-%d-p%d", s.C, s.H, s.W, s.F, s.Pad), func(t *testing.T) {
			x := to32(randVec(1, s.InSize(), 1))
			w := to32(randVec(2, s.WeightSize(), 0.1))
			dy := to32(randVec(3, s.OutSize(), 1))
			var y, dx [2][]float32
			for k, pack := range []bool{false, true} {
				winoPackV = pack
				c := NewConvWith(s, ConvOptions{Algo: ConvWinograd4})
				y[k], dx[k] = make([]float32, s.OutSize()), make([]float32, s.InSize())
				c.Forward(x, w, y[k])
				c.BackwardData(dy, w, dx[k])
			}
			if !sameBits(y[0], y[1]) {
				t.Error("forward: packed V gives other bits")
			}
			if !sameBits(dx[0], dx[1]) {
				t.Error("input gradient: packed V gives other bits")
			}
		})
	}
}
