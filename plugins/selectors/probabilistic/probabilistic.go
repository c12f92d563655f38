// Package probabilistic is the selector of the paper's probabilistic
// sampling (PS): every training step, each connection draws its weight from
// the softmax of its scores.
package probabilistic

import (
	"fmt"
	"math"

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
func (p *Probabilistic) Select(idx []int32, scores []float32, k int, ctx framework.SelectContext) error {
	if !ctx.Training && p.Eval != "sample" {
		slotupdate.Argmax(idx, scores, k)
		return nil
	}
	s := ctx.Stream.Stream()
	if !ctx.Training {
		s = s.Derive("eval")
	}
	base := uint64(ctx.Step)*uint64(ctx.Layer.Connections) + uint64(ctx.Offset)
	var buf [64]float32
	e := buf[:]
	if k > len(buf) {
		e = make([]float32, k)
	}
	e = e[:k]
	for i := range idx {
		idx[i] = int32(sample(scores[i*k:i*k+k], s.Float64(base+uint64(i)), e))
	}
	return nil
}

// Sample returns the index j with probability softmax(s)_j, using the
// uniform variate u in [0, 1). The exponentials are computed once each, in
// float32 (exp32, relative error below 3e-7), which is ample for sampling
// probabilities and several times faster than math.Exp.
func Sample(s []float32, u float64) int {
	return sample(s, u, make([]float32, len(s)))
}

// sample is Sample with the exponentials written into e (len(e) = len(s)).
func sample(s []float32, u float64, e []float32) int {
	e = e[:len(s)]
	m := s[0]
	for _, v := range s[1:] {
		m = max(m, v)
	}
	var total float32
	for j, v := range s {
		x := exp32(v - m)
		e[j] = x
		total += x
	}
	target := float32(u) * total
	var acc float32
	for j, x := range e {
		acc += x
		if target < acc {
			return j
		}
	}
	return len(s) - 1
}

// exp32 returns e^x for x ≤ 0 (x < −87 gives 0): x = n·ln2 + r with
// |r| ≤ ln2/2 (Cody–Waite, ln2 split in two), e^r by its degree-6 Taylor
// polynomial (error below 2e-7 on that interval), times 2^n built from bits.
func exp32(x float32) float32 {
	if x < -87 {
		return 0
	}
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
	)
	n := float32(int32(x*log2e - 0.5))
	r := x - n*ln2hi - n*ln2lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720))))))
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}
