package nn

import (
	"fmt"

	"github.com/slotlab/slotlab/framework"
)

// ToLearned returns a network with ordinary trainable weights that starts
// from this slot machine's evaluated selection (call PrepareEval first):
// the weights the slot machine picked become the initial weights, and the
// batch-norm statistics carry over. This is the paper's fine-tuning.
func (n *Network) ToLearned() (*Network, error) {
	if n.Options.Method != framework.MethodSlot {
		return nil, fmt.Errorf("only a slot machine can be turned into a learned network")
	}
	o := n.Options
	o.Method = framework.MethodLearned
	m := &Network{Plan: n.Plan, Options: o, step: n.step}
	for _, l := range n.Slots {
		w := append([]float32(nil), l.EvalWeff...)
		m.Learned = append(m.Learned, &LearnedLayer{Info: l.Info, W: w, Velocity: make([]float32, len(w))})
	}
	if err := m.buildGraphs(); err != nil {
		return nil, err
	}
	for i, b := range n.bns {
		copy(m.bns[i].RunMean, b.RunMean)
		copy(m.bns[i].RunVar, b.RunVar)
	}
	return m, nil
}
