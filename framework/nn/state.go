package nn

import (
	"fmt"
	"sort"
)

// Tensor is a named tensor of a network's state; exactly one of F32, F64
// and I32 holds its values.
type Tensor struct {
	Name string
	F32  []float32
	F64  []float64
	I32  []int32
}

// State returns the network's trainable state as named tensors that share
// the network's memory: the score coefficients (slot: the network-wide A, B
// and two numbers per connection, which with the fixed random numbers give
// every score and its momentum), the weights and their momentum (learned),
// and batch-norm running statistics. The fixed random numbers are not part
// of it: they are drawn again from the seed.
func (n *Network) State() []Tensor {
	var out []Tensor
	if len(n.Slots) > 0 {
		out = append(out, Tensor{Name: "slot/coef", F64: []float64{n.coef.A, n.coef.B}})
	}
	for _, l := range n.Slots {
		out = append(out, Tensor{Name: "slot/" + l.Info.Name + "/y", F32: l.Y})
	}
	for _, l := range n.Learned {
		out = append(out,
			Tensor{Name: "learned/" + l.Info.Name + "/w", F32: l.W},
			Tensor{Name: "learned/" + l.Info.Name + "/velocity", F32: l.Velocity})
	}
	return append(out, n.bnState()...)
}

func (n *Network) bnState() []Tensor {
	var idx []int
	for i := range n.bns {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	var out []Tensor
	for _, i := range idx {
		b := n.bns[i]
		out = append(out,
			Tensor{Name: fmt.Sprintf("bn/%d/mean", i), F32: b.RunMean},
			Tensor{Name: fmt.Sprintf("bn/%d/var", i), F32: b.RunVar})
	}
	return out
}

// Restore loads a state saved by State into a network built from the same
// config, sets the step counter, and selects the weights of the next step
// again (the selection is a pure function of the scores and the step).
func (n *Network) Restore(ts map[string]Tensor, step int64) error {
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
func (n *Network) Selection() []Tensor {
	var out []Tensor
	for _, l := range n.Slots {
		out = append(out, Tensor{Name: "select/" + l.Info.Name, I32: l.EvalIdx})
	}
	for _, l := range n.Learned {
		out = append(out, Tensor{Name: "learned/" + l.Info.Name + "/w", F32: l.W})
	}
	return append(out, n.bnState()...)
}

// LoadSelection sets the evaluated network from tensors written by
// Selection: the selection of every slot layer (whose weights are gathered
// from the candidates), or the weights of every learned layer, and the
// batch-norm statistics.
func (n *Network) LoadSelection(ts map[string]Tensor) error {
	for _, want := range n.Selection() {
		got, ok := ts[want.Name]
		if !ok {
			return fmt.Errorf("no tensor %q: the file was written for another network", want.Name)
		}
		if len(got.F32) != len(want.F32) || len(got.I32) != len(want.I32) {
			return fmt.Errorf("tensor %q has %d values, the network needs %d", want.Name, len(got.F32)+len(got.I32), len(want.F32)+len(want.I32))
		}
		copy(want.F32, got.F32)
		copy(want.I32, got.I32)
	}
	for _, l := range n.Slots {
		if err := l.gatherAll(l.EvalWeff, l.EvalIdx); err != nil {
			return fmt.Errorf("layer %s: %w", l.Info.Name, err)
		}
	}
	return nil
}

// EvalWeights returns, per weighted layer, the weights of the evaluated
// network: the selected weights of a slot machine (after PrepareEval or
// LoadSelection) or a learned network's weights.
func (n *Network) EvalWeights() []Tensor {
	var out []Tensor
	for _, l := range n.Slots {
		out = append(out, Tensor{Name: l.Info.Name, F32: l.EvalWeff})
	}
	for _, l := range n.Learned {
		out = append(out, Tensor{Name: l.Info.Name, F32: l.W})
	}
	return out
}

// BatchNormStats returns the running statistics of the batch-norm layers,
// named bn/INDEX/mean and bn/INDEX/var by architecture layer index.
func (n *Network) BatchNormStats() []Tensor { return n.bnState() }
