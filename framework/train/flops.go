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
	update := 6 * connections(p)
	if method == framework.MethodSlot {
		update = 8 * connections(p) * float64(k)
	}
	return DenseFLOPs(p, batch) + update
}

// DenseFLOPs is the part of StepFLOPs that every method shares: the
// forward and backward passes of a batch through the network as a dense
// one (2 operations per multiply-add; the first weighted layer's input
// gradient not counted), without the update. slotlab bench divides it by
// the step time for the dense-equivalent GFLOP/s that it compares with the
// machine's SGEMM rate.
func DenseFLOPs(p *nn.Plan, batch int) float64 {
	var macs, first float64
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
	}
	return float64(batch) * (2*macs + 2*macs + 2*(macs-first))
}

// connections counts the weighted layers' connections.
func connections(p *nn.Plan) float64 {
	var n float64
	for _, st := range p.Steps {
		if st.Weighted {
			n += float64(st.Info.Connections)
		}
	}
	return n
}
