package results

import (
	"fmt"
	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/codeversion"
	"math"
	"reflect"
	"strings"
	"testing"
)

// fakeLabels are the labels the built-in selectors declare, as a run of
// them records in result.json.
var fakeLabels = map[string]string{"greedy": "GS", "probabilistic": "PS"}

// fakeRun builds a run in memory: a network, method, selector, K, seed,
// test accuracy and status, with the matching config tree.
func fakeRun(net, method, selector string, k int, seed int64, acc float64, status string) *Run {
	r := &Result{
		Name: "exp", Status: status, Architecture: net, Method: framework.Method(method), Selector: selector, SelectorLabel: fakeLabels[selector], Sharing: "per_connection",
		K: k, Seed: seed, TestAcc: acc, ValAcc: acc + 1, Epochs: 3, TrainFLOPs: float64(k) * 1e9,
		ConfigHash: fmt.Sprintf("%s-%s-%s-%d-%d", net, method, selector, k, seed),
		Config: map[string]any{
			"method": method, "k": float64(k), "seed": float64(seed),
			"selector": map[string]any{"id": "selectors." + selector},
			"train":    map[string]any{"epochs": float64(3), "schedule": map[string]any{"restarts": []any{25.0, 75.0}}},
		},
	}
	if status != "done" {
		r.Error = "boom"
	}
	return &Run{Dir: "runs/exp/" + r.ConfigHash, Result: r}
}

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		xs                  []float64
		n                   int
		mean, std, min, max float64
	}{
		{nil, 0, 0, 0, 0, 0},
		{[]float64{97}, 1, 97, 0, 97, 97},
		{[]float64{1, 3}, 2, 2, math.Sqrt2, 1, 3},
		{[]float64{2, 4, 4, 4, 5, 5, 7, 9}, 8, 5, math.Sqrt(32.0 / 7), 2, 9}, // sample std: divisor n−1
	} {
		s := Summarize(tc.xs)
		if s.N != tc.n || math.Abs(s.Mean-tc.mean) > 1e-12 || math.Abs(s.Std-tc.std) > 1e-12 || s.Min != tc.min || s.Max != tc.max {
			t.Errorf("%v: %+v, want n %d mean %v std %v min %v max %v", tc.xs, s, tc.n, tc.mean, tc.std, tc.min, tc.max)
		}
	}
}

func paperRuns() []*Run {
	return []*Run{
		fakeRun("lenet-300-100", "slot", "greedy", 2, 0, 96, "done"),
		fakeRun("lenet-300-100", "slot", "greedy", 2, 1, 98, "done"),
		fakeRun("lenet-300-100", "slot", "greedy", 16, 0, 98, "done"),
		fakeRun("lenet-300-100", "slot", "greedy", 16, 1, 99, "done"),
		fakeRun("lenet-300-100", "slot", "greedy", 16, 2, 0, "failed"),
		fakeRun("lenet-300-100", "slot", "probabilistic", 2, 0, 95, "done"),
		fakeRun("lenet-300-100", "slot", "probabilistic", 16, 0, 97, "done"),
		fakeRun("lenet-300-100", "learned", "greedy", 8, 0, 98.5, "done"),
		fakeRun("lenet-300-100", "learned", "greedy", 8, 1, 97.5, "done"),
		fakeRun("conv4", "slot", "greedy", 2, 0, 80, "done"),
	}
}

// TestAggregatePaperView groups by the default view: rows network and
// method, columns K with the learned baseline last.
func TestAggregatePaperView(t *testing.T) {
	g, err := Aggregate(paperRuns(), []string{KeyNetwork, KeyMethod}, []string{KeyKOrLearned}, "test_acc")
	if err != nil {
		t.Fatal(err)
	}
	wantRows := []Group{{"conv4", "slot GS"}, {"lenet-300-100", "slot GS"}, {"lenet-300-100", "slot PS"}, {"lenet-300-100", "learned"}}
	wantCols := []Group{{"K=2"}, {"K=16"}, {"learned"}}
	if !reflect.DeepEqual(g.Rows, wantRows) || !reflect.DeepEqual(g.Cols, wantCols) {
		t.Fatalf("rows %v cols %v", g.Rows, g.Cols)
	}
	type cellWant struct {
		row, col  int
		n, failed int
		mean, std float64
		best      bool
	}
	for _, w := range []cellWant{
		{1, 0, 2, 0, 97, math.Sqrt2, false},
		{1, 1, 2, 1, 98.5, math.Sqrt(0.5), true},
		{2, 0, 1, 0, 95, 0, false},
		{2, 1, 1, 0, 97, 0, true},
		{3, 2, 2, 0, 98, math.Sqrt(0.5), false}, // alone in its row: not marked
		{0, 0, 1, 0, 80, 0, false},
	} {
		c := g.Cells[w.row][w.col]
		if c == nil || c.N != w.n || len(c.Failed) != w.failed || math.Abs(c.Mean-w.mean) > 1e-9 || math.Abs(c.Std-w.std) > 1e-9 || c.Best != w.best {
			t.Errorf("cell %v/%v: %+v, want %+v", g.Rows[w.row], g.Cols[w.col], c, w)
		}
	}
	if g.Cells[0][1] != nil || g.Cells[3][0] != nil {
		t.Error("cells without runs should be nil")
	}
	if len(g.Failed) != 1 || g.UniformN() != 0 || len(g.Warnings) != 0 {
		t.Fatalf("failed %d, uniform n %d, warnings %v", len(g.Failed), g.UniformN(), g.Warnings)
	}
}

func TestAggregateKeys(t *testing.T) {
	for _, tc := range []struct {
		name       string
		rows, cols []string
		metric     string
		wantRows   []Group
		wantCols   []Group
		lower      bool
	}{
		{"result fields", []string{"selector"}, []string{"k"}, "val_acc",
			[]Group{{"greedy"}, {"probabilistic"}}, []Group{{"2"}, {"8"}, {"16"}}, false},
		{"config path and forced config key", []string{"config.method"}, []string{"train.epochs"}, "test_acc",
			[]Group{{"slot"}, {"learned"}}, []Group{{"3"}}, false},
		{"no columns", []string{"seed"}, nil, "train_flops",
			[]Group{{"0"}, {"1"}, {"2"}}, []Group{{}}, true},
		{"list-valued config key", []string{"train.schedule.restarts"}, nil, "test_acc",
			[]Group{{"[25,75]"}}, []Group{{}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := Aggregate(paperRuns(), tc.rows, tc.cols, tc.metric)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g.Rows, tc.wantRows) || !reflect.DeepEqual(g.Cols, tc.wantCols) || g.LowerIsBetter != tc.lower {
				t.Fatalf("rows %v cols %v lower %v", g.Rows, g.Cols, g.LowerIsBetter)
			}
		})
	}
}

func TestAggregateErrorsAndWarnings(t *testing.T) {
	if _, err := Aggregate(nil, nil, nil, "test_acc"); err == nil {
		t.Error("no runs: no error")
	}
	if _, err := Aggregate(paperRuns(), []string{"netwrk"}, nil, "test_acc"); err == nil || !strings.Contains(err.Error(), `no run has the key "netwrk"`) {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := Aggregate(paperRuns(), nil, nil, "test_accuracy"); err == nil || !strings.Contains(err.Error(), "test_accuracy") {
		t.Errorf("unknown metric: %v", err)
	}
	// Two runs of a cell that differ in more than the seed are flagged.
	runs := paperRuns()[:2]
	runs[1].Result.Config["train"] = map[string]any{"epochs": float64(5)}
	g, err := Aggregate(runs, []string{KeyMethod}, []string{"k"}, "test_acc")
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Warnings) != 1 || !strings.Contains(g.Warnings[0], "train.epochs (3, 5)") {
		t.Fatalf("warnings %q", g.Warnings)
	}
}

func TestNaturalOrder(t *testing.T) {
	in := []string{"learned", "K=16", "K=2", "", "conv10", "conv2", "K=64", "10", "9.5"}
	gs := make([]Group, len(in))
	for i, s := range in {
		gs[i] = Group{s}
	}
	sortGroups(gs)
	var got []string
	for _, g := range gs {
		got = append(got, g[0])
	}
	want := []string{"9.5", "10", "K=2", "K=16", "K=64", "conv2", "conv10", "learned", ""}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestCodeKey groups runs by the code that wrote them: the revision's
// first 12 digits, marked when the tree was modified, and "unknown" for a
// result that does not record it.
func TestCodeKey(t *testing.T) {
	runs := []*Run{
		fakeRun("conv4", "slot", "greedy", 8, 0, 80, "done"),
		fakeRun("conv4", "slot", "greedy", 8, 1, 81, "done"),
		fakeRun("conv4", "slot", "greedy", 8, 2, 82, "done"),
	}
	runs[0].Result.Code = codeversion.Code{Revision: "9f4c3f0aaaaabbbbbcccc", Source: codeversion.SourceBuild}
	runs[1].Result.Code = codeversion.Code{Revision: "9f4c3f0aaaaabbbbbcccc", Modified: true, Source: codeversion.SourceCheckout}
	g, err := Aggregate(runs, []string{KeyCode}, nil, "test_acc")
	if err != nil {
		t.Fatal(err)
	}
	want := []Group{{"9f4c3f0aaaaa"}, {"9f4c3f0aaaaa+modified"}, {"unknown"}}
	if !reflect.DeepEqual(g.Rows, want) {
		t.Fatalf("rows %v, want %v", g.Rows, want)
	}
}
