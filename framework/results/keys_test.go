package results

import (
	"testing"

	"github.com/slotlab/slotlab/framework"
)

// labeled is a registered selector that declares a table label.
type labeled struct{}

func (labeled) Select([]int32, []float32, framework.SelectContext) error { return nil }
func (labeled) Label() string                                            { return "LB" }
func (labeled) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "selectors.labeled", New: func() framework.Module { return labeled{} }}
}

func init() { framework.Register(labeled{}) }

// TestMethodLabel checks where a run's method label comes from: the label
// the run recorded; for a result without one (written before labels were
// recorded), the label the registered selector of its name declares; else
// the selector's name. Nothing depends on the selector being called greedy
// or probabilistic.
func TestMethodLabel(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Result
		want string
	}{
		{"recorded label", Result{Method: "slot", Selector: "anything", SelectorLabel: "XY"}, "slot XY"},
		{"registered selector's label", Result{Method: "slot", Selector: "labeled"}, "slot LB"},
		{"recorded label wins", Result{Method: "slot", Selector: "labeled", SelectorLabel: "XY"}, "slot XY"},
		{"unknown selector: its name", Result{Method: "slot", Selector: "mine"}, "slot mine"},
		{"learned", Result{Method: "learned", Selector: "labeled", SelectorLabel: "XY"}, "learned"},
		{"no selector", Result{Method: "finetune"}, "finetune"},
	} {
		if got := MethodLabel(&tc.r); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestRunValue(t *testing.T) {
	learned := fakeRun("conv4", "learned", "greedy", 8, 1, 86.5, "done")
	ps := fakeRun("lenet-300-100", "slot", "probabilistic", 16, 2, 97.25, "done")
	other := fakeRun("lenet-300-100", "slot", "mine", 4, 0, 90, "done")
	for _, tc := range []struct {
		run  *Run
		key  string
		want string
		ok   bool
	}{
		{ps, KeyNetwork, "lenet-300-100", true},
		{ps, KeyMethod, "slot PS", true},
		{learned, KeyMethod, "learned", true},
		{other, KeyMethod, "slot mine", true},
		{ps, KeyKOrLearned, "K=16", true},
		{learned, KeyKOrLearned, "learned", true},
		{ps, "k", "16", true},
		{ps, "seed", "2", true},
		{ps, "test_acc", "97.25", true},
		{ps, "train_flops", "1.6e+10", true},
		{ps, "selector", "probabilistic", true},
		{ps, "selector.id", "selectors.probabilistic", true},
		{ps, "config.method", "slot", true},
		{ps, "train.epochs", "3", true},
		{ps, "train.schedule.restarts", "[25,75]", true},
		{ps, "data.train_limit", "", false},
		{ps, "config.test_acc", "", false},
	} {
		got, ok := tc.run.Value(tc.key)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s of %s: %q %v, want %q %v", tc.key, tc.run.Result.ConfigHash, got, ok, tc.want, tc.ok)
		}
	}
	if v, ok := ps.Number("test_acc"); !ok || v != 97.25 {
		t.Errorf("Number(test_acc) = %v %v", v, ok)
	}
	if _, ok := ps.Number("selector"); ok {
		t.Error("Number(selector) is not a number")
	}
}
