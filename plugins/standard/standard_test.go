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
// are GS and PS. PS's rate and decay are the same on MNIST and CIFAR-10.
func TestSelectorPolicies(t *testing.T) {
	for _, tc := range []struct {
		exp       string
		overrides []string
		label     string
		lr, wd    float64
	}{
		{"lenet.yaml", nil, "GS", 0.2, 1e-4},
		{"lenet.yaml", []string{"k=16"}, "GS", 0.1, 1e-4},
		{"conv2.yaml", []string{"k=16"}, "GS", 0.1, 1e-4},
		{"lenet.yaml", []string{"selector=probabilistic"}, "PS", 25, 0},
		{"lenet.yaml", []string{"selector=probabilistic", "k=64"}, "PS", 25, 0},
		{"lenet.yaml", []string{"selector=probabilistic", "method=learned"}, "PS", 0.01, 1e-4},
		{"conv2.yaml", []string{"selector=probabilistic"}, "PS", 50, 0},
		{"conv6.yaml", []string{"selector=probabilistic", "k=64"}, "PS", 50, 0},
		{"conv4.yaml", []string{"selector=probabilistic", "dataset=cifar-10"}, "PS", 50, 0},
		{"conv4.yaml", []string{"selector=probabilistic", "train.optimizer.learning_rate=25"}, "PS", 25, 0},
	} {
		e, err := config.Load(filepath.Join("..", "..", "experiments", tc.exp), tc.overrides)
		if err != nil {
			t.Fatalf("%s %v: %v", tc.exp, tc.overrides, err)
		}
		o := e.Train.Optimizer
		if got := framework.LabelOf(e.Selector.Module); got != tc.label || o.LearningRate.Value != tc.lr || o.WeightDecay.Value != tc.wd {
			t.Errorf("%s %v: label %q, rate %v, decay %v; want %q, %v, %v", tc.exp, tc.overrides, got, o.LearningRate.Value, o.WeightDecay.Value, tc.label, tc.lr, tc.wd)
		}
	}
}
