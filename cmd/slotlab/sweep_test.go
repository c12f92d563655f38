package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/sweep"
)

// TestMain lets the test binary stand in for slotlab: started with
// SLOTLAB_TEST_MAIN=1 (as sweep -j N starts `slotlab run` here) it runs
// main instead of the tests.
func TestMain(m *testing.M) {
	if os.Getenv("SLOTLAB_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// capture runs f with os.Stdout redirected and returns what it printed.
func capture(t *testing.T, f func() error) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		done <- b
	}()
	ferr := f()
	os.Stdout = old
	w.Close()
	return string(<-done), ferr
}

// quickSweep is the sweep of the issue: Lenet, K ∈ {1, 2}, seeds {0, 1},
// one epoch on 2,000 MNIST images.
var quickSweep = []string{"k=1,2", "seed=0,1", "train.epochs=1", "data.train_limit=2000", "data.test_limit=1000"}

func resultFiles(t *testing.T, out string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(out, "lenet", "*", results.ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, p := range paths {
		m[p], _ = os.ReadFile(p)
	}
	return m
}

// TestSweepTwiceThenTableAndPlots runs the quick sweep twice (the second
// trains nothing), then prints its table in every format and draws every
// plot.
func TestSweepTwiceThenTableAndPlots(t *testing.T) {
	out := filepath.Join(t.TempDir(), "runs")
	args := append([]string{repoFile("experiments", "lenet.yaml"), "--out", out, "--quiet"}, quickSweep...)
	text, err := capture(t, func() error { return sweepCmd(args) })
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if !strings.Contains(text, "sweep lenet: 4 runs (k × seed)") || !strings.Contains(text, "4 runs: 4 done, 0 skipped (cached), 0 failed") {
		t.Fatalf("first sweep:\n%s", text)
	}
	first := resultFiles(t, out)
	if len(first) != 4 {
		t.Fatalf("%d results, want 4", len(first))
	}
	text, err = capture(t, func() error { return sweepCmd(args) })
	if err != nil || !strings.Contains(text, "4 runs: 0 done, 4 skipped (cached), 0 failed") {
		t.Fatalf("second sweep: %v\n%s", err, text)
	}
	for p, b := range resultFiles(t, out) {
		if !bytes.Equal(b, first[p]) {
			t.Fatalf("%s changed: the second sweep trained again", p)
		}
	}
	m, err := sweep.ReadManifest(sweep.ManifestPath(out, "lenet"))
	if err != nil || m.Counts != (sweep.Counts{Total: 4, Cached: 4}) || len(m.Runs) != 4 || strings.Join(m.Runs[3].Overrides, " ") != "k=2 seed=1" {
		t.Fatalf("manifest %+v, %v", m, err)
	}

	for _, tc := range []struct {
		format string
		want   []string
	}{
		{"md", []string{"| lenet-300-100 | slot GS ", " ± ", "**", "n = 2 runs (seeds) per cell"}},
		{"ascii", []string{"+---", " ± ", " *", "n = 2 runs"}},
		{"csv", []string{"network,method,k_or_learned,metric,mean,std,n,failed,unfinished,best", "lenet-300-100,slot GS,K=1,test_acc,", ",2,0,0,"}},
		{"latex", []string{`\begin{tabular}{llrr}`, `\toprule`, `$\pm$`, `\textbf{`, `\bottomrule`}},
	} {
		text, err := capture(t, func() error { return tableCmd([]string{out, "--format", tc.format}) })
		if err != nil {
			t.Fatalf("%s: %v", tc.format, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("table --format %s lacks %q:\n%s", tc.format, w, text)
			}
		}
	}

	plots := t.TempDir()
	for _, kind := range []string{"k-sweep", "curves", "cost"} {
		prefix := filepath.Join(plots, kind)
		if _, err := capture(t, func() error { return plotCmd([]string{out, "--kind", kind, "-o", prefix}) }); err != nil {
			t.Fatalf("plot %s: %v", kind, err)
		}
		for _, ext := range []string{".png", ".svg"} {
			if st, err := os.Stat(prefix + ext); err != nil || st.Size() < 1000 {
				t.Fatalf("plot %s%s: %v", kind, ext, err)
			}
		}
	}
}

// TestSweepParallel runs a sweep as two `slotlab run` subprocesses (-j 2),
// one of whose runs fails before training, and checks that they trained
// the same configs the in-process sweep plans: running it again in-process
// finds the finished runs and retries only the failed one.
func TestSweepParallel(t *testing.T) {
	t.Setenv("SLOTLAB_TEST_MAIN", "1")
	old := selfCommand
	selfCommand = func() ([]string, error) { return []string{os.Args[0]}, nil }
	defer func() { selfCommand = old }()
	out := filepath.Join(t.TempDir(), "runs")
	args := []string{repoFile("experiments", "lenet.yaml"), "--out", out, "--quiet", "k=1,2", "data.train_limit=2000,100", "seed=3", "train.epochs=1", "data.test_limit=500"}
	text, err := capture(t, func() error { return sweepCmd(append(args, "-j", "2")) })
	if err == nil || !strings.Contains(text, "4 runs: 2 done, 0 skipped (cached), 2 failed") || !strings.Contains(text, "running 2 at a time") {
		t.Fatalf("-j 2: %v\n%s", err, text)
	}
	logs, _ := filepath.Glob(filepath.Join(out, "lenet", "*", sweep.LogFile))
	if len(logs) != 4 {
		t.Fatalf("%d run logs, want 4", len(logs))
	}
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		if !strings.Contains(string(b), "GOMAXPROCS=") || !strings.Contains(string(b), " run ") {
			t.Fatalf("%s:\n%s", l, b)
		}
	}
	runs, err := results.Scan(out)
	if err != nil || len(runs) != 4 {
		t.Fatalf("%d results, %v", len(runs), err)
	}
	for _, r := range runs {
		limit, _ := r.Value("data.train_limit")
		if (limit == "100") != (r.Result.Status == "failed") || (limit == "100" && !strings.Contains(r.Result.Error, "batch_size 128 is larger")) {
			t.Fatalf("train_limit %s: status %s, error %q", limit, r.Result.Status, r.Result.Error)
		}
	}
	text, err = capture(t, func() error { return sweepCmd(args) })
	if err == nil || !strings.Contains(text, "4 runs: 0 done, 2 skipped (cached), 2 failed") {
		t.Fatalf("in-process sweep after -j 2: %v\n%s", err, text)
	}
}

// TestSweepFailureExitStatus checks that a sweep with a failed run reports
// it and returns an error after finishing the others.
func TestSweepFailureExitStatus(t *testing.T) {
	out := filepath.Join(t.TempDir(), "runs")
	args := []string{repoFile("experiments", "lenet.yaml"), "--out", out, "--quiet", "k=2", "train.epochs=1", "data.train_limit=2000,100", "data.test_limit=500"}
	text, err := capture(t, func() error { return sweepCmd(args) })
	if err == nil || !strings.Contains(err.Error(), "1 of 2 runs failed") {
		t.Fatalf("error %v\n%s", err, text)
	}
	if !strings.Contains(text, "1 done, 0 skipped (cached), 1 failed") || !strings.Contains(text, "failed: data.train_limit=100") {
		t.Fatalf("output:\n%s", text)
	}
	// The table counts the failed run and leaves it out.
	text, err = capture(t, func() error { return tableCmd([]string{out, "--cols", "data.train_limit"}) })
	if err != nil || !strings.Contains(text, "1 failed run(s) excluded") || !strings.Contains(text, "failed") {
		t.Fatalf("table: %v\n%s", err, text)
	}
}

func TestSweepTablePlotErrors(t *testing.T) {
	exp := repoFile("experiments", "lenet.yaml")
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"sweep without file", func() error { return sweepCmd(nil) }, "missing experiment file"},
		{"sweep -j 0", func() error { return sweepCmd([]string{exp, "-j", "0"}) }, "-j must be at least 1"},
		{"sweep bad value", func() error { return sweepCmd([]string{exp, "k=2,0", "--dry-run"}) }, `run 2 of 2 (k=0)`},
		{"table without dir", func() error { return tableCmd(nil) }, "missing run directory"},
		{"table of nothing", func() error { return tableCmd([]string{empty}) }, "no result.json"},
		{"plot bad band", func() error { return plotCmd([]string{empty, "--band", "iqr"}) }, "--band must be minmax or std"},
		{"plot of nothing", func() error { return plotCmd([]string{empty}) }, "no result.json"},
	} {
		_, err := capture(t, tc.run)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
