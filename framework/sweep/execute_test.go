package sweep

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/results"
)

func statuses(t *testing.T, out, name string) []string {
	t.Helper()
	m, err := ReadManifest(ManifestPath(out, name))
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, e := range m.Runs {
		s = append(s, e.Status)
	}
	return s
}

// TestExecuteFailureInTheMiddleAndCache trains a three-run sweep on real
// MNIST whose middle run fails before training (its data limit leaves
// fewer examples than a batch): the other two finish, the failure is
// recorded in a result.json, and a second sweep trains nothing that had
// finished (it retries the failed run, which fails again).
func TestExecuteFailureInTheMiddleAndCache(t *testing.T) {
	file := writeExp(t, "mid", "{data.train_limit: [2000, 100, 1500]}")
	out := t.TempDir()
	p, err := New(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	sum, err := Execute(context.Background(), p, Options{Out: out, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total != 3 || sum.Done != 2 || sum.Failed != 1 || sum.Cached != 0 || sum.Pending != 0 {
		t.Fatalf("summary %+v\n%s", sum, &log)
	}
	if len(sum.Failures) != 1 || sum.Failures[0].Label != "data.train_limit=100" || !strings.Contains(sum.Failures[0].Error, "batch_size 128 is larger than the 85 training examples") {
		t.Fatalf("failures %+v", sum.Failures)
	}
	if got, want := statuses(t, out, "mid"), []string{StatusDone, StatusFailed, StatusDone}; !reflect.DeepEqual(got, want) {
		t.Fatalf("manifest statuses %v, want %v", got, want)
	}
	failed := p.Runs[1]
	r, err := results.ReadResult(failed.Dir(out))
	if err != nil {
		t.Fatalf("the failed run has no result.json: %v", err)
	}
	if r.Status != "failed" || !strings.Contains(r.Error, "batch_size") || r.ConfigHash != failed.Hash || r.RunID != failed.ID() ||
		r.Architecture != "lenet-300-100" || r.K != 2 || r.Config["data"] == nil {
		t.Fatalf("failed result %+v", r)
	}
	before := map[string][]byte{}
	for _, run := range []*Run{p.Runs[0], p.Runs[2]} {
		before[run.ID()], _ = os.ReadFile(filepath.Join(run.Dir(out), results.ResultFile))
	}

	p2, err := New(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	log.Reset()
	sum, err = Execute(context.Background(), p2, Options{Out: out, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Cached != 2 || sum.Done != 0 || sum.Failed != 1 {
		t.Fatalf("second sweep %+v\n%s", sum, &log)
	}
	for id, b := range before {
		after, _ := os.ReadFile(filepath.Join(out, "mid", id, results.ResultFile))
		if !bytes.Equal(b, after) {
			t.Fatalf("run %s was trained again", id)
		}
	}
	if !strings.Contains(log.String(), "cached") || !strings.Contains(log.String(), "FAILED") {
		t.Fatalf("log:\n%s", &log)
	}
}

// fake is an executor that reports canned outcomes without training.
type fake struct {
	outcome func(*Job) Report
	cancel  func() // called after the first job
	ran     []string
}

func (*fake) Name() string { return "fake" }

func (f *fake) Execute(ctx context.Context, jobs []*Job, done func(Report)) {
	for _, j := range jobs {
		if ctx.Err() != nil {
			return
		}
		f.ran = append(f.ran, j.Run.Label())
		done(f.outcome(j))
		if f.cancel != nil {
			f.cancel()
		}
	}
}

func doneResult(j *Job, acc float64) *results.Result {
	return &results.Result{Name: j.Run.Exp.Name, RunID: j.Run.ID(), Status: "done", ConfigHash: j.Run.Hash, TestAcc: acc}
}

// TestExecuteOutcomes runs sweeps through a fake executor: every kind of
// ending is counted and recorded, finished runs are skipped next time
// without reaching the executor, an interrupted sweep leaves the rest
// pending, and the manifest keeps the runs of earlier sweeps.
func TestExecuteOutcomes(t *testing.T) {
	file := writeExp(t, "fake", "{k: [1, 2, 3, 4]}")
	out := t.TempDir()
	p, err := New(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	ex := &fake{outcome: func(j *Job) Report {
		switch j.Run.Label() {
		case "k=2": // failed before training: no result
			return Report{Job: j, Err: errors.New("no data")}
		case "k=3": // failed in training: train.Run wrote the result
			r := doneResult(j, 0)
			r.Status, r.Error = "failed", "NaN in epoch 2"
			if err := os.MkdirAll(j.Dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := results.WriteJSON(filepath.Join(j.Dir, results.ResultFile), r); err != nil {
				t.Fatal(err)
			}
			return Report{Job: j, Result: r, Err: errors.New(r.Error)}
		}
		r := doneResult(j, 90)
		if err := os.MkdirAll(j.Dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := results.WriteJSON(filepath.Join(j.Dir, results.ResultFile), r); err != nil {
			t.Fatal(err)
		}
		return Report{Job: j, Result: r}
	}}
	sum, err := Execute(context.Background(), p, Options{Out: out, Executor: ex})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Done != 2 || sum.Failed != 2 || len(sum.Failures) != 2 {
		t.Fatalf("summary %+v", sum)
	}
	if got, want := statuses(t, out, "fake"), []string{StatusDone, StatusFailed, StatusFailed, StatusDone}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	for _, tc := range []struct{ run, err string }{{"k=2", "no data"}, {"k=3", "NaN in epoch 2"}} {
		i := map[string]int{"k=2": 1, "k=3": 2}[tc.run]
		r, err := results.ReadResult(p.Runs[i].Dir(out))
		if err != nil || r.Status != "failed" || r.Error != tc.err {
			t.Fatalf("%s: result %+v, %v", tc.run, r, err)
		}
	}
	m, _ := ReadManifest(ManifestPath(out, "fake"))
	if m.Counts != (Counts{Total: 4, Done: 2, Failed: 2}) || m.Executor != "fake" || m.Runs[0].TestAcc == nil || *m.Runs[0].TestAcc != 90 || m.Runs[1].Error != "no data" {
		t.Fatalf("manifest %+v", m)
	}

	// Again: the finished runs never reach the executor; the failed ones
	// are retried, and the first of them is interrupted.
	ctx, cancel := context.WithCancel(context.Background())
	ex.ran, ex.cancel = nil, cancel
	ex.outcome = func(j *Job) Report { return Report{Job: j, Err: context.Canceled} }
	p2, _ := New(file, nil)
	sum, err = Execute(ctx, p2, Options{Out: out, Executor: ex})
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("interrupted sweep: error %v", err)
	}
	if !reflect.DeepEqual(ex.ran, []string{"k=2"}) || sum.Cached != 2 || sum.Pending != 2 || sum.Failed != 0 {
		t.Fatalf("ran %v, summary %+v", ex.ran, sum)
	}

	// A sweep of other values keeps the earlier runs in the manifest.
	p3, _ := New(file, []string{"k=5"})
	ex.cancel, ex.ran = nil, nil
	ex.outcome = func(j *Job) Report { return Report{Job: j, Result: doneResult(j, 50)} }
	if _, err := Execute(context.Background(), p3, Options{Out: out, Executor: ex}); err != nil {
		t.Fatal(err)
	}
	m, _ = ReadManifest(ManifestPath(out, "fake"))
	if m.Counts.Total != 5 || m.Runs[0].Overrides != nil || m.Runs[0].Status != StatusDone || m.Keys != nil {
		t.Fatalf("manifest after a second sweep: %+v", m)
	}
}
