// Package probabilistic is the selector of the paper's probabilistic
// sampling (PS): every training step, each connection draws its weight from
// the softmax of its scores.
package probabilistic

import (
	"fmt"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/slotupdate"
)

func init() { framework.Register(&Probabilistic{}) }

// Probabilistic samples k* ~ Multinomial(softmax(s)) afresh for every
// connection on every training step. The evaluated network is the argmax
// network unless Eval is "sample" (what the official code does, which makes
// its validation accuracy random).
type Probabilistic struct {
	// Eval is "argmax" (default) or "sample".
	Eval string `yaml:"eval"`
}

var (
	_ framework.Selector       = (*Probabilistic)(nil)
	_ framework.Validator      = (*Probabilistic)(nil)
	_ framework.ArgmaxSelector = (*Probabilistic)(nil)
)

// SelectsArgmax is true for the evaluated network when Eval is "argmax".
func (p *Probabilistic) SelectsArgmax(training bool) bool { return !training && p.Eval == "argmax" }

// SlotlabModule describes the module.
func (*Probabilistic) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{
		ID:      "selectors.probabilistic",
		Summary: "probabilistic sampling (PS): each step draws every weight from softmax(scores)",
		New:     func() framework.Module { return &Probabilistic{Eval: "argmax"} },
		Label:   "PS",
		// The paper's rate for PS; no decay on the scores: at rate 25 with
		// momentum 0.9 a decay of 1e-4 shrinks them by 2.5% a step and PS
		// forgets what it learns (docs/reproduction.md).
		LearningRate: 25,
		WeightDecay:  new(0.0),
	}
}

// Validate checks the options.
func (p *Probabilistic) Validate() error {
	if p.Eval != "argmax" && p.Eval != "sample" {
		return fmt.Errorf("eval must be argmax or sample, not %q", p.Eval)
	}
	return nil
}

// Select samples idx from the softmax of the scores while training (and at
// evaluation when Eval is "sample"); otherwise it takes the argmax.
func (p *Probabilistic) Select(idx []int32, scores []float32, ctx framework.SelectContext) error {
	k := ctx.Layer.K
	if !ctx.Training && p.Eval != "sample" {
		slotupdate.Argmax(idx, scores, k)
		return nil
	}
	s := ctx.Stream.Stream()
	if !ctx.Training {
		s = s.Derive("eval")
	}
	base := uint64(ctx.Step)*uint64(ctx.Layer.Connections) + uint64(ctx.Offset)
	var ub [256]float32
	for lo := 0; lo < len(idx); lo += len(ub) {
		hi := min(len(idx), lo+len(ub))
		u := ub[:hi-lo]
		for i := range u {
			u[i] = float32(s.Float64(base + uint64(lo+i)))
		}
		slotupdate.SampleSoftmax(idx[lo:hi], scores[lo*k:hi*k], u, k)
	}
	return nil
}

// Sample returns the index j with probability softmax(s)_j, using the
// uniform variate u in [0, 1) (slotupdate.SampleSoftmax for one connection).
func Sample(s []float32, u float64) int {
	var idx [1]int32
	slotupdate.SampleSoftmax(idx[:], s, []float32{float32(u)}, len(s))
	return int(idx[0])
}
