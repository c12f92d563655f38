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
