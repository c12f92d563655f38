package sdk

import (
	"math"
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
