// Command edgepopup is edge-popup (Ramanujan et al., "What's Hidden in a
// Randomly Weighted Neural Network?", CVPR 2020) as a slotlab plugin: a
// whole-layer selector. Each connection has K = 2 candidates, its random
// weight w and 0 (the initializer zero_last), and a score for each; every
// layer keeps the connections whose weight has the top fraction keep of the
// layer's scores and prunes the rest. The scores train by slotlab's
// straight-through gradient, ∂L/∂s_ik = g_i·w_ik: the weight's score gets
// edge-popup's g_i·w_i, and the score of 0 gets nothing.
//
// Keeping the top fraction of a layer couples its connections, so the
// selector declares that it must see whole layers
// (framework.WholeLayerSelector): slotlab then gives it all of a layer's
// scores in one call. Ties go to the lower connection, so the selection
// depends on nothing but the scores.
//
//	go build -o bin/slotlab-edgepopup ./examples/plugins/edgepopup
//	slotlab run experiments/lenet-edgepopup.yaml
package main

import (
	"fmt"
	"math"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/pluginrpc/sdk"
	"github.com/slotlab/slotlab/framework/selectkit"
)

func main() { sdk.Serve(&EdgePopup{Keep: 0.5}) }

// EdgePopup keeps, in every layer, the fraction Keep of the connections
// with the highest scores of their weight (candidate 0) and prunes the
// others (candidate 1, the weight 0 of zero_last).
type EdgePopup struct {
	Keep float64 `yaml:"keep" doc:"fraction of each layer's connections that keep their weight; the others take candidate 1 (0)"`
}

var (
	_ framework.WholeLayerSelector = (*EdgePopup)(nil)
	_ framework.Validator          = (*EdgePopup)(nil)
	_ framework.Labeler            = (*EdgePopup)(nil)
	_ framework.RatePolicy         = (*EdgePopup)(nil)
)

// SlotlabModule describes the selector: experiments name it edgepopup,
// tables label it EP.
func (*EdgePopup) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{
		ID:      "selectors.edgepopup",
		Summary: "edge-popup: each layer keeps the weights (candidate 0 of K = 2) of its top fraction keep of connections by score, the others take candidate 1 (0)",
	}
}

// Label names edge-popup in tables: EP.
func (*EdgePopup) Label() string { return "EP" }

// DefaultRate is what learning_rate: auto resolves to: 1. Only the order
// of a layer's scores matters, so the rate sets how fast the gradient
// outweighs the initial scores. experiments/lenet-edgepopup.yaml
// (candidate weights scaled by 1/√keep) at rates 0.2, 0.5, 1, 5 and 20,
// seed 0, reached 95.43, 96.41, 96.97, 96.51 and 94.10% best validation
// accuracy.
func (*EdgePopup) DefaultRate(framework.RateContext) (float64, bool) { return 1, true }

// DefaultDecay declares none: weight_decay: auto is the framework's 1e-4.
func (*EdgePopup) DefaultDecay(framework.RateContext) (float64, bool) { return 0, false }

// Validate checks that Keep is a fraction above 0.
func (e *EdgePopup) Validate() error {
	if !(e.Keep > 0 && e.Keep <= 1) {
		return fmt.Errorf("keep must be a fraction in (0, 1], not %v", e.Keep)
	}
	return nil
}

// SelectsWholeLayer is true: the top fraction is of a whole layer.
func (*EdgePopup) SelectsWholeLayer() bool { return true }

// Kept returns how many of a layer's n connections keep their weight:
// n − ⌊(1−Keep)·n⌋, as edge-popup's code prunes ⌊(1−Keep)·n⌋.
func (e *EdgePopup) Kept(n int) int {
	return n - int(math.Floor((1-e.Keep)*float64(n)))
}

// Select selects a whole layer, for training and for the evaluated network
// alike: candidate 0 for the Kept(n) connections with the highest scores of
// candidate 0 (the lower connection first on ties), candidate 1 for the
// others.
func (e *EdgePopup) Select(idx []int32, scores []float32, ctx framework.SelectContext) error {
	if k := ctx.Layer.K; k != 2 {
		return fmt.Errorf("edge-popup needs k: 2 (each connection's weight and 0, initializers.weights: zero_last), not K = %d", k)
	}
	n := len(idx)
	keys := make([]float32, n)
	for i := range keys {
		keys[i] = scores[2*i]
	}
	top := make([]bool, n)
	selectkit.Top(top, keys, e.Kept(n))
	for i, kept := range top {
		idx[i] = 1
		if kept {
			idx[i] = 0
		}
	}
	return nil
}
