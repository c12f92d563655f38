package gemm

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// benchShapes are the products slotlab's training spends its time in,
// named m×k×n (op(A) is m×k, op(B) k×n) with the transposes used.
var benchShapes = []struct {
	name           string
	transA, transB bool
	m, n, k        int
}{
	{"conv_fwd_img_784x576x64", false, false, 784, 64, 576},
	{"conv_fwd_batch32_25088x576x64", false, false, 25088, 64, 576},
	{"conv_bwd_filter_64x25088x576_tA", true, false, 64, 576, 25088},
	{"conv_bwd_data_25088x64x576_tB", false, true, 25088, 576, 64},
	{"conv4_img_100x1152x128", false, false, 100, 128, 1152},
	{"conv4_batch128_12800x1152x128", false, false, 12800, 128, 1152},
	{"dense_fwd_128x784x300", false, false, 128, 300, 784},
	{"dense_fwd_128x300x100", false, false, 128, 100, 300},
	{"dense_dW_784x128x300_tA", true, false, 784, 300, 128},
	{"dense_dX_128x300x784_tB", false, true, 128, 784, 300},
	// The channels-first per-image GEMMs framework/nn/kernels issues for
	// CONV-4's second convolution, and a VGG-sized one.
	{"kernels_fwd_64x576x784", false, false, 64, 784, 576},
	{"kernels_bwd_data_576x64x784_tA", true, false, 576, 784, 64},
	{"kernels_bwd_filter_64x784x576_tB", false, true, 64, 576, 784},
	{"kernels_vgg_512x4608x256", false, false, 512, 256, 4608},
}

type sgemmFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

func benchSgemm(b *testing.B, f sgemmFunc) {
	for _, s := range benchShapes {
		b.Run(s.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			lda, ldb := s.k, s.n
			if s.transA {
				lda = s.m
			}
			if s.transB {
				ldb = s.k
			}
			x := randSlice(rng, s.m*s.k)
			y := randSlice(rng, s.k*s.n)
			z := make([]float32, s.m*s.n)
			f(s.transA, s.transB, s.m, s.n, s.k, 1, x, lda, y, ldb, 0, z, s.n)
			b.ResetTimer()
			for b.Loop() {
				f(s.transA, s.transB, s.m, s.n, s.k, 1, x, lda, y, ldb, 0, z, s.n)
			}
			flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkSgemm measures Sgemm with the active backend (see Backend).
func BenchmarkSgemm(b *testing.B) {
	b.Logf("backend %s", Backend())
	benchSgemm(b, Sgemm)
}

// BenchmarkSgemmGeneric measures the portable Go micro-kernel.
func BenchmarkSgemmGeneric(b *testing.B) {
	benchSgemm(b, func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, bb []float32, ldb int, beta float32, c []float32, ldc int) {
		sgemmGo(genericShape, maxParts(), transA, transB, m, n, k, alpha, a, lda, bb, ldb, beta, c, ldc)
	})
}

// BenchmarkGonumSgemm is the baseline: gonum's pure-Go Sgemm, which Sgemm
// replaced.
func BenchmarkGonumSgemm(b *testing.B) {
	var impl gonum.Implementation
	benchSgemm(b, func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, bb []float32, ldb int, beta float32, c []float32, ldc int) {
		ta, tb := blas.NoTrans, blas.NoTrans
		if transA {
			ta = blas.Trans
		}
		if transB {
			tb = blas.Trans
		}
		impl.Sgemm(ta, tb, m, n, k, alpha, a, lda, bb, ldb, beta, c, ldc)
	})
}
