package sweep

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	_ "github.com/slotlab/slotlab/plugins/standard"
)

// writeExp writes a tiny Lenet experiment with the given sweep block (YAML,
// may be empty) into a temporary directory and returns its path.
func writeExp(t *testing.T, name, sweep string) string {
	t.Helper()
	arch, err := filepath.Abs(filepath.Join("..", "..", "architectures", "lenet-300-100.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := "name: " + name + `
dataset: mnist
architecture: ` + arch + `
k: 2
train:
  epochs: 1
  batch_size: 128
data:
  train_limit: 2000
  test_limit: 500
`
	if sweep != "" {
		src += "sweep: " + sweep + "\n"
	}
	path := filepath.Join(t.TempDir(), name+".yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func labels(p *Plan) []string {
	var out []string
	for _, r := range p.Runs {
		out = append(out, r.Label())
	}
	return out
}

func TestNewPlan(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sweep string
		args  []string
		want  []string
		keys  []string
		dups  int
	}{
		{"file block", "{k: [1, 2], seed: [0, 1]}", nil,
			[]string{"k=1 seed=0", "k=1 seed=1", "k=2 seed=0", "k=2 seed=1"}, []string{"k", "seed"}, 0},
		{"command-line axes only", "", []string{"k=1,2", "seed=3"},
			[]string{"k=1", "k=2"}, []string{"k"}, 0},
		{"command line replaces the file's axis", "{k: [1, 2], seed: [0, 1]}", []string{"k=4,8"},
			[]string{"seed=0 k=4", "seed=0 k=8", "seed=1 k=4", "seed=1 k=8"}, []string{"seed", "k"}, 0},
		{"pinned key drops the axis", "{k: [1, 2], seed: [0, 1]}", []string{"k=4"},
			[]string{"seed=0", "seed=1"}, []string{"seed"}, 0},
		{"sweep override replaces the block", "{k: [1, 2]}", []string{"sweep={seed: [5, 6]}"},
			[]string{"seed=5", "seed=6"}, []string{"seed"}, 0},
		{"same config twice runs once", "{variants: [{k: 2}, {k: 2}, {k: 4}]}", nil,
			[]string{"k=2", "k=4"}, []string{"k"}, 1},
		{"no sweep is one run", "", nil, []string{"(no swept keys)"}, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(writeExp(t, "plan", tc.sweep), tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if got := labels(p); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("runs %q, want %q", got, tc.want)
			}
			if !reflect.DeepEqual(p.Keys, tc.keys) {
				t.Errorf("keys %q, want %q", p.Keys, tc.keys)
			}
			if p.Duplicates != tc.dups {
				t.Errorf("duplicates %d, want %d", p.Duplicates, tc.dups)
			}
			for i, r := range p.Runs {
				if r.Index != i || r.Exp == nil || r.Hash != r.Exp.Hash() || len(r.Exp.Sweep.Content) != 0 {
					t.Errorf("run %d: index %d, hash %q, sweep %v", i, r.Index, r.Hash, r.Exp.Sweep.Content)
				}
			}
		})
	}
}

// TestNewPlanValidatesEveryRun checks that a bad value in one run stops the
// whole sweep before anything trains, naming the run.
func TestNewPlanValidatesEveryRun(t *testing.T) {
	for _, tc := range []struct {
		sweep string
		args  []string
		want  []string
	}{
		{"{k: [2, 0, 4]}", nil, []string{"1 run(s) of the sweep have config errors; nothing was trained", "run 2 of 3 (k=0)", `override "k=0": k must be at least 1`}},
		{"{k: [1, 2]}", []string{"train.epochs=0"}, []string{"2 run(s)", "run 1 of 2 (k=1) (and 1 more runs)", "train.epochs must be at least 1"}},
		{"{optimizer.lr: [1]}", nil, []string{"run 1 of 1", "optimizer"}},
		{"{k: []}", nil, []string{"plan.yaml:", `sweep key "k" has an empty list`}},
		{"", []string{"k"}, []string{`"k" is not a key=value override`}},
	} {
		_, err := New(writeExp(t, "plan", tc.sweep), tc.args)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("sweep %s %q: error %v, want %q", tc.sweep, tc.args, err, w)
			}
		}
	}
	if _, err := New(filepath.Join(t.TempDir(), "missing.yaml"), nil); err == nil || !strings.Contains(err.Error(), "cannot read experiment file") {
		t.Errorf("missing file: %v", err)
	}
}

// TestPaperExperimentFiles plans every run of the paper's experiment
// files, full and quick, so that a config change that breaks one of them
// fails here rather than hours into a sweep.
func TestPaperExperimentFiles(t *testing.T) {
	for _, tc := range []struct {
		file string
		runs int
	}{
		{"k1-vs-k2.yaml", 30}, // 5 networks × K 1, 2 × 3 seeds
		{"k-sweep.yaml", 156}, // 4 networks × (GS, PS × 6 K + learned) × 3 seeds
		{"gs-vs-ps.yaml", 144},
		{"cost.yaml", 48},
		{"sharing.yaml", 216},
		{"quick/k1-vs-k2.yaml", 4},
		{"quick/k-sweep.yaml", 14},
		{"quick/gs-vs-ps.yaml", 12},
		{"quick/cost.yaml", 8},
		{"quick/sharing.yaml", 18},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p, err := New(filepath.Join("..", "..", "experiments", tc.file), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Runs) != tc.runs || p.Duplicates != 0 {
				t.Fatalf("%d runs (%d duplicates), want %d", len(p.Runs), p.Duplicates, tc.runs)
			}
			learned := 0
			for _, r := range p.Runs {
				if r.Exp.Method == "learned" {
					learned++
				}
				if strings.HasPrefix(tc.file, "quick/") && (r.Exp.Dataset != "mnist" || r.Exp.Data.TrainLimit == 0) {
					t.Fatalf("quick run %s is not on an MNIST subset", r.Label())
				}
			}
			if tc.file == "k-sweep.yaml" && learned != 4*3 {
				t.Fatalf("%d learned runs, want one per network and seed (12)", learned)
			}
		})
	}
}
