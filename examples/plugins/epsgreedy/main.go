// Command epsgreedy is an ε-greedy selector for slotlab, served as an
// external plugin: while training, each connection takes a uniformly random
// candidate weight with probability ε and its highest-scoring one
// otherwise; the evaluated network is the argmax network. It is not in the
// paper: a middle ground between greedy selection (ε = 0) and exploring
// candidates whose scores lag behind.
//
// The randomness comes from the selector's counter-based stream, indexed by
// step and connection, so runs are deterministic and do not depend on how
// the layer is split.
//
// Its ID and default options are written once each: the ID in
// SlotlabModule, the defaults in main. It declares the label tables give it
// (framework.Labeler: slotlab table shows its runs as "slot εG"); it
// declares no learning rate (framework.RatePolicy), so `learning_rate:
// auto` takes greedy selection's rule.
//
//	go build -o bin/slotlab-epsgreedy ./examples/plugins/epsgreedy
//	slotlab run experiments/lenet-epsgreedy.yaml
package main

import (
	"fmt"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/pluginrpc/sdk"
	"github.com/slotlab/slotlab/framework/selectkit"
)

func main() { sdk.Serve(&EpsGreedy{Eps: 0.1}) }

// EpsGreedy picks a random candidate with probability Eps while training,
// else the argmax.
type EpsGreedy struct {
	Eps float64 `yaml:"eps" doc:"probability that a connection takes a uniformly random candidate at a training step"`
}

// SlotlabModule describes the selector: experiments name it epsgreedy,
// tables label it εG.
func (*EpsGreedy) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{
		ID:      "selectors.epsgreedy",
		Summary: "ε-greedy: a uniformly random candidate with probability eps while training, else the argmax",
	}
}

// Label names ε-greedy in tables: εG.
func (*EpsGreedy) Label() string { return "εG" }

// Validate checks that Eps is a probability.
func (e *EpsGreedy) Validate() error {
	if !(e.Eps >= 0 && e.Eps <= 1) {
		return fmt.Errorf("eps must be between 0 and 1, not %v", e.Eps)
	}
	return nil
}

// SelectsArgmax is true for the evaluated network, and while training when
// Eps is 0: the trainer may then select without calling the plugin.
func (e *EpsGreedy) SelectsArgmax(training bool) bool { return !training || e.Eps == 0 }

// Select writes the selection of connections ctx.Offset.. into idx.
func (e *EpsGreedy) Select(idx []int32, scores []float32, ctx framework.SelectContext) error {
	k := ctx.Layer.K
	selectkit.Argmax(idx, scores, k)
	if !ctx.Training || e.Eps == 0 {
		return nil
	}
	// The connection's value (at step·connections + connection) of two
	// streams: whether to explore, and which candidate.
	s := ctx.Stream.Stream()
	coin, pick := s.Derive("explore"), s.Derive("candidate")
	for i := range idx {
		j := selectkit.Counter(ctx, i)
		if coin.Float64(j) < e.Eps {
			idx[i] = int32(pick.Intn(j, k))
		}
	}
	return nil
}
