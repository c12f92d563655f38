package kernels

import (
	"fmt"
	"testing"
)

// BenchmarkWinograd compares Winograd with im2col on CONV-4's convs (the
// first two are CONV-2's too) at batch 128, for Forward and BackwardData;
// run it under SLOTLAB_ISA=avx2 and the default to cover both gemm paths.
// GFLOP/s count the direct convolution's flops.
func BenchmarkWinograd(b *testing.B) {
	for li, s := range conv4Shapes {
		s.N = 128
		x := to32(randVec(1, s.InSize(), 1))
		w := to32(randVec(2, s.WeightSize(), 0.1))
		y := make([]float32, s.OutSize())
		dx := make([]float32, s.InSize())
		for _, pass := range []string{"Forward", "BackwardData"} {
			for _, algo := range []ConvAlgo{ConvIm2col, ConvWinograd} {
				c := NewConvWith(s, ConvOptions{Algo: algo})
				f := func() { c.Forward(x, w, y) }
				if pass == "BackwardData" {
					f = func() { c.BackwardData(y, w, dx) }
				}
				b.Run(fmt.Sprintf("conv%d/%s/%v", li+1, pass, algo), func(b *testing.B) {
					f()
					t := startTimer(b)
					for i := 0; i < b.N; i++ {
						f()
					}
					t.report(b, s.FLOPs(), 0)
				})
			}
		}
	}
}
