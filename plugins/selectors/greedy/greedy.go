// Package greedy is the selector of the paper's greedy selection (GS): every
// connection uses the candidate weight with the highest score.
package greedy

import (
	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/selectkit"
)

func init() { framework.Register(&Greedy{}) }

// Greedy selects k* = argmax_k s_k; ties go to the lowest index.
type Greedy struct{}

var (
	_ framework.Selector       = (*Greedy)(nil)
	_ framework.ArgmaxSelector = (*Greedy)(nil)
	_ framework.Labeler        = (*Greedy)(nil)
)

// SelectsArgmax is true: greedy selection is the argmax in every mode.
func (*Greedy) SelectsArgmax(bool) bool { return true }

// SlotlabModule describes the module.
func (*Greedy) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{
		ID:      "selectors.greedy",
		Summary: "greedy selection (GS): each connection uses its highest-scoring weight",
		New:     func() framework.Module { return &Greedy{} },
	}
}

// Label names greedy selection in tables: GS. Greedy declares no rate
// (framework.RatePolicy): the framework's rule is the paper's for GS.
func (*Greedy) Label() string { return "GS" }

// Select writes the argmax of each connection's scores into idx.
func (*Greedy) Select(idx []int32, scores []float32, ctx framework.SelectContext) error {
	selectkit.Argmax(idx, scores, ctx.Layer.K)
	return nil
}
