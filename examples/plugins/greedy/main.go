// Command greedy is the paper's greedy selection (GS) written as an
// external slotlab plugin: every connection uses its highest-scoring
// candidate weight. It computes exactly what the built-in selectors.greedy
// does, so a run through it gives the same metrics; the tests use it as the
// reference for the plugin machinery.
//
// Its ID is the built-in's, so experiments that name greedy keep the
// built-in (built-in modules come first); name this one with its binary:
//
//	go build -o bin/slotlab-greedy ./examples/plugins/greedy
//	slotlab run experiments/lenet.yaml 'selector={plugin: bin/slotlab-greedy, name: greedy}'
//
// Like the built-in, it declares its selection an argmax
// (framework.ArgmaxSelector), so that the trainer may select in its fused
// score update instead of calling the plugin; with the option fused: false
// it declares nothing, and every selection is a call to the plugin through
// shared memory, as for a selector that is not an argmax.
package main

import (
	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/pluginrpc/sdk"
	"github.com/slotlab/slotlab/framework/selectkit"
)

func main() { sdk.Serve(&Greedy{Fused: true}) }

// Greedy selects k* = argmax_k s_k; ties go to the lowest index.
type Greedy struct {
	Fused bool `yaml:"fused" doc:"declare the selection an argmax, so that slotlab fuses it into its score update instead of calling the plugin"`
}

// SlotlabModule describes the selector.
func (*Greedy) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{
		ID:      "selectors.greedy",
		Summary: "greedy selection (GS) as an external plugin: each connection uses its highest-scoring weight",
	}
}

// SelectsArgmax is Fused: greedy selection is the argmax in every mode.
func (g *Greedy) SelectsArgmax(bool) bool { return g.Fused }

// Select writes the argmax of each connection's scores into idx.
func (*Greedy) Select(idx []int32, scores []float32, ctx framework.SelectContext) error {
	k := ctx.Layer.K
	selectkit.Argmax(idx, scores, k)
	return nil
}
