package train

import (
	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn"
)

// StepFLOPs estimates the floating-point operations of one training step of
// a batch: the dense-equivalent forward pass (2 per multiply-add), the
// backward pass (the weight gradient, and the input gradient of every
// weighted layer but the first), and the update: for a slot machine K
// straight-through score updates per connection (about 8 operations each:
// gradient, decay, momentum, step, comparison), for learned weights about 6
// per weight. Activations, pooling and normalisation are not counted.
func StepFLOPs(p *nn.Plan, method framework.Method, k, batch int) float64 {
	var macs, first float64
	var conns float64
	seenFirst := false
	for _, st := range p.Steps {
		if !st.Weighted {
			continue
		}
		m := float64(st.MACs)
		macs += m
		if !seenFirst {
			first, seenFirst = m, true
		}
		conns += float64(st.Info.Connections)
	}
	perExample := 2*macs + 2*macs + 2*(macs-first)
	update := 6 * conns
	if method == framework.MethodSlot {
		update = 8 * conns * float64(k)
	}
	return float64(batch)*perExample + update
}
