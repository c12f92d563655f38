package kernels

import (
	"fmt"
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
