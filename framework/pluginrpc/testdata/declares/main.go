// Command declares is a slotlab plugin for the tests of module-declared
// policies: an argmax selector that declares its table label (DS) and,
// depending on the experiment and its own option, the learning rate
// `learning_rate: auto` resolves to and the weight decay (a declared 0,
// which must survive the wire), written as the SDK's one-call main.
package main

import (
	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/pluginrpc/sdk"
	"github.com/slotlab/slotlab/framework/selectkit"
)

func main() { sdk.Serve(&Declares{Note: "default", Rate: 0.3}) }

// Declares selects the argmax and declares its policies.
type Declares struct {
	Note string  `yaml:"note" doc:"an option, to check that defaults come from main"`
	Rate float64 `yaml:"rate" doc:"the rate declared for K ≤ 8; twice it above"`
}

var (
	_ framework.Labeler    = (*Declares)(nil)
	_ framework.RatePolicy = (*Declares)(nil)
)

// SlotlabModule declares the selector's ID.
func (*Declares) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{
		ID:      "selectors.declares",
		Summary: "argmax, declaring label DS, a learning rate for lenet-300-100 on MNIST and weight decay 0 up to K = 8",
	}
}

// Label is DS.
func (*Declares) Label() string { return "DS" }

// DefaultRate is Rate for K ≤ 8 and twice Rate above, for lenet-300-100
// on MNIST only.
func (d *Declares) DefaultRate(c framework.RateContext) (float64, bool) {
	if c.Dataset != "mnist" || c.Architecture != "lenet-300-100" {
		return 0, false
	}
	if c.K > 8 {
		return 2 * d.Rate, true
	}
	return d.Rate, true
}

// DefaultDecay is 0 up to K = 8, none above.
func (*Declares) DefaultDecay(c framework.RateContext) (float64, bool) { return 0, c.K <= 8 }

// SelectsArgmax is true: the trainer selects in its fused update.
func (*Declares) SelectsArgmax(bool) bool { return true }

// Select writes the argmax.
func (*Declares) Select(idx []int32, scores []float32, ctx framework.SelectContext) error {
	k := ctx.Layer.K
	selectkit.Argmax(idx, scores, k)
	return nil
}
