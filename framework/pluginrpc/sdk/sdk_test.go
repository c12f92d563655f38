package sdk

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestArgmax(t *testing.T) {
	nan := float32(math.NaN())
	for _, tc := range []struct {
		name   string
		k      int
		scores []float32
		want   []int32
	}{
		{"k=1", 1, []float32{3, -1}, []int32{0, 0}},
		{"k=2", 2, []float32{0.1, 0.2, 0.3, -0.3}, []int32{1, 0}},
		{"ties go to the lowest index", 4, []float32{7, 7, 7, 7, 0, 9, 9, 1}, []int32{0, 1}},
		{"negative", 3, []float32{-3, -2, -1}, []int32{2}},
		{"NaN never wins", 3, []float32{nan, 1, 2, 1, nan, 0}, []int32{2, 0}},
		{"all NaN", 2, []float32{nan, nan}, []int32{0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx := make([]int32, len(tc.want))
			Argmax(idx, tc.scores, tc.k)
			if !slices.Equal(idx, tc.want) {
				t.Fatalf("got %v, want %v", idx, tc.want)
			}
		})
	}
}

// TestArgmaxKernel checks the kernel Argmax runs against the plain loop
// (argmaxGo) on random scores with ties, ±0, infinities and NaN, for K the
// kernel has special code for and others, and n across block edges.
func TestArgmaxKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 1, 1}
	for _, k := range []int{2, 3, 4, 5, 8, 12, 16, 24, 64, 1024, 1025} {
		for _, n := range []int{1, 7, 1023, 1024, 1025, 2500} {
			if k*n > 1<<21 {
				continue
			}
			scores := make([]float32, n*k)
			for i := range scores {
				if r.IntN(5) == 0 {
					scores[i] = special[r.IntN(len(special))]
				} else {
					scores[i] = float32(r.IntN(7)) - 3 // many ties
				}
			}
			got, want := make([]int32, n), make([]int32, n)
			Argmax(got, scores, k)
			argmaxGo(want, scores, k)
			if i := slices.Compare(got, want); i != 0 {
				for j := range got {
					if got[j] != want[j] {
						t.Fatalf("K=%d n=%d: connection %d (%v): got %d, want %d", k, n, j, scores[j*k:j*k+k], got[j], want[j])
					}
				}
			}
		}
	}
}

func BenchmarkArgmax(b *testing.B) {
	const n, k = 1 << 16, 8
	s := make([]float32, n*k)
	for i := range s {
		s[i] = float32((i * 7919) % 1013)
	}
	idx := make([]int32, n)
	b.SetBytes(int64(len(s) * 4))
	for b.Loop() {
		Argmax(idx, s, k)
	}
}
