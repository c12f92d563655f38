package kernels

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/slotlab/slotlab/framework/nn/gemm"
)

// BenchmarkGEMMShapes times gemm.Sgemm alone on the per-image GEMMs of
// CONV-4's second conv, on one and on all cores: the ceiling for the conv
// benchmarks.
func BenchmarkGEMMShapes(b *testing.B) {
	shapes := []struct {
		name    string
		ta, tb  bool
		m, n, k int
	}{
		{"fwd_64x784x576_NN", false, false, 64, 784, 576},
		{"bwdData_576x784x64_TN", true, false, 576, 784, 64},
		{"bwdFilter_64x576x784_NT", false, true, 64, 576, 784},
		{"fwdVGG4x4_512x256x4608_NN", false, false, 512, 256, 4608},
	}
	for _, s := range shapes {
		for _, p := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("%s/procs=%d", s.name, p), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p))
				a := to32(randVec(1, s.m*s.k, 1))
				bb := to32(randVec(2, s.k*s.n, 1))
				c := make([]float32, s.m*s.n)
				lda, ldb := s.k, s.n
				if s.ta {
					lda = s.m
				}
				if s.tb {
					ldb = s.k
				}
				t := startTimer(b)
				for i := 0; i < b.N; i++ {
					gemm.Sgemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
				}
				t.report(b, 2*float64(s.m*s.n*s.k), 0)
			})
		}
	}
}

// BenchmarkWinogradGEMMs times the GEMMs alone of one Winograd pass over a
// batch of 128 as F(2×2, 3×3) does them (16 products of F×C by C×T, T the
// 2×2 tiles) and as F(4×4, 3×3) would (36 products, T the 4×4 tiles), on
// VGG-19's padded convs of 32×32 to 4×4 outputs and CONV-6's unpadded ones
// of 30×30 to 10×10: the ceiling on what F(4×4) saves in the products,
// before the cost of its larger transforms.
func BenchmarkWinogradGEMMs(b *testing.B) {
	layers := []struct {
		name         string
		c, f, oh, ow int
	}{
		{"vgg-64-32", 64, 64, 32, 32},
		{"vgg-128-16", 128, 128, 16, 16},
		{"vgg-256-8", 256, 256, 8, 8},
		{"vgg-512-4", 512, 512, 4, 4},
		{"conv6-64-28", 64, 64, 28, 28},
		{"conv6-128-10", 128, 128, 10, 10},
	}
	for _, l := range layers {
		for _, m := range []int{2, 4} {
			pos := (m + 2) * (m + 2)
			t := 128 * ((l.oh + m - 1) / m) * ((l.ow + m - 1) / m)
			b.Run(fmt.Sprintf("%s/F%d", l.name, m), func(b *testing.B) {
				u := to32(randVec(1, pos*l.f*l.c, 1))
				v := to32(randVec(2, pos*l.c*t, 1))
				out := make([]float32, pos*l.f*t)
				tm := startTimer(b)
				for i := 0; i < b.N; i++ {
					for p := 0; p < pos; p++ {
						gemm.Sgemm(false, false, l.f, t, l.c, 1, u[p*l.f*l.c:], l.c, v[p*l.c*t:], t, 0, out[p*l.f*t:], t)
					}
				}
				// the work of the dense convolution, so that the rates compare across F
				tm.report(b, 2*float64(128*l.oh*l.ow*l.f*l.c*9), 0)
			})
		}
	}
}
