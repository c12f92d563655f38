package nn

import (
	"github.com/slotlab/slotlab/framework"
	"path/filepath"
	"testing"

	"github.com/slotlab/slotlab/framework/rng"
)

// TestConv6Learns trains CONV-6 (the paper's architecture file, dropout
// included) on one fixed batch of random images, as a slot machine and with
// learned weights: the loss must fall well below chance. The full-scale
// runs on CIFAR-10 are in README's CIFAR-10 table and docs/reproduction.md.
func TestConv6Learns(t *testing.T) {
	if testing.Short() {
		t.Skip("trains CONV-6 for 40 steps")
	}
	a, err := loadSpec(filepath.Join("..", "..", "architectures", "conv6.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		method framework.Method
		h      Hyper
	}{
		{"slot", Hyper{LR: 0.3, Momentum: 0.9}},
		{"learned", Hyper{LR: 0.02, Momentum: 0.9}},
	} {
		o := testOptions(c.method, 8, 8)
		o.Selector = fusedArgmax{}
		o.WeightInit, o.ScoreInit = uniformInit{-0.1, 0.1}, uniformInit{0, 0.1}
		n, err := Build(a, o)
		if err != nil {
			t.Fatal(err)
		}
		x, y := n.TrainInput()
		s := rng.New(2, "images")
		for i := range x {
			x[i] = 2*s.Float32(uint64(i)) - 1
		}
		for i := range y {
			y[i] = int32(i % 10)
		}
		// Mean loss of the first and last 10 of 40 steps (dropout makes
		// single steps noisy).
		var first, last float64
		for step := 0; step < 40; step++ {
			loss, _, err := n.TrainStep(c.h)
			if err != nil {
				t.Fatal(err)
			}
			if step < 10 {
				first += loss / 10
			}
			if step >= 30 {
				last += loss / 10
			}
		}
		if !(last < 0.8*first) {
			t.Errorf("%s CONV-6: mean loss %.3f over the last 10 of 40 steps on one batch, %.3f over the first 10", c.method, last, first)
		}
		t.Logf("%s CONV-6: loss %.3f → %.3f", c.method, first, last)
	}
}
