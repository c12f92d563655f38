package export

import (
	"slices"
	"testing"
)

func TestRankCounts(t *testing.T) {
	for _, tc := range []struct {
		name      string
		w         []float32
		idx       []int32
		k, stride int
		want      []int
	}{
		{"per connection", []float32{0.3, -0.1, 0.2, 5, 1, 3}, []int32{0, 1}, 3, 3, []int{1, 0, 1}},
		{"shared pool", []float32{0.5, -0.5, 0}, []int32{0, 1, 2, 1}, 3, 0, []int{2, 1, 1}},
		{"ties by index", []float32{1, 1, 1, 1}, []int32{0, 1}, 2, 2, []int{1, 1}},
		{"K=1", []float32{7, 8}, []int32{0, 0}, 1, 1, []int{2}},
	} {
		if got := rankCounts(tc.w, tc.idx, tc.k, tc.stride); !slices.Equal(got, tc.want) {
			t.Errorf("%s: ranks %v, want %v", tc.name, got, tc.want)
		}
	}
	ext, chance := LayerSelection{K: 4, Connections: 10, Ranks: []int{3, 1, 1, 5}}.Extreme()
	if ext != 0.8 || chance != 0.5 {
		t.Errorf("Extreme() = %v, %v; want 0.8, 0.5", ext, chance)
	}
}
