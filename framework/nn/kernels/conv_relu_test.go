package kernels

import (
	"fmt"
	"math"
	"testing"
)

// TestConvReLUSameBits: a Conv with ReLU writes the bits of Forward then
// ReLUForward, on every algorithm and strategy (im2col per image, per GEMM
// and mixed; F(2×2), F(4×4), the transform GEMMs), at group sizes of one
// image and several, and leaves BackwardData without the ReLU.
func TestConvReLUSameBits(t *testing.T) {
	shapes := []ConvShape{
		{N: 5, C: 8, H: 9, W: 9, F: 6, KH: 3, KW: 3, Stride: 1, Pad: 1},
		{N: 4, C: 70, H: 4, W: 4, F: 66, KH: 3, KW: 3, Stride: 1, Pad: 1},
		{N: 3, C: 5, H: 11, W: 7, F: 4, KH: 5, KW: 5, Stride: 2, Pad: 0},
	}
	opts := []ConvOptions{
		{Algo: ConvIm2col, Strategy: ConvPerImage},
		{Algo: ConvIm2col, Strategy: ConvPerImage, Group: 1},
		{Algo: ConvIm2col, Strategy: ConvPerGEMM},
		{Algo: ConvIm2col, Strategy: ConvMixed, Group: 2},
		{Algo: ConvWinograd},
		{Algo: ConvWinograd, WinoTiles: 1},
		{Algo: ConvWinograd4},
		{Algo: ConvWinogradGEMM},
	}
	for si, s := range shapes {
		x := to32(randVec(uint64(si+1), s.InSize(), 1))
		w := to32(randVec(uint64(si+11), s.WeightSize(), 1))
		dy := to32(randVec(uint64(si+21), s.OutSize(), 1))
		for _, o := range opts {
			name := fmt.Sprintf("%+v/%v/%v/group=%d/tiles=%d", s, o.Algo, o.Strategy, o.Group, o.WinoTiles)
			plain, fused := NewConvWith(s, o), NewConvWith(s, o)
			fused.ReLU = true
			want := make([]float32, s.OutSize())
			plain.Forward(x, w, want)
			negatives := 0
			for _, v := range want {
				if v < 0 {
					negatives++
				}
			}
			if negatives == 0 {
				t.Fatalf("%s: no negative output, the ReLU would do nothing", name)
			}
			ReLUForward(want, want)
			got := nanVec(s.OutSize())
			fused.Forward(x, w, got)
			if !sameBits(got, want) {
				t.Errorf("%s: Forward with ReLU differs in bits from Forward then ReLUForward", name)
			}
			if s.Stride == 1 || o.Algo == ConvIm2col {
				dxp, dxf := make([]float32, s.InSize()), make([]float32, s.InSize())
				plain.BackwardData(dy, w, dxp)
				fused.BackwardData(dy, w, dxf)
				if !sameBits(dxp, dxf) {
					t.Errorf("%s: BackwardData with ReLU set differs in bits", name)
				}
			}
		}
	}
}

// TestBackwardDataMaskedSameBits checks Conv.BackwardDataMasked against
// BackwardData followed by ReLUBackward, bit for bit, on every algorithm
// of the input gradient: im2col, F(2×2), F(4×4) (masked group by group)
// and the transform GEMMs, with an x of which about half is 0 (a ReLU's
// output) and a dx that starts as NaN.
func TestBackwardDataMaskedSameBits(t *testing.T) {
	for _, tc := range []struct {
		s ConvShape
		a ConvAlgo
	}{
		{ConvShape{N: 3, C: 16, H: 9, W: 9, F: 8, KH: 3, KW: 3, Stride: 1}, ConvIm2col},
		{ConvShape{N: 12, C: 64, H: 12, W: 12, F: 64, KH: 3, KW: 3, Stride: 1}, ConvWinograd}, // two groups
		{ConvShape{N: 5, C: 64, H: 14, W: 14, F: 64, KH: 3, KW: 3, Stride: 1, Pad: 1}, ConvWinograd4},
		{ConvShape{N: 4, C: 32, H: 5, W: 5, F: 32, KH: 3, KW: 3, Stride: 1, Pad: 1}, ConvWinogradGEMM},
	} {
		s := tc.s
		x := to32(randVec(1, s.InSize(), 1))
		reluSerial(x, x)
		w := to32(randVec(2, s.WeightSize(), 0.2))
		dy := to32(randVec(3, s.OutSize(), 1))
		want := make([]float32, s.InSize())
		c := NewConvWith(s, ConvOptions{Algo: tc.a})
		c.BackwardData(dy, w, want)
		ReLUBackward(x, want, want)
		got := make([]float32, s.InSize())
		for i := range got {
			got[i] = float32(math.NaN())
		}
		c.BackwardDataMasked(dy, w, x, got)
		if !sameBits(got, want) {
			t.Errorf("%v %v: BackwardDataMasked differs from BackwardData then ReLUBackward", tc.a, s)
		}
		f, d, _ := ConvPasses(s, tc.a)
		t.Logf("%v: forward %s, input gradient %s", tc.a, f, d)
	}
}
