package kernels

import (
	"fmt"
	"testing"
)

// winoBenchShapes are CONV-4's convs (the first two are CONV-2's too, and
// all four CONV-6's first) and CONV-6's last two, padded ones.
var winoBenchShapes = []struct {
	name string
	s    ConvShape
}{
	{"conv1", conv4Shapes[0]},
	{"conv2", conv4Shapes[1]},
	{"conv3", conv4Shapes[2]},
	{"conv4", conv4Shapes[3]},
	{"conv6-5", ConvShape{C: 128, H: 5, W: 5, F: 256, KH: 3, KW: 3, Stride: 1, Pad: 1}},
	{"conv6-6", ConvShape{C: 256, H: 5, W: 5, F: 256, KH: 3, KW: 3, Stride: 1, Pad: 1}},
	{"vgg-64-32", ConvShape{C: 64, H: 32, W: 32, F: 64, KH: 3, KW: 3, Stride: 1, Pad: 1}},
	{"vgg-64-128-16", ConvShape{C: 64, H: 16, W: 16, F: 128, KH: 3, KW: 3, Stride: 1, Pad: 1}},
	{"vgg-128-16", ConvShape{C: 128, H: 16, W: 16, F: 128, KH: 3, KW: 3, Stride: 1, Pad: 1}},
	{"vgg-128-256-8", ConvShape{C: 128, H: 8, W: 8, F: 256, KH: 3, KW: 3, Stride: 1, Pad: 1}},
	{"vgg-256-8", ConvShape{C: 256, H: 8, W: 8, F: 256, KH: 3, KW: 3, Stride: 1, Pad: 1}},
	{"vgg-256-512-4", ConvShape{C: 256, H: 4, W: 4, F: 512, KH: 3, KW: 3, Stride: 1, Pad: 1}},
	{"vgg-512-4", ConvShape{C: 512, H: 4, W: 4, F: 512, KH: 3, KW: 3, Stride: 1, Pad: 1}},
	{"vgg-512-2", ConvShape{C: 512, H: 2, W: 2, F: 512, KH: 3, KW: 3, Stride: 1, Pad: 1}},
}

// BenchmarkWinograd compares Winograd F(2×2), F(4×4) and the transform-GEMM path (small
// planes only: elsewhere it is im2col) with im2col on CONV-2/4/6's and VGG-19's convs at
// batch 128, for Forward, BackwardData and BackwardFilter; run it under
// SLOTLAB_ISA=avx2 and the default to cover both gemm paths. GFLOP/s count
// the direct convolution's flops.
func BenchmarkWinograd(b *testing.B) {
	for _, bs := range winoBenchShapes {
		s := bs.s
		s.N = 128
		x := to32(randVec(1, s.InSize(), 1))
		w := to32(randVec(2, s.WeightSize(), 0.1))
		y := make([]float32, s.OutSize())
		dx := make([]float32, s.InSize())
		dw := make([]float32, s.WeightSize())
		for _, pass := range []string{"Forward", "BackwardData", "BackwardFilter"} {
			for _, algo := range []ConvAlgo{ConvIm2col, ConvWinograd, ConvWinograd4, ConvWinogradGEMM} {
				c := NewConvWith(s, ConvOptions{Algo: algo})
				f := convPass(c, pass, x, w, y, dx, dw)
				b.Run(fmt.Sprintf("%s/%s/%v", bs.name, pass, algo), func(b *testing.B) {
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

// convPass returns a call of c's pass ("Forward", "BackwardData" or
// "BackwardFilter") on the input x, weights w, output (or its gradient) y
// and gradients dx, dw, for the benchmarks that time passes.
func convPass(c *Conv, pass string, x, w, y, dx, dw []float32) func() {
	switch pass {
	case "BackwardData":
		return func() { c.BackwardData(y, w, dx) }
	case "BackwardFilter":
		return func() { c.BackwardFilter(x, y, dw) }
	}
	return func() { c.Forward(x, w, y) }
}
