package probabilistic

import (
	"fmt"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/rng"
)

func ctx(k int, training bool, step int64, offset int) framework.SelectContext {
	return framework.SelectContext{Layer: framework.LayerInfo{Name: "l", Connections: 1000, K: k},
		Training: training, Step: step, Offset: offset, Stream: framework.StreamKey(rng.New(3, "sel").Key)}
}

// TestSelectIsCounterBased checks that a draw depends only on (step,
// connection): selecting a layer in two parts equals selecting it whole, the
// same step repeats, and another step differs.
func TestSelectIsCounterBased(t *testing.T) {
	const n, k = 1000, 4
	scores := make([]float32, n*k)
	s := rng.New(5, "scores")
	for i := range scores {
		scores[i] = s.Float32(uint64(i))
	}
	p := &Probabilistic{Eval: "argmax"}
	whole := make([]int32, n)
	if err := p.Select(whole, scores, ctx(k, true, 7, 0)); err != nil {
		t.Fatal(err)
	}
	parts := make([]int32, n)
	_ = p.Select(parts[:300], scores[:300*k], ctx(k, true, 7, 0))
	_ = p.Select(parts[300:], scores[300*k:], ctx(k, true, 7, 300))
	next := make([]int32, n)
	_ = p.Select(next, scores, ctx(k, true, 8, 0))
	same, differ := true, false
	for i := range whole {
		same = same && whole[i] == parts[i]
		differ = differ || whole[i] != next[i]
		if whole[i] < 0 || whole[i] >= k {
			t.Fatalf("index %d out of range", whole[i])
		}
	}
	if !same {
		t.Error("splitting the layer changed the draws")
	}
	if !differ {
		t.Error("the next step drew exactly the same selection")
	}
}

func TestEvalModes(t *testing.T) {
	scores := []float32{0, 5, 1, 9, 2, 3}
	idx := make([]int32, 2)
	if err := (&Probabilistic{Eval: "argmax"}).Select(idx, scores, ctx(3, false, 1, 0)); err != nil {
		t.Fatal(err)
	}
	if idx[0] != 1 || idx[1] != 0 {
		t.Fatalf("argmax evaluation gave %v, want [1 0]", idx)
	}
	flat := make([]float32, 3*500)
	idx = make([]int32, 500)
	_ = (&Probabilistic{Eval: "sample"}).Select(idx, flat, ctx(3, false, 1, 0))
	seen := map[int32]bool{}
	for _, v := range idx {
		seen[v] = true
	}
	if len(seen) != 3 {
		t.Fatalf("sampling evaluation of uniform scores used only %v", seen)
	}
	if err := (&Probabilistic{Eval: "mode"}).Validate(); err == nil {
		t.Fatal("eval: mode was accepted")
	}
}

func BenchmarkSelect(b *testing.B) {
	for _, k := range []int{2, 8, 64} {
		b.Run(fmt.Sprintf("K%d", k), func(b *testing.B) {
			const n = 4096
			scores := make([]float32, n*k)
			s := rng.New(5, "scores")
			for i := range scores {
				scores[i] = s.Float32(uint64(i))
			}
			idx := make([]int32, n)
			p := &Probabilistic{Eval: "argmax"}
			b.SetBytes(int64(4 * n * k))
			for i := 0; b.Loop(); i++ {
				_ = p.Select(idx, scores, ctx(k, true, int64(i), 0))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n*k), "ns/score")
		})
	}
}
