package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/results"
)

// sameRun fails the test unless two run directories hold the same
// training: the same config hash, accuracies and epochs in result.json,
// and the same metrics.jsonl but for the wall time of each epoch.
func sameRun(t *testing.T, a, b string) {
	t.Helper()
	ra, err := results.ReadResult(a)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := results.ReadResult(b)
	if err != nil {
		t.Fatal(err)
	}
	if ra.Status != "done" || rb.Status != "done" || ra.ConfigHash != rb.ConfigHash || ra.TestAcc != rb.TestAcc || ra.ValAcc != rb.ValAcc ||
		ra.FinalTestAcc != rb.FinalTestAcc || ra.FinalLoss != rb.FinalLoss || ra.BestEpoch != rb.BestEpoch || ra.Epochs != rb.Epochs || ra.TrainFLOPs != rb.TrainFLOPs {
		t.Fatalf("results differ:\n%s: %s %s test %v val %v final %v loss %v best %d epochs %d\n%s: %s %s test %v val %v final %v loss %v best %d epochs %d",
			a, ra.Status, ra.ConfigHash, ra.TestAcc, ra.ValAcc, ra.FinalTestAcc, ra.FinalLoss, ra.BestEpoch, ra.Epochs,
			b, rb.Status, rb.ConfigHash, rb.TestAcc, rb.ValAcc, rb.FinalTestAcc, rb.FinalLoss, rb.BestEpoch, rb.Epochs)
	}
	ma, mb := metricsWithoutSeconds(t, a), metricsWithoutSeconds(t, b)
	if len(ma) == 0 || len(ma) != len(mb) {
		t.Fatalf("%s has %d epochs, %s %d", a, len(ma), b, len(mb))
	}
	for i := range ma {
		if ma[i] != mb[i] {
			t.Fatalf("epoch %d differs:\n%s\n%s", i+1, ma[i], mb[i])
		}
	}
}

// metricsWithoutSeconds returns the lines of metrics.jsonl, each without
// its seconds field.
func metricsWithoutSeconds(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, results.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		delete(m, "seconds")
		s, _ := json.Marshal(m) // map keys come out sorted
		out = append(out, string(s))
	}
	return out
}

// TestSweepParallelSameResults runs the same four-run sweep in this
// process, one run after another on every core, and as two `slotlab run`
// subprocesses at once (-j 2, GOMAXPROCS=1 each): every run trains the
// same, epoch by epoch.
func TestSweepParallelSameResults(t *testing.T) {
	t.Setenv("SLOTLAB_TEST_MAIN", "1")
	old := selfCommand
	selfCommand = func() ([]string, error) { return []string{os.Args[0]}, nil }
	defer func() { selfCommand = old }()
	args := []string{repoFile("experiments", "quick", "k1-vs-k2.yaml"), "--quiet", "train.epochs=2", "data.train_limit=2000", "data.test_limit=1000"}
	seq, par := filepath.Join(t.TempDir(), "seq"), filepath.Join(t.TempDir(), "par")
	if text, err := capture(t, func() error { return sweepCmd(append(args, "--out", seq)) }); err != nil || !strings.Contains(text, "4 runs: 4 done") {
		t.Fatalf("sequential sweep: %v\n%s", err, text)
	}
	if text, err := capture(t, func() error { return sweepCmd(append(args, "--out", par, "-j", "2")) }); err != nil || !strings.Contains(text, "4 runs: 4 done") || !strings.Contains(text, "running 2 at a time, GOMAXPROCS=") {
		t.Fatalf("-j 2 sweep: %v\n%s", err, text)
	}
	dirs, err := filepath.Glob(filepath.Join(seq, "k1-vs-k2-quick", "*", results.ResultFile))
	if err != nil || len(dirs) != 4 {
		t.Fatalf("%d sequential results, %v", len(dirs), err)
	}
	for _, d := range dirs {
		run := filepath.Dir(d)
		sameRun(t, run, filepath.Join(par, "k1-vs-k2-quick", filepath.Base(run)))
	}
}
