package main

import (
	"github.com/slotlab/slotlab/framework"
)

// Softest is a whole in-process selector in one file: it declares its ID,
// summary, defaults (an option), its table label and its own learning rate,
// and selects, for each connection, the candidate of the highest score
// unless a lower one is within Margin of it, in which case it takes the
// lowest index among those. TestNewSelectorDeclares registers and trains
// it.
type Softest struct {
	Margin float32 `yaml:"margin" doc:"scores within this of the best tie"`
}

func (*Softest) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "selectors.softest", Summary: "argmax with a tie margin",
		New: func() framework.Module { return &Softest{Margin: 0.001} }}
}

func (*Softest) Label() string { return "SOFT" }

func (*Softest) DefaultRate(framework.RateContext) (float64, bool)  { return 0.3, true }
func (*Softest) DefaultDecay(framework.RateContext) (float64, bool) { return 0, false }

func (s *Softest) Select(idx []int32, scores []float32, ctx framework.SelectContext) error {
	k := ctx.Layer.K
	for i := range idx {
		row, best := scores[i*k:(i+1)*k], float32(0)
		for j, v := range row {
			if j == 0 || v > best {
				best = v
			}
		}
		for j, v := range row {
			if v >= best-s.Margin {
				idx[i] = int32(j)
				break
			}
		}
	}
	return nil
}
