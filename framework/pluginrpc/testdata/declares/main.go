// Command declares is a slotlab plugin for the tests of module-declared
// policies: an argmax selector that declares its table label (DS), the
// learning rate `learning_rate: auto` resolves to (3) and no weight decay
// (a declared 0, which must survive the wire), written as the SDK's
// one-call main.
package main

import (
	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/pluginrpc/sdk"
	"github.com/slotlab/slotlab/framework/selectkit"
)

func main() { sdk.Serve(&Declares{Note: "default"}) }

// Declares selects the argmax and declares its policies.
type Declares struct {
	Note string `yaml:"note" doc:"an option, to check that defaults come from main"`
}

// SlotlabModule declares the selector's ID, label, rate and decay.
func (*Declares) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{
		ID:           "selectors.declares",
		Summary:      "argmax, declaring label DS, learning rate 0.3 and weight decay 0",
		Label:        "DS",
		LearningRate: 0.3,
		WeightDecay:  new(0.0),
	}
}

// SelectsArgmax is true: the trainer selects in its fused update.
func (*Declares) SelectsArgmax(bool) bool { return true }

// Select writes the argmax.
func (*Declares) Select(idx []int32, scores []float32, ctx framework.SelectContext) error {
	k := ctx.Layer.K
	selectkit.Argmax(idx, scores, k)
	return nil
}
