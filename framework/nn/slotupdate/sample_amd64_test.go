//go:build amd64 && !purego

package slotupdate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/slotlab/slotlab/framework/internal/isa"
	"github.com/slotlab/slotlab/framework/isatest"
)

// sampleZ calls SampleSoftmax's AVX-512 kernel for K directly, on all of
// idx at once; scratch holds sampleScratch values.
func sampleZ(idx []int32, s, u, scratch []float32, k int) {
	if k == 8 {
		sampleK8Z(&idx[0], &s[0], &u[0], len(idx))
		return
	}
	sampleK16nZ(&idx[0], &s[0], &u[0], &scratch[0], len(idx), k)
}

// zSampleScores makes n rows of K scores of one kind: random of a given
// spread (with some scores 200 below the rest), equal within a row, tied
// among a few values (±0 among them), one score far above the others
// (every other e^(s−max) below e^−87, or exactly 0), or spread over the
// whole float32 range (s − max may overflow to −Inf).
func zSampleScores(r *rand.Rand, kind string, n, k int) []float32 {
	s := make([]float32, n*k)
	for i := range n {
		row := s[i*k : i*k+k]
		switch kind {
		case "spread0.01", "spread2", "spread30", "spread300":
			var spread float32
			fmt.Sscanf(kind, "spread%g", &spread)
			for j := range row {
				row[j] = (r.Float32() - 0.5) * spread
				if r.IntN(50) == 0 {
					row[j] -= 200
				}
			}
		case "equal":
			v := []float32{0, float32(math.Copysign(0, -1)), 1, -3.5, 1e6}[i%5]
			for j := range row {
				row[j] = v
			}
		case "ties":
			vals := []float32{-1, 0, float32(math.Copysign(0, -1)), 1, 1}
			for j := range row {
				row[j] = vals[r.IntN(len(vals))]
			}
		case "below87":
			// −87.5 is just past Exp32's cut, −86.9 just inside it.
			for j := range row {
				row[j] = []float32{-87.5, -86.9, -1000, -90}[r.IntN(4)]
			}
			row[r.IntN(k)] = 0
		case "huge":
			for j := range row {
				row[j] = (r.Float32()*2 - 1) * math.MaxFloat32
			}
		}
	}
	return s
}

// zSampleU draws u for the rows of s: random, the ends of [0, 1) and near
// them, and for a third of the rows p_j/total for a random j of the Go
// code's prefix sums p, or a neighbour of it (one float32 step down or
// up), where the draw turns on the last bit of p_j and of the total.
func zSampleU(r *rand.Rand, s []float32, n, k int) []float32 {
	u := make([]float32, n)
	ends := []float32{0, math.SmallestNonzeroFloat32, 1e-30, 1e-7, 0.5, math.Nextafter32(1, 0), math.Nextafter32(math.Nextafter32(1, 0), 0)}
	p := make([]float32, k+8)
	var one [1]int32
	for i := range u {
		switch r.IntN(3) {
		case 0:
			u[i] = r.Float32()
		case 1:
			u[i] = ends[r.IntN(len(ends))]
		default:
			sampleSoftmaxGo(one[:], s[i*k:i*k+k], []float32{0}, k, p)
			v := p[r.IntN(k)] / p[k-1]
			switch r.IntN(3) {
			case 0:
				v = math.Nextafter32(v, 0)
			case 1:
				v = math.Nextafter32(v, 1)
			}
			u[i] = min(v, math.Nextafter32(1, 0))
		}
	}
	return u
}

// TestSampleSoftmaxZ calls the AVX-512 sampling kernels directly and
// checks their draws against the Go code and the AVX2 kernel, bit for bit
// (and, for K > 8, the prefix sums left in scratch), for K = 8 to 64 (K/8
// odd and even), n from 1 to 9 and 4097 (every remainder of the 4 and 2
// connections sampleK8Z takes per step), scores equal, tied, random of
// several spreads, past Exp32's cut at −87 and over the whole float32
// range, and u at and near 0, 1 and the prefix sums; that nothing past n
// is written; and that the AVX-512 kernel goes through SampleSoftmax where
// zEverywhere asks for it.
func TestSampleSoftmaxZ(t *testing.T) {
	isatest.Path(t, isa.AVX512, hasAVX512)
	kinds := []string{"spread0.01", "spread2", "spread30", "spread300", "equal", "ties", "below87", "huge"}
	for _, k := range []int{8, 16, 24, 32, 40, 48, 56, 64} {
		for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 4097} {
			for ki, kind := range kinds {
				name := fmt.Sprintf("K%d/n%d/%s", k, n, kind)
				r := rand.New(rand.NewPCG(uint64(k*10000+n), uint64(ki)))
				s := zSampleScores(r, kind, n, k)
				u := zSampleU(r, s, n, k)
				want := make([]int32, n)
				sampleSoftmaxGo(want, s, u, k, make([]float32, k+8))
				for _, v := range []string{"avx512", "avx2"} {
					got := make([]int32, n+1)
					got[n] = -7
					scratch := make([]float32, sampleScratch)
					if v == "avx512" {
						sampleZ(got[:n], s, u, scratch, k)
					} else {
						sampleK8nAVX2(&got[0], &s[0], &u[0], &scratch[0], n, k)
					}
					diffI(t, name+" "+v, got[:n], want)
					if got[n] != -7 {
						t.Fatalf("%s %s: wrote idx[%d] = %d, past n", name, v, n, got[n])
					}
				}
				if k == 8 {
					continue
				}
				// The prefix sums in scratch, bit for bit: of one row
				// alone, and of two (the second's 72 values on).
				pz, pg := make([]float32, sampleScratch), make([]float32, k+8)
				var two [2]int32
				for i := 0; i < n; i += 1 + n/50 {
					for _, m := range []int{1, 2} {
						if i+m > n {
							continue
						}
						sampleK16nZ(&two[0], &s[i*k], &u[i], &pz[0], m, k)
						for r := range m {
							sampleSoftmaxGo(two[:1], s[(i+r)*k:(i+r+1)*k], u[i+r:i+r+1], k, pg)
							for j := range k {
								if a, b := math.Float32bits(pz[72*r+j]), math.Float32bits(pg[j]); a != b {
									t.Fatalf("%s rows %d..%d: row %d's prefix sum %d is %#08x in AVX-512, %#08x in Go", name, i, i+m-1, i+r, j, a, b)
								}
							}
						}
					}
				}
			}
		}
		// Through SampleSoftmax, which takes the AVX-512 kernel here.
		const n = 301
		r := rand.New(rand.NewPCG(uint64(k), 5))
		s := zSampleScores(r, "spread30", n, k)
		u := zSampleU(r, s, n, k)
		got, want := make([]int32, n), make([]int32, n)
		with(impl{"avx512-all", true, true, true}, func() {
			if !zSampleWins(k) {
				t.Fatalf("K=%d: zSampleWins false under zEverywhere", k)
			}
			SampleSoftmax(got, s, u, k)
		})
		sampleSoftmaxGo(want, s, u, k, make([]float32, k+8))
		diffI(t, fmt.Sprintf("K%d SampleSoftmax avx512-all", k), got, want)
	}
}
