package zerolast

import (
	"math"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/rng"
	"github.com/slotlab/slotlab/plugins/initializers/glorotuniform"
)

// TestFill checks that the last candidate of every connection is 0 and
// the others are glorot_uniform's numbers, whole and filled in parts that
// start anywhere, for K = 1 (nothing zeroed), 2 and 3.
func TestFill(t *testing.T) {
	for _, k := range []int{1, 2, 3} {
		layer := framework.LayerInfo{Name: "d", Kind: framework.Dense, FanIn: 30, FanOut: 20, Connections: 600, K: k}
		info := framework.TensorInfo{Layer: layer, Role: framework.Weights, Stream: framework.StreamKey(rng.New(4, "w").Key)}
		n := layer.Connections * k
		glorot := make([]float32, n)
		if err := (&glorotuniform.GlorotUniform{Bound: "glorot"}).Fill(glorot, info); err != nil {
			t.Fatal(err)
		}
		for _, scale := range []float64{2, 0.5} {
			z := &ZeroLast{Bound: "glorot", Scale: scale}
			scaled := make([]float32, n)
			if err := z.Fill(scaled, info); err != nil {
				t.Fatal(err)
			}
			for j, v := range scaled {
				last := k > 1 && j%k == k-1
				if last && v != 0 || !last && v != float32(scale)*glorot[j] {
					t.Fatalf("K=%d scale %v element %d (candidate %d): %v, glorot_uniform's %v", k, scale, j, j%k, v, glorot[j])
				}
			}
		}
		z := &ZeroLast{Bound: "glorot", Scale: 1}
		whole := make([]float32, n)
		if err := z.Fill(whole, info); err != nil {
			t.Fatal(err)
		}
		for j, v := range whole {
			last := k > 1 && j%k == k-1
			if last && v != 0 || !last && v != glorot[j] {
				t.Fatalf("K=%d element %d (candidate %d): %v, glorot_uniform's %v", k, j, j%k, v, glorot[j])
			}
		}
		for _, off := range []int{1, 2, 7, 301} {
			part := make([]float32, 100)
			at := info
			at.Offset = uint64(off)
			if err := z.Fill(part, at); err != nil {
				t.Fatal(err)
			}
			for i, v := range part {
				if v != whole[off+i] {
					t.Fatalf("K=%d: element %d differs when filled from %d", k, off+i, off)
				}
			}
		}
	}
}

func TestRefuses(t *testing.T) {
	scores := framework.TensorInfo{Layer: framework.LayerInfo{FanIn: 1, FanOut: 1, K: 2}, Role: framework.Scores}
	if err := (&ZeroLast{Bound: "glorot", Scale: 1}).Fill(make([]float32, 4), scores); err == nil || !strings.Contains(err.Error(), "not scores") {
		t.Fatalf("filling scores: %v", err)
	}
	for _, z := range []ZeroLast{{"he", 1}, {"glorot", 0}, {"glorot", -1}, {"glorot", math.NaN()}, {"glorot", math.Inf(1)}} {
		if err := z.Validate(); err == nil {
			t.Errorf("%+v was accepted", z)
		}
	}
	if err := (&ZeroLast{Bound: "glorot", Scale: 1.5}).Validate(); err != nil {
		t.Error(err)
	}
}
