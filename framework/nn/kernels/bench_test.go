package kernels

import (
	"fmt"
	"testing"
	"time"
)

// Benchmarks report GFLOP/s counting 2 flops per multiply-add of the
// convolutions only (pools, ReLUs and the like are not counted). Besides the
// wall-clock rates they report cpu-GFLOP/s, the flops per second of CPU time
// used by the process: on a shared, noisy machine it measures the work done
// per core, free of the time lost to other processes.

// timer measures wall and CPU time from its start.
type timer struct {
	cpu0 time.Duration
}

func startTimer(b *testing.B) timer {
	b.ResetTimer()
	return timer{cpu0: cpuTime()}
}

// report adds GFLOP/s, cpu-GFLOP/s and, if samples > 0, samples/s.
func (t timer) report(b *testing.B, flops float64, samples int) {
	b.StopTimer()
	wall := b.Elapsed().Seconds() / float64(b.N)
	cpu := (cpuTime() - t.cpu0).Seconds() / float64(b.N)
	b.ReportMetric(flops/wall/1e9, "GFLOP/s")
	b.ReportMetric(flops/cpu/1e9, "cpu-GFLOP/s")
	if samples > 0 {
		b.ReportMetric(float64(samples)/wall, "samples/s")
	}
}

var strategies = []struct {
	name string
	o    ConvOptions
}{
	{"PerImage", ConvOptions{Strategy: ConvPerImage}},
	{"PerGEMM", ConvOptions{Strategy: ConvPerGEMM}},
	{"Mixed", ConvOptions{Strategy: ConvMixed}},
}

// BenchmarkConv4Step runs forward and backward (data and filter, the first
// conv's data gradient included) of CONV-4's four convs, two pools and four
// ReLUs at batch 128.
func BenchmarkConv4Step(b *testing.B) {
	for _, st := range strategies {
		b.Run(st.name, func(b *testing.B) {
			m := newConv4(128, st.o, 1)
			m.withDx1 = true
			m.forward()
			m.backward()
			t := startTimer(b)
			for i := 0; i < b.N; i++ {
				m.forward()
				m.backward()
			}
			t.report(b, m.convFLOPs(), 128)
		})
	}
}

func benchConvPasses(b *testing.B, s ConvShape) {
	x := to32(randVec(1, s.InSize(), 1))
	w := to32(randVec(2, s.WeightSize(), 0.1))
	y := make([]float32, s.OutSize())
	dx := make([]float32, s.InSize())
	dw := make([]float32, s.WeightSize())
	for _, st := range strategies {
		c := NewConvWith(s, st.o)
		for _, pass := range []struct {
			name string
			f    func()
		}{
			{"Forward", func() { c.Forward(x, w, y) }},
			{"BackwardData", func() { c.BackwardData(y, w, dx) }},
			{"BackwardFilter", func() { c.BackwardFilter(x, y, dw) }},
		} {
			b.Run(pass.name+"/"+st.name, func(b *testing.B) {
				pass.f()
				t := startTimer(b)
				for i := 0; i < b.N; i++ {
					pass.f()
				}
				t.report(b, s.FLOPs(), 0)
			})
		}
	}
}

// BenchmarkConv2 is CONV-4's second conv: 64→64 on 30×30, batch 128.
func BenchmarkConv2(b *testing.B) {
	benchConvPasses(b, ConvShape{N: 128, C: 64, H: 30, W: 30, F: 64, KH: 3, KW: 3, Stride: 1, Pad: 0})
}

// BenchmarkVGG512 is VGG-19's 512→512 conv (pad 1) on 4×4 and 2×2 maps,
// batch 128.
func BenchmarkVGG512(b *testing.B) {
	for _, hw := range []int{4, 2} {
		b.Run(fmt.Sprintf("%dx%d", hw, hw), func(b *testing.B) {
			benchConvPasses(b, ConvShape{N: 128, C: 512, H: hw, W: hw, F: 512, KH: 3, KW: 3, Stride: 1, Pad: 1})
		})
	}
}

// BenchmarkBatchNorm runs ForwardTrain and Backward on VGG-19's first (64×32×32)
// and last (512×2×2) BatchNorm at batch 128; then with the ReLU after it,
// fused (BatchNorm.ReLU) and apart (ReLUForward and ReLUBackward between).
func BenchmarkBatchNorm(b *testing.B) {
	for _, sh := range []struct{ c, hw int }{{64, 1024}, {256, 64}, {512, 16}, {512, 4}} {
		n := 128 * sh.c * sh.hw
		x := to32(randVec(1, n, 1))
		y, r, dx := make([]float32, n), make([]float32, n), make([]float32, n)
		b.Run(fmt.Sprintf("C%dxHW%d", sh.c, sh.hw), func(b *testing.B) {
			bn := NewBatchNorm(128, sh.c, sh.hw)
			b.SetBytes(int64(4 * n))
			for i := 0; i < b.N; i++ {
				bn.ForwardTrain(x, y)
				bn.Backward(y, dx)
			}
		})
		b.Run(fmt.Sprintf("C%dxHW%d+ReLU/fused", sh.c, sh.hw), func(b *testing.B) {
			bn := NewBatchNorm(128, sh.c, sh.hw)
			bn.ReLU = true
			b.SetBytes(int64(4 * n))
			for i := 0; i < b.N; i++ {
				bn.ForwardTrain(x, y)
				bn.Backward(x, dx)
			}
		})
		b.Run(fmt.Sprintf("C%dxHW%d+ReLU/apart", sh.c, sh.hw), func(b *testing.B) {
			bn := NewBatchNorm(128, sh.c, sh.hw)
			b.SetBytes(int64(4 * n))
			for i := 0; i < b.N; i++ {
				bn.ForwardTrain(x, y)
				ReLUForward(y, r)
				ReLUBackward(r, x, dx)
				bn.Backward(dx, dx)
			}
		})
	}
}

// BenchmarkMaxPool runs the 2×2/2 pool after CONV-4's second conv
// (64×28×28, batch 128) forward and backward.
func BenchmarkMaxPool(b *testing.B) {
	p := Pool2D{N: 128, C: 64, H: 28, W: 28, Size: 2, Stride: 2}
	x := to32(randVec(1, p.InSize(), 1))
	y := make([]float32, p.OutSize())
	arg := make([]int32, p.OutSize())
	dx := make([]float32, p.InSize())
	b.SetBytes(int64(4 * p.InSize()))
	for i := 0; i < b.N; i++ {
		MaxPoolForward(p, x, y, arg)
		MaxPoolBackward(p, y, arg, dx)
	}
}

// BenchmarkReLU runs forward and backward on CONV-4's second conv output.
func BenchmarkReLU(b *testing.B) {
	n := 128 * 64 * 28 * 28
	x := to32(randVec(1, n, 1))
	y := make([]float32, n)
	dx := make([]float32, n)
	b.SetBytes(int64(4 * n))
	for i := 0; i < b.N; i++ {
		ReLUForward(x, y)
		ReLUBackward(y, x, dx)
	}
}
