package gemm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/slotlab/slotlab/framework/internal/isa"

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

// modelShapes are the GEMMs of one training step of CONV-4 and
// Lenet-300-100 (architectures/) at batch 128, named
// model_layer_pass_m×k×n with the transposes used: the per-image (or
// per-group, framework/nn/kernels.MinGEMMCols columns at least) products
// of the convolutions, forward, data gradient and filter gradient, and the
// batch products of the dense layers (framework/nn/op_dense.go). The
// first layer's data gradient is not needed and not listed.
var modelShapes = []struct {
	name           string
	transA, transB bool
	m, n, k        int
}{
	{"conv4_c1_fwd_64x27x900", false, false, 64, 900, 27},
	{"conv4_c1_filter_64x900x27_tB", false, true, 64, 27, 900},
	{"conv4_c2_fwd_64x576x784", false, false, 64, 784, 576},
	{"conv4_c2_data_576x64x784_tA", true, false, 576, 784, 64},
	{"conv4_c2_filter_64x784x576_tB", false, true, 64, 576, 784},
	{"conv4_c3_fwd_128x576x288", false, false, 128, 288, 576},
	{"conv4_c3_data_576x128x288_tA", true, false, 576, 288, 128},
	{"conv4_c3_filter_128x288x576_tB", false, true, 128, 576, 288},
	{"conv4_c4_fwd_128x1152x300", false, false, 128, 300, 1152},
	{"conv4_c4_data_1152x128x300_tA", true, false, 1152, 300, 128},
	{"conv4_c4_filter_128x300x1152_tB", false, true, 128, 1152, 300},
	{"conv4_d1_fwd_128x3200x256_tB", false, true, 128, 256, 3200},
	{"conv4_d1_data_128x256x3200", false, false, 128, 3200, 256},
	{"conv4_d1_filter_256x128x3200_tA", true, false, 256, 3200, 128},
	{"conv4_d2_fwd_128x256x256_tB", false, true, 128, 256, 256},
	{"conv4_d2_data_128x256x256", false, false, 128, 256, 256},
	{"conv4_d2_filter_256x128x256_tA", true, false, 256, 256, 128},
	{"conv4_d3_fwd_128x256x10_tB", false, true, 128, 10, 256},
	{"conv4_d3_data_128x10x256", false, false, 128, 256, 10},
	{"conv4_d3_filter_10x128x256_tA", true, false, 10, 256, 128},
	{"lenet_d1_fwd_128x784x300_tB", false, true, 128, 300, 784},
	{"lenet_d1_filter_300x128x784_tA", true, false, 300, 784, 128},
	{"lenet_d2_fwd_128x300x100_tB", false, true, 128, 100, 300},
	{"lenet_d2_data_128x100x300", false, false, 128, 300, 100},
	{"lenet_d2_filter_100x128x300_tA", true, false, 100, 300, 128},
	{"lenet_d3_fwd_128x100x10_tB", false, true, 128, 10, 100},
	{"lenet_d3_data_128x10x100", false, false, 128, 100, 10},
	{"lenet_d3_filter_10x128x100_tA", true, false, 10, 100, 128},
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

// BenchmarkSgemmISA measures every instruction-set path on the GEMMs of
// CONV-4 and Lenet-300-100 (modelShapes), the paths side by side for each
// shape so that they see the same machine load; a path the CPU lacks is
// skipped. Sub-benchmarks are named shape/path. Compare the paths of one
// run, repeated with -count, not runs taken at different times; for the
// AVX-512/AVX2 ratio BenchmarkSgemmAVX512VsAVX2 is steadier.
func BenchmarkSgemmISA(b *testing.B) {
	for _, s := range modelShapes {
		lda, ldb := s.k, s.n
		if s.transA {
			lda = s.m
		}
		if s.transB {
			ldb = s.k
		}
		rng := rand.New(rand.NewPCG(1, 1))
		x := randSlice(rng, s.m*s.k)
		y := randSlice(rng, s.k*s.n)
		z := make([]float32, s.m*s.n)
		for _, l := range isa.Levels {
			b.Run(s.name+"/"+l.String(), func(b *testing.B) {
				shape := shapeFor(l)
				if shape.isa != l {
					b.Skipf("this CPU (or build) has no %s path", l)
				}
				for b.Loop() {
					sgemmGo(shape, maxParts(), s.transA, s.transB, s.m, s.n, s.k, 1, x, lda, y, ldb, 0, z, s.n)
				}
				flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkSgemmAVX512VsAVX2 runs the AVX-512F and AVX2 paths alternately,
// call by call, on each shape of modelShapes, and reports speedup, the
// AVX2 path's time over the AVX-512F path's: alternating makes both see
// the same machine load, so the ratio is steadier than one taken from two
// BenchmarkSgemmISA results. Take the median over -count 5 or more.
func BenchmarkSgemmAVX512VsAVX2(b *testing.B) {
	if !hasAVX512 || !hasAVX2 {
		b.Skip("this CPU (or build) lacks the AVX-512F or the AVX2 path")
	}
	for _, s := range modelShapes {
		b.Run(s.name, func(b *testing.B) {
			lda, ldb := s.k, s.n
			if s.transA {
				lda = s.m
			}
			if s.transB {
				ldb = s.k
			}
			rng := rand.New(rand.NewPCG(1, 1))
			x := randSlice(rng, s.m*s.k)
			y := randSlice(rng, s.k*s.n)
			z := make([]float32, s.m*s.n)
			var t [2]time.Duration
			for b.Loop() {
				for i, shape := range []kernelShape{avx512Shape, avx2Shape} {
					start := time.Now()
					sgemmGo(shape, maxParts(), s.transA, s.transB, s.m, s.n, s.k, 1, x, lda, y, ldb, 0, z, s.n)
					t[i] += time.Since(start)
				}
			}
			flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
			b.ReportMetric(flops/t[0].Seconds()/1e9, "avx512-GFLOP/s")
			b.ReportMetric(flops/t[1].Seconds()/1e9, "avx2-GFLOP/s")
			b.ReportMetric(t[1].Seconds()/t[0].Seconds(), "speedup")
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

// BenchmarkDirectA times Sgemm on one thread with A packed and with A read
// in place (the D kernels), alternating call by call, and reports the
// median of the per-pair ratios (packed time / in-place time: above 1,
// reading A in place is faster): the Winograd group GEMMs of CONV-4 and
// CONV-6 (F×T by C, T the group's tiles), im2col's, and VGG-19's deepest.
// It measures the path in use (SLOTLAB_ISA) and sets kernelShape.directMaxN.
func BenchmarkDirectA(b *testing.B) {
	benchAInPlace(b, false, "packed/direct", []struct{ m, n, k int }{
		{64, 294, 64}, {128, 275, 128}, {128, 200, 128}, {256, 150, 128}, {64, 600, 64},
		{128, 400, 128}, {64, 784, 576}, {64, 3072, 64}, {128, 1500, 128}, {512, 256, 4608},
		{256, 1024, 256}, {64, 900, 27},
	})
}

// benchAInPlace times Sgemm on one thread with A packed and read in place
// (non-transposed, or transposed where trans), alternating call by call,
// on each m×n×k shape, and reports the median of the per-pair ratios as
// metric. It lifts directMaxN (directTMaxN where trans) to n for the
// in-place calls and sets it to 0 for the packed ones.
func benchAInPlace(b *testing.B, trans bool, metric string, shapes []struct{ m, n, k int }) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range shapes {
		b.Run(fmt.Sprintf("%dx%dx%d", s.m, s.n, s.k), func(b *testing.B) {
			a, bb := randSlice(rng, s.m*s.k), randSlice(rng, s.k*s.n)
			c := make([]float32, s.m*s.n)
			lda := s.k
			if trans {
				lda = s.m
			}
			reps := max(1, int(20e6/float64(s.m*s.n*s.k)))
			call := func(inPlace bool) time.Duration {
				shape := active
				shape.directMaxN, shape.directTMaxN = 0, 0
				if inPlace && trans {
					shape.directTMaxN = s.n
				} else if inPlace {
					shape.directMaxN = s.n
				}
				t0 := time.Now()
				for range reps {
					sgemmGo(shape, 1, trans, false, s.m, s.n, s.k, 1, a, lda, bb, s.n, 0, c, s.n)
				}
				return time.Since(t0)
			}
			b.ReportMetric(pairedRatio(b.N, call), metric)
		})
	}
}

// BenchmarkBInPlace times Sgemm on one thread on the AVX-512 path with a
// non-transposed B packed and read in place (the B kernels), alternating
// call by call, and reports the median of the per-pair ratios (packed
// time / in-place time: above 1, in place is faster): Winograd's group
// GEMMs (F×T by C: B is V, T columns), im2col's, and row strides that are
// multiples of 4 KiB. It sets readBInPlace, and lifts bInPlaceMaxM.
func BenchmarkBInPlace(b *testing.B) {
	if active.isa != isa.AVX512 {
		b.Skip("B is read in place on the AVX-512 path only")
	}
	defer func(v bool, m int) { readBInPlace, bInPlaceMaxM = v, m }(readBInPlace, bInPlaceMaxM)
	bInPlaceMaxM = 1 << 30
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range []struct{ m, n, k int }{
		{64, 98, 64}, {128, 72, 128}, {64, 294, 64}, {128, 275, 128}, {256, 100, 128}, {256, 36, 256},
		{64, 784, 576}, {512, 256, 4608}, {64, 1024, 64}, {128, 512, 256}, {64, 3072, 64}, {64, 900, 27},
	} {
		b.Run(fmt.Sprintf("%dx%dx%d", s.m, s.n, s.k), func(b *testing.B) {
			a, bb := randSlice(rng, s.m*s.k), randSlice(rng, s.k*s.n)
			c := make([]float32, s.m*s.n)
			reps := max(1, int(20e6/float64(s.m*s.n*s.k)))
			call := func(in bool) time.Duration {
				readBInPlace = in
				t0 := time.Now()
				for range reps {
					sgemmGo(active, 1, false, false, s.m, s.n, s.k, 1, a, s.k, bb, s.n, 0, c, s.n)
				}
				return time.Since(t0)
			}
			b.ReportMetric(pairedRatio(b.N, call), "packed/inplace")
		})
	}
}

// pairedRatio runs call(false) and call(true) n times each, alternating
// which goes first, and returns the median of the ratios of their times
// (false over true): both sides see the same machine, which here drifts
// by tens of percent within minutes.
func pairedRatio(n int, call func(bool) time.Duration) float64 {
	r := make([]float64, 0, n)
	for i := range n {
		var f, t time.Duration
		if i%2 == 0 {
			f, t = call(false), call(true)
		} else {
			t, f = call(true), call(false)
		}
		r = append(r, f.Seconds()/t.Seconds())
	}
	slices.Sort(r)
	return r[len(r)/2]
}

// BenchmarkDirectAT times Sgemm on one thread on the AVX-512 path with a
// transposed A packed and read in place (the T kernels), alternating call
// by call, and reports the median of the per-pair ratios (packed time / in
// place time: above 1, in place is faster), on the products that take a
// transposed A: the transform-GEMM Winograd's filter gradients (F×C by
// T·N tiles) and output transforms (N·F rows, OH·OW columns), im2col's
// input gradient (Wᵀ·∂y), and wider ones. It lifts directTMaxN.
func BenchmarkDirectAT(b *testing.B) {
	if active.isa != isa.AVX512 {
		b.Skip("the T kernels are on the AVX-512 path only")
	}
	benchAInPlace(b, true, "packed/inplace", []struct{ m, n, k int }{
		{512, 512, 128}, {512, 512, 512}, {256, 256, 512}, {128, 128, 512},
		{32768, 25, 100}, {65536, 4, 16}, {65536, 16, 64},
		{576, 784, 64}, {1152, 144, 128}, {64, 300, 64}, {128, 200, 256},
	})
}
