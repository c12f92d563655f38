package nn

import (
	"fmt"
	"sort"

	"github.com/slotlab/slotlab/framework/checkpoint"
)

// State returns the network's trainable state as named tensors that share
// the network's memory: the score coefficients (slot: the network-wide A, B
// and two numbers per connection, which with the fixed random numbers give
// every score and its momentum), the weights and their momentum (learned),
// and batch-norm running statistics. The fixed random numbers are not part
// of it: they are drawn again from the seed.
func (n *Network) State() []checkpoint.Tensor {
	var out []checkpoint.Tensor
	if len(n.Slots) > 0 {
		out = append(out, checkpoint.Tensor{Name: "slot/coef", F64: []float64{n.coef.A, n.coef.B}})
	}
	for _, l := range n.Slots {
		out = append(out, checkpoint.Tensor{Name: "slot/" + l.Info.Name + "/y", F32: l.Y})
	}
	for _, l := range n.Learned {
		out = append(out,
			checkpoint.Tensor{Name: "learned/" + l.Info.Name + "/w", F32: l.W},
			checkpoint.Tensor{Name: "learned/" + l.Info.Name + "/velocity", F32: l.Velocity})
	}
	return append(out, n.bnState()...)
}

func (n *Network) bnState() []checkpoint.Tensor {
	var idx []int
	for i := range n.bns {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	var out []checkpoint.Tensor
	for _, i := range idx {
		b := n.bns[i]
		out = append(out,
			checkpoint.Tensor{Name: fmt.Sprintf("bn/%d/mean", i), F32: b.RunMean},
			checkpoint.Tensor{Name: fmt.Sprintf("bn/%d/var", i), F32: b.RunVar})
	}
	return out
}

// Restore loads a state saved by State into a network built from the same
// config, sets the step counter, and selects the weights of the next step
// again (the selection is a pure function of the scores and the step).
func (n *Network) Restore(ts map[string]checkpoint.Tensor, step int64) error {
	for _, want := range n.State() {
		got, ok := ts[want.Name]
		if !ok {
			return fmt.Errorf("the checkpoint has no tensor %q: it was written by another network", want.Name)
		}
		if len(got.F32) != len(want.F32) || len(got.F64) != len(want.F64) {
			return fmt.Errorf("tensor %q has %d values in the checkpoint, the network needs %d", want.Name, len(got.F32)+len(got.F64), len(want.F32)+len(want.F64))
		}
		copy(want.F32, got.F32)
		if want.Name == "slot/coef" {
			n.coef = Coef{A: got.F64[0], B: got.F64[1]}
		}
	}
	n.step = step
	for _, l := range n.Slots {
		if err := l.Select(step); err != nil {
			return fmt.Errorf("selecting %s after restoring: %w", l.Info.Name, err)
		}
	}
	return nil
}

// Selection returns, per slot layer, the evaluated network's selection
// (call PrepareEval first), with the batch-norm statistics: all that
// defines a trained slot machine besides its seed.
func (n *Network) Selection() []checkpoint.Tensor {
	var out []checkpoint.Tensor
	for _, l := range n.Slots {
		out = append(out, checkpoint.Tensor{Name: "select/" + l.Info.Name, I32: l.EvalIdx})
	}
	for _, l := range n.Learned {
		out = append(out, checkpoint.Tensor{Name: "learned/" + l.Info.Name + "/w", F32: l.W})
	}
	return append(out, n.bnState()...)
}
