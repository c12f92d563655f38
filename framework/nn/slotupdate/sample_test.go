package slotupdate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/slotlab/slotlab/framework/internal/isa"
	"github.com/slotlab/slotlab/framework/isatest"
)

// TestExp32 checks Exp32 against math.Exp in float64 over its range.
func TestExp32(t *testing.T) {
	worst := 0.0
	for x := float32(0); x > -87; x -= 0.0137 {
		got, want := float64(Exp32(x)), math.Exp(float64(x))
		if want < 1e-37 { // float32 subnormals: absolute error only
			continue
		}
		if rel := math.Abs(got-want) / want; rel > worst {
			worst = rel
		}
	}
	if worst > 3e-7 {
		t.Fatalf("Exp32 relative error %g", worst)
	}
	if Exp32(0) != 1 || Exp32(-88) != 0 || Exp32(-1000) != 0 {
		t.Fatalf("Exp32(0) = %v, Exp32(-88) = %v", Exp32(0), Exp32(-88))
	}
}

// sampleCase fills n rows of K scores: spread sets their range, and some
// rows hold a score far below the others (e^(s−max) = 0).
func sampleCase(n, k int, spread float32, seed uint64) (s, u []float32) {
	r := rand.New(rand.NewPCG(seed, 1))
	s = make([]float32, n*k)
	for i := range s {
		s[i] = (r.Float32() - 0.5) * spread
		if r.IntN(50) == 0 {
			s[i] -= 200
		}
	}
	u = make([]float32, n)
	for i := range u {
		u[i] = r.Float32()
	}
	u[0] = 0
	u[n-1] = math.Nextafter32(1, 0)
	return s, u
}

// TestSampleSoftmaxPaths checks that every path this machine has (impls:
// AVX2, AVX-512 where it is used and everywhere it can run) draws exactly
// what the Go code draws through SampleSoftmax, for K up to 64 and past it
// (where the AVX2 kernel draws by its loop over blocks, and no AVX-512
// kernel runs), and that the AVX2 kernel's prefix sums are the Go code's,
// bit for bit (TestSampleSoftmaxZ checks both kernels up to K = 64 in
// detail).
func TestSampleSoftmaxPaths(t *testing.T) {
	isatest.Path(t, isa.AVX2, hasAVX2)
	for _, k := range []int{8, 16, 24, 32, 64, 72, 136} {
		for _, spread := range []float32{0.01, 2, 30, 300} {
			const n = 2000
			s, u := sampleCase(n, k, spread, uint64(k)*1000+uint64(spread))
			want := make([]int32, n)
			sampleSoftmaxGo(want, s, u, k, make([]float32, k+8))
			for _, im := range impls() {
				got := make([]int32, n)
				with(im, func() { SampleSoftmax(got, s, u, k) })
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("K=%d spread %g row %d: %s drew %d, Go %d", k, spread, i, im.name, got[i], want[i])
					}
				}
			}
			// The prefix sums themselves, bit for bit, row by row.
			pa, pg := make([]float32, k+8), make([]float32, k+8)
			var one [1]int32
			for i := 0; i < n; i += 37 {
				sampleK8nAVX2(&one[0], &s[i*k], &u[i], &pa[0], 1, k)
				sampleSoftmaxGo(one[:], s[i*k:i*k+k], u[i:i+1], k, pg)
				for j := range k {
					if math.Float32bits(pa[j]) != math.Float32bits(pg[j]) {
						t.Fatalf("K=%d spread %g row %d: prefix sum %d is %x in assembly, %x in Go", k, spread, i, j, math.Float32bits(pa[j]), math.Float32bits(pg[j]))
					}
				}
			}
		}
	}
}

// TestSampleSoftmaxDefinition checks the draws against the inverse of the
// float64 cumulative softmax, for K with and without a kernel.
func TestSampleSoftmaxDefinition(t *testing.T) {
	for _, k := range []int{1, 2, 3, 4, 8, 12, 32} {
		const n = 3000
		s, u := sampleCase(n, k, 5, uint64(k))
		idx := make([]int32, n)
		SampleSoftmax(idx, s, u, k)
		for i := range idx {
			row := s[i*k : i*k+k]
			m := math.Inf(-1)
			for _, v := range row {
				m = math.Max(m, float64(v))
			}
			c := make([]float64, k)
			tot := 0.0
			for j, v := range row {
				tot += math.Exp(float64(v) - m)
				c[j] = tot
			}
			target := float64(u[i]) * tot
			j := int(idx[i])
			lo := 0.0
			if j > 0 {
				lo = c[j-1]
			}
			if tol := 1e-5 * tot; target < lo-tol || target >= c[j]+tol {
				t.Fatalf("K=%d row %d: drew %d, but u·total %.6g lies outside [%.6g, %.6g)", k, i, j, target, lo, c[j])
			}
		}
	}
}

// BenchmarkSampleSoftmax times PS sampling of 4096 connections, the
// AVX-512 kernels (every K they take, measured faster or not: zSampleWins
// is decided by this benchmark) and the AVX2 kernel where this machine has
// them, against the Go code (the same draws), per K.
func BenchmarkSampleSoftmax(b *testing.B) {
	for _, k := range []int{8, 16, 24, 32, 40, 48, 56, 64} {
		const n = 4096
		s, u := sampleCase(n, k, 4, 1)
		idx := make([]int32, n)
		for _, version := range versions() {
			if version == "baseline" {
				continue
			}
			b.Run(fmt.Sprintf("K%d/%s", k, version), func(b *testing.B) {
				runVersion(version, func() {
					b.SetBytes(int64(4 * n * k))
					for b.Loop() {
						SampleSoftmax(idx, s, u, k)
					}
				})
			})
		}
	}
}
