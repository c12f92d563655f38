package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slotlab/slotlab/framework/checkpoint"
	"github.com/slotlab/slotlab/framework/results"
)

// buildSlotlab compiles the command into a temporary directory.
func buildSlotlab(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "slotlab")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// killArgs is a run that takes a few seconds: 4 epochs of 30 steps.
func killArgs(out string) []string {
	return []string{"run", repoFile("experiments", "lenet.yaml"), "--out", out, "--quiet",
		"train.epochs=4", "data.train_limit=3600", "train.batch_size=100", "data.test_limit=1000", "seed=3"}
}

// waitFor polls until cond holds or the process ends.
func waitFor(t *testing.T, cmd *exec.Cmd, done <-chan error, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		select {
		case <-done:
			return false
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatal("timed out waiting for the kill point")
	return false
}

func metricLines(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, results.MetricsFile))
	if err != nil {
		return 0
	}
	return bytes.Count(b, []byte("\n"))
}

// checkIntact asserts that a killed run directory holds no partial file:
// result.json (if any) parses, the checkpoint (if any) verifies, metrics.jsonl
// holds whole lines of JSON.
func checkIntact(t *testing.T, dir, point string) {
	t.Helper()
	if b, err := os.ReadFile(filepath.Join(dir, results.ResultFile)); err == nil {
		var r results.Result
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("%s: partial result.json: %v", point, err)
		}
	}
	for _, f := range []string{"checkpoint.bin", "best.bin"} {
		if p := filepath.Join(dir, f); checkpoint.Exists(p) {
			if _, err := checkpoint.Read(p, nil); err != nil {
				t.Fatalf("%s: %v", point, err)
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, results.MetricsFile)); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if line != "" && !json.Valid([]byte(line)) {
				t.Fatalf("%s: partial metrics line %q", point, line)
			}
		}
	}
}

// TestKillAndResume kills a real training run with SIGKILL at several
// points, including in the middle of a checkpoint write, resumes it each
// time, and checks that it ends with exactly the metrics and result of a run
// that was never interrupted (wall-clock fields aside).
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for a minute")
	}
	bin := buildSlotlab(t)
	ref := filepath.Join(t.TempDir(), "ref")
	if out, err := exec.Command(bin, killArgs(ref)...).CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	refDir := runDirs(t, ref)[0]

	out := filepath.Join(t.TempDir(), "killed")
	dir := filepath.Join(out, "lenet", filepath.Base(refDir))
	marker := filepath.Join(t.TempDir(), "holding")
	type killPoint struct {
		name string
		env  []string
		at   func() bool
		sig  syscall.Signal
	}
	points := []killPoint{
		{"at start, before any checkpoint", nil, func() bool { return true }, syscall.SIGKILL},
		{"mid-epoch 1", nil, func() bool { return checkpoint.Exists(filepath.Join(dir, "config.yaml")) }, syscall.SIGKILL},
		{"during the write of the first checkpoint", []string{"SLOTLAB_FAULT_HOLD_CHECKPOINT=1:" + marker}, func() bool { return checkpoint.Exists(marker) }, syscall.SIGKILL},
		{"mid-epoch 2, after a checkpoint", nil, func() bool { return metricLines(dir) >= 1 }, syscall.SIGKILL},
		{"SIGTERM mid-epoch (graceful checkpoint)", nil, func() bool { return metricLines(dir) >= 2 }, syscall.SIGTERM},
		{"during the checkpoint write after resuming mid-epoch", []string{"SLOTLAB_FAULT_HOLD_CHECKPOINT=1:" + marker}, func() bool { return checkpoint.Exists(marker) }, syscall.SIGKILL},
		{"during the final checkpoint write, before result.json", []string{"SLOTLAB_FAULT_HOLD_CHECKPOINT=2:" + marker}, func() bool { return checkpoint.Exists(marker) }, syscall.SIGKILL},
	}
	for _, p := range points {
		os.Remove(marker)
		cmd := exec.Command(bin, killArgs(out)...)
		cmd.Env = append(os.Environ(), p.env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if waitFor(t, cmd, done, p.at) {
			_ = cmd.Process.Signal(p.sig)
			<-done
		}
		checkIntact(t, dir, p.name)
		if _, err := os.Stat(filepath.Join(dir, results.ResultFile)); err == nil && p.sig == syscall.SIGKILL {
			if r, _ := results.ReadResult(dir); r.Status == "done" {
				t.Fatalf("%s: the run finished before the kill point", p.name)
			}
		}
		t.Logf("%s: %d epochs of metrics on disk", p.name, metricLines(dir))
	}
	// Resume to the end.
	if b, err := exec.Command(bin, killArgs(out)...).CombinedOutput(); err != nil {
		t.Fatalf("final resume: %v\n%s", err, b)
	}
	if got, want := stripTimes(t, dir), stripTimes(t, refDir); !bytes.Equal(got, want) {
		t.Fatalf("killed and resumed run differs from the reference:\n%s\nwant\n%s", got, want)
	}
	a, _ := results.ReadResult(dir)
	b, _ := results.ReadResult(refDir)
	// The last process resumed from a later state, not from scratch (a run
	// that silently started over would end with the same files).
	if !a.Start.Resumed || a.Start.FromEpoch < 2 || a.Start.StepsThisProcess >= b.Start.StepsThisProcess || b.Start.Resumed {
		t.Fatalf("final process start %+v (reference %+v): want a resume from epoch ≥ 2 that trained fewer steps than the reference", a.Start, b.Start)
	}
	if a.Status != "done" || a.TestAcc != b.TestAcc || a.ValAcc != b.ValAcc || a.BestEpoch != b.BestEpoch ||
		a.FinalTestAcc != b.FinalTestAcc || a.FinalLoss != b.FinalLoss || a.TrainFLOPs != b.TrainFLOPs || a.ConfigHash != b.ConfigHash {
		t.Fatalf("result %+v\nwant %+v", a, b)
	}
	if len(points) < 5 {
		t.Fatal("fewer than 5 kill points")
	}
}
