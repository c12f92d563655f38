package greedy

import (
	"testing"

	"github.com/slotlab/slotlab/framework"
)

func TestGreedySelect(t *testing.T) {
	for _, tc := range []struct {
		name   string
		k      int
		scores []float32
		want   []int32
	}{
		{"k=1 always 0", 1, []float32{3, -1, 0}, []int32{0, 0, 0}},
		{"k=2", 2, []float32{0.1, 0.2, 0.3, -0.3, 5, 5}, []int32{1, 0, 0}},
		{"k=3 max anywhere", 3, []float32{1, 2, 3, 3, 2, 1, 2, 3, 1}, []int32{2, 0, 1}},
		{"negative scores", 4, []float32{-4, -3, -2, -1, -1, -2, -3, -4}, []int32{3, 0}},
		{"ties go to the lowest index", 4, []float32{7, 7, 7, 7, 0, 9, 9, 1}, []int32{0, 1}},
		{"k=8", 8, []float32{0, 1, 2, 3, 4, 5, 6, 100, 9, 8, 7, 6, 5, 4, 3, 2}, []int32{7, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx := make([]int32, len(tc.want))
			for i := range idx {
				idx[i] = -1
			}
			if err := (&Greedy{}).Select(idx, tc.scores, framework.SelectContext{Layer: framework.LayerInfo{K: tc.k}, Training: true}); err != nil {
				t.Fatal(err)
			}
			for i := range idx {
				if idx[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", idx, tc.want)
				}
			}
		})
	}
}

func TestRegistered(t *testing.T) {
	info, ok := framework.Lookup("selectors.greedy")
	if !ok || info.Summary == "" {
		t.Fatal("selectors.greedy is not registered with a summary")
	}
	if _, ok := info.New().(framework.Selector); !ok {
		t.Fatal("New does not return a Selector")
	}
}

func BenchmarkSelect(b *testing.B) {
	for _, k := range []int{2, 8, 64} {
		b.Run(map[int]string{2: "K2", 8: "K8", 64: "K64"}[k], func(b *testing.B) {
			n := 1 << 16
			s := make([]float32, n*k)
			for i := range s {
				s[i] = float32((i * 7919) % 1013)
			}
			idx := make([]int32, n)
			ctx := framework.SelectContext{Layer: framework.LayerInfo{Connections: n, K: k}, Training: true}
			b.SetBytes(int64(len(s) * 4))
			for b.Loop() {
				_ = (&Greedy{}).Select(idx, s, ctx)
			}
		})
	}
}
