package standard

import (
	"path/filepath"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
)

// TestSelectorPolicies checks what the built-in selectors declare and what
// `auto` resolves to with them: greedy selection takes the framework's rule
// (the paper's GS rates, decay 1e-4), probabilistic sampling its own rate
// 25 and no decay on the scores (docs/reproduction.md); their table labels
// are GS and PS.
func TestSelectorPolicies(t *testing.T) {
	exp := filepath.Join("..", "..", "experiments", "lenet.yaml")
	for _, tc := range []struct {
		overrides []string
		label     string
		lr, wd    float64
	}{
		{nil, "GS", 0.2, 1e-4},
		{[]string{"k=16"}, "GS", 0.1, 1e-4},
		{[]string{"selector=probabilistic"}, "PS", 25, 0},
		{[]string{"selector=probabilistic", "k=64"}, "PS", 25, 0},
		{[]string{"selector=probabilistic", "method=learned"}, "PS", 0.01, 1e-4},
	} {
		e, err := config.Load(exp, tc.overrides)
		if err != nil {
			t.Fatalf("%v: %v", tc.overrides, err)
		}
		o := e.Train.Optimizer
		if got := e.Selector.Module.SlotlabModule().Label; got != tc.label || o.LearningRate.Value != tc.lr || o.WeightDecay.Value != tc.wd {
			t.Errorf("%v: label %q, rate %v, decay %v; want %q, %v, %v", tc.overrides, got, o.LearningRate.Value, o.WeightDecay.Value, tc.label, tc.lr, tc.wd)
		}
	}
	for _, id := range []framework.ModuleID{"selectors.greedy", "selectors.probabilistic"} {
		if info, ok := framework.Lookup(id); !ok || info.Label == "" {
			t.Errorf("%s: registered %v, label %q", id, ok, info.Label)
		}
	}
}
