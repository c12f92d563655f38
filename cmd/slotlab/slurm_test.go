package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/sweep"
	"github.com/slotlab/slotlab/framework/train"
)

// quickExp is the experiment of the Slurm test and its name.
const quickName = "k1-vs-k2-quick"

func quickExp() string { return repoFile("experiments", "quick", "k1-vs-k2.yaml") }

// startSlurm starts a real single-node Slurm with scripts/slurm-up.sh and
// stops it with scripts/slurm-down.sh when the test ends. Without root or
// the Slurm programs it skips, except in CI (SLOTLAB_CI set), where it
// fails.
func startSlurm(t *testing.T) {
	t.Helper()
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root")
	}
	for _, p := range []string{"sbatch", "squeue", "scancel", "scontrol", "sinfo", "slurmctld", "slurmd", "munged"} {
		if _, err := exec.LookPath(p); err != nil {
			if _, err := os.Stat(filepath.Join("/usr/sbin", p)); err != nil {
				missing = append(missing, p)
			}
		}
	}
	if len(missing) > 0 {
		msg := "the Slurm test runs a real single-node Slurm, which needs root and the packages slurmctld slurmd slurm-client munge (.ci/run installs them); missing: " + strings.Join(missing, ", ")
		if os.Getenv("SLOTLAB_CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Setenv("PATH", os.Getenv("PATH")+string(os.PathListSeparator)+"/usr/sbin")
	scratch := fmt.Sprintf("/tmp/slotlab-slurm-%d", os.Getpid())
	t.Cleanup(func() {
		if out, err := exec.Command("bash", repoFile("scripts", "slurm-down.sh"), scratch).CombinedOutput(); err != nil {
			t.Errorf("slurm-down.sh: %v\n%s", err, out)
		}
	})
	var stderr bytes.Buffer
	up := exec.Command("bash", repoFile("scripts", "slurm-up.sh"), scratch)
	up.Stderr = &stderr
	out, err := up.Output()
	if err != nil {
		t.Fatalf("slurm-up.sh: %v\n%s%s", err, out, &stderr)
	}
	conf, ok := strings.CutPrefix(strings.TrimSpace(string(out)), "export SLURM_CONF=")
	if !ok {
		t.Fatalf("slurm-up.sh printed %q", out)
	}
	t.Setenv("SLURM_CONF", conf)
}

// lastJob is the job id of the latest submission recorded in out.
func lastJob(t *testing.T, out string) (string, *sweep.Submission) {
	t.Helper()
	rec, err := sweep.ReadSlurmRecord(filepath.Join(out, quickName))
	if err != nil || len(rec.Submissions) == 0 {
		t.Fatalf("no submission recorded in %s: %v", out, err)
	}
	s := rec.Submissions[len(rec.Submissions)-1]
	return s.JobID, &s
}

// squeueStates returns squeue's state of each task of a job that is still
// queued or running.
func squeueStates(job string) map[string]string {
	out, err := exec.Command("squeue", "-h", "-r", "-j", job, "-o", "%i %T").Output()
	m := map[string]string{}
	if err != nil {
		return m // squeue has forgotten the job
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 {
			m[f[0]] = f[1]
		}
	}
	return m
}

// waitJob polls squeue until no task of the job is queued or running.
func waitJob(t *testing.T, job string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for len(squeueStates(job)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("Slurm job %s still has tasks after %v: %v", job, limit, squeueStates(job))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func status(t *testing.T, dir string) string {
	t.Helper()
	text, err := capture(t, func() error { return statusCmd([]string{dir, "-v"}) })
	if err != nil {
		t.Fatalf("status: %v\n%s", err, text)
	}
	return text
}

func wantLines(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Fatalf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// runLine is the status -v line of a run.
func runLine(t *testing.T, text, id string) string {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), id) {
			return l
		}
	}
	t.Fatalf("status has no line for %s:\n%s", id, text)
	return ""
}

func epochsOf(dir string) int {
	m, _ := results.ReadMetrics(dir)
	return len(m)
}

// timedData are the overrides of the time-limit run but its epochs.
var timedData = []string{"data.train_limit=0", "data.test_limit=2000", "k=2", "seed=5"}

// timedRun is the run stopped by its time limit: submitted to Slurm with
// a 1-minute limit, and trained beside it without one as a reference.
type timedRun struct {
	epochs   int
	out, ref string
	job      string
	cmd      *exec.Cmd
	refOut   bytes.Buffer
	refDone  chan struct{}
	refErr   error
}

// args are the sweep's arguments but the executor flags.
func (r *timedRun) args() []string {
	return append(append([]string{quickExp(), fmt.Sprintf("train.epochs=%d", r.epochs)}, timedData...), "--out", r.out)
}

// startTimed submits the time-limit run and starts its reference.
func startTimed(t *testing.T, bin, tmp string, slurm []string, epochs, attempt int) *timedRun {
	t.Helper()
	r := &timedRun{epochs: epochs, out: filepath.Join(tmp, fmt.Sprintf("timelimit-%d", attempt)), ref: filepath.Join(tmp, fmt.Sprintf("reference-%d", attempt)), refDone: make(chan struct{})}
	text, err := capture(t, func() error { return sweepCmd(append(append(r.args(), "--time", "1"), slurm...)) })
	if err != nil {
		t.Fatalf("time-limit sweep: %v\n%s", err, text)
	}
	r.job, _ = lastJob(t, r.out)
	r.cmd = exec.Command(bin, append(append([]string{"run", quickExp(), "sweep={}", fmt.Sprintf("train.epochs=%d", epochs)}, timedData...), "--out", r.ref, "--quiet")...)
	r.cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	r.cmd.Stdout, r.cmd.Stderr = &r.refOut, &r.refOut
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.refErr = r.cmd.Wait(); close(r.refDone) }()
	t.Cleanup(r.stop)
	return r
}

// stop kills the reference run if it is still going.
func (r *timedRun) stop() {
	select {
	case <-r.refDone:
	default:
		_ = r.cmd.Process.Kill()
		<-r.refDone
	}
}

// TestSlurm sends sweeps through a real single-node Slurm: four quick runs
// as one job array that slotlab table then prints; a bad partition and a
// missing sbatch that queue nothing; an array with a failing task and a
// cancelled one, resubmitted with only those two; and a run stopped by
// its time limit, resubmitted, that resumes from its checkpoint and ends
// as the same run trained without a stop.
func TestSlurm(t *testing.T) {
	startSlurm(t)
	bin := buildSlotlab(t)
	tmp := t.TempDir()
	slurm := []string{"--executor", "slurm", "--slotlab", bin, "--cpus-per-task", "1", "--quiet"}
	started := time.Now()

	// The time-limit run goes first, as it is the longest: about 100 s of
	// training on one core (all of MNIST, as many epochs as that takes
	// here), so that Slurm's 1-minute limit, enforced within 30 s, stops
	// it in the middle. An uninterrupted copy trains beside it, and the
	// other cases go through Slurm meanwhile.
	calib := filepath.Join(tmp, "calib")
	cmd := exec.Command(bin, append(append([]string{"run", quickExp(), "sweep={}", "train.epochs=1"}, timedData...), "--out", calib, "--quiet")...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("calibration run: %v\n%s", err, out)
	}
	cal, err := results.Scan(calib)
	if err != nil || len(cal) != 1 {
		t.Fatalf("calibration: %v", err)
	}
	m, _ := cal[0].Metrics()
	epochs := max(4, min(int(math.Ceil(100/m[0].Seconds)), 5000))
	t.Logf("an epoch takes %.2f s on one core: the time-limit run has %d epochs", m[0].Seconds, epochs)
	timed := startTimed(t, bin, tmp, slurm, epochs, 1)

	t.Run("four runs then table", func(t *testing.T) {
		out := filepath.Join(tmp, "quick")
		args := append([]string{quickExp(), "train.epochs=1", "data.train_limit=2000", "--out", out}, slurm...)
		text, err := capture(t, func() error { return sweepCmd(args) })
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		wantLines(t, "sweep", text, "sweep k1-vs-k2-quick: 4 runs (k × seed)", "submitted 4 run(s) as Slurm job array", "4 queued", "slotlab status "+out)
		job, sub := lastJob(t, out)
		m, err := sweep.ReadManifest(sweep.ManifestPath(out, quickName))
		if err != nil || m.Counts.Queued != 4 || m.Runs[3].Job != job+"_3" {
			t.Fatalf("manifest %+v, %v", m, err)
		}
		list, _ := os.ReadFile(filepath.Join(out, quickName, sub.TaskList))
		if n := strings.Count(string(list), "\n"); n != 4 {
			t.Fatalf("task list of %d lines:\n%s", n, list)
		}
		waitJob(t, job, 2*time.Minute)
		wantLines(t, "status", status(t, out), "k1-vs-k2-quick: 4 runs: 4 done, 0 queued, 0 running, 0 failed, 0 pending", "Slurm job "+job)
		text, err = capture(t, func() error { return tableCmd([]string{out, "--rows", "k,seed", "--cols", "", "--format", "csv"}) })
		if err != nil {
			t.Fatalf("table: %v\n%s", err, text)
		}
		rows := strings.Split(strings.TrimSpace(text), "\n")
		if len(rows) != 5 || !strings.HasPrefix(rows[1], "1,0,test_acc,") || !strings.HasPrefix(rows[4], "2,1,test_acc,") {
			t.Fatalf("table:\n%s", text)
		}
		// Submitting again finds every run finished: nothing is queued.
		text, err = capture(t, func() error { return sweepCmd(args) })
		if err != nil || !strings.Contains(text, "nothing to submit") || !strings.Contains(text, "4 skipped (cached)") {
			t.Fatalf("second submission: %v\n%s", err, text)
		}
	})

	t.Run("bad partition", func(t *testing.T) {
		out := filepath.Join(tmp, "partition")
		args := append([]string{quickExp(), "train.epochs=1", "data.train_limit=2000", "k=1", "--out", out, "--partition", "nope"}, slurm...)
		text, err := capture(t, func() error { return sweepCmd(args) })
		if err == nil || !strings.Contains(err.Error(), "invalid partition") || !strings.Contains(err.Error(), "nothing was queued") {
			t.Fatalf("error %v\n%s", err, text)
		}
		m, err := sweep.ReadManifest(sweep.ManifestPath(out, quickName))
		if err != nil || m.Counts.Queued != 0 || m.Counts.Pending != 2 {
			t.Fatalf("manifest %+v, %v", m, err)
		}
		wantLines(t, "status", status(t, out), "2 runs: 0 done, 0 queued, 0 running, 0 failed, 2 pending", "the latest submission was rejected: sbatch: error: invalid partition")
	})

	t.Run("no sbatch", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		out := filepath.Join(tmp, "nosbatch")
		args := append([]string{quickExp(), "train.epochs=1", "--out", out}, slurm...)
		_, err := capture(t, func() error { return sweepCmd(args) })
		if err == nil || !strings.Contains(err.Error(), "sbatch, which is not on the PATH") {
			t.Fatalf("error %v", err)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("%s was written: %v", out, err)
		}
	})

	t.Run("failed and cancelled tasks", func(t *testing.T) {
		// Three runs: 100 examples fail (fewer than a batch), 2,000 train
		// in seconds, 12,000 for 15 epochs are cancelled while running.
		out := filepath.Join(tmp, "faults")
		args := append([]string{quickExp(), "k=2", "seed=3", "train.epochs=15", "data.train_limit=100,2000,12000", "--out", out}, slurm...)
		text, err := capture(t, func() error { return sweepCmd(args) })
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		job, sub := lastJob(t, out)
		failRun, okRun, longRun := sub.Tasks[0].Run, sub.Tasks[1].Run, sub.Tasks[2].Run
		longDir := filepath.Join(out, quickName, longRun)
		deadline := time.Now().Add(2 * time.Minute)
		for squeueStates(job)[job+"_2"] != "RUNNING" || epochsOf(longDir) < 1 {
			if time.Now().After(deadline) {
				t.Fatalf("task %s_2 did not get going: %v, %d epochs", job, squeueStates(job), epochsOf(longDir))
			}
			time.Sleep(200 * time.Millisecond)
		}
		if out, err := exec.Command("scancel", job+"_2").CombinedOutput(); err != nil {
			t.Fatalf("scancel: %v\n%s", err, out)
		}
		waitJob(t, job, 2*time.Minute)
		st := status(t, out)
		wantLines(t, "status", st, "3 runs: 1 done, 0 queued, 0 running, 2 failed (1 failed, 1 cancelled), 0 pending")
		wantLines(t, "failed run", runLine(t, st, failRun), "failed", job+"_0", "batch_size 128 is larger")
		wantLines(t, "cancelled run", runLine(t, st, longRun), "cancelled", job+"_2", "checkpoint after")
		wantLines(t, "finished run", runLine(t, st, okRun), "done", job+"_1", "test ")
		if r, err := results.ReadResult(longDir); err != nil || r.Status != "interrupted" {
			t.Fatalf("the cancelled run's result: %+v, %v", r, err)
		}
		okResult, _ := os.ReadFile(filepath.Join(out, quickName, okRun, results.ResultFile))

		// Submitting again sends the failed and the cancelled run only;
		// --wait waits for them and records how they ended.
		text, err = capture(t, func() error { return sweepCmd(append(args, "--wait", "--poll", "1s")) })
		if err == nil || !strings.Contains(err.Error(), "1 of 3 runs failed") || !strings.Contains(text, "submitted 2 run(s)") || !strings.Contains(text, "1 done, 1 skipped (cached), 1 failed") {
			t.Fatalf("resubmission: %v\n%s", err, text)
		}
		job2, sub2 := lastJob(t, out)
		if job2 == job || len(sub2.Tasks) != 2 || sub2.Tasks[0].Run != failRun || sub2.Tasks[1].Run != longRun {
			t.Fatalf("resubmission %s: %+v", job2, sub2.Tasks)
		}
		if len(squeueStates(job2)) > 0 {
			t.Fatalf("--wait returned with tasks in the queue: %v", squeueStates(job2))
		}
		m, err := sweep.ReadManifest(sweep.ManifestPath(out, quickName))
		if err != nil || m.Counts != (sweep.Counts{Total: 3, Done: 1, Cached: 1, Failed: 1}) || !strings.Contains(m.Runs[0].Error, "batch_size 128 is larger") || m.Runs[2].Job != job2+"_1" {
			t.Fatalf("manifest after --wait: %+v, %v", m, err)
		}
		st = status(t, out)
		wantLines(t, "status", st, "3 runs: 2 done, 0 queued, 0 running, 1 failed, 0 pending", "Slurm job "+job+", "+job2)
		wantLines(t, "resumed run", runLine(t, st, longRun), "done", job2+"_1")
		log, _ := os.ReadFile(filepath.Join(out, quickName, sub2.Tasks[1].Log))
		wantLines(t, "log of the resumed run", string(log), "resuming")
		if b, _ := os.ReadFile(filepath.Join(out, quickName, okRun, results.ResultFile)); !bytes.Equal(b, okResult) {
			t.Fatal("the finished run was trained again")
		}
	})

	t.Run("time limit", func(t *testing.T) {
		// A busy machine may have made the calibration slow and the run
		// too short for the limit: then it runs again, longer.
		var run string
		var m *sweep.Manifest
		for attempt := 1; ; attempt++ {
			waitJob(t, timed.job, 4*time.Minute)
			m, _ = sweep.ReadManifest(sweep.ManifestPath(timed.out, quickName))
			run = filepath.Join(timed.out, quickName, m.Runs[0].Dir)
			r, err := results.ReadResult(run)
			if err != nil || r.Status != "done" {
				break
			}
			if attempt == 3 {
				t.Fatalf("the run ended in %.0f s, before its time limit, %d times", r.TrainSeconds, attempt)
			}
			epochs := int(math.Ceil(float64(timed.epochs) * 130 / r.TrainSeconds))
			t.Logf("%d epochs took only %.0f s, less than the time limit: trying %d", timed.epochs, r.TrainSeconds, epochs)
			timed.stop()
			timed = startTimed(t, bin, tmp, slurm, epochs, attempt+1)
		}
		st := status(t, timed.out)
		done := epochsOf(run)
		wantLines(t, "status", st, "1 runs: 0 done, 0 queued, 0 running, 1 failed (1 timeout), 0 pending")
		wantLines(t, "timed-out run", runLine(t, st, m.Runs[0].ID), "timeout", timed.job+"_0", "stopped by its time limit", fmt.Sprintf("checkpoint after %d epoch(s)", done))
		if r, err := results.ReadResult(run); err != nil || r.Status != "interrupted" || done >= timed.epochs {
			t.Fatalf("after the time limit: %d of %d epochs, result %+v, %v", done, timed.epochs, r, err)
		}
		if _, err := os.Stat(filepath.Join(run, train.CheckpointFile)); err != nil {
			t.Fatal(err)
		}
		t.Logf("the time limit stopped the run after %d of %d epochs, %.0f s into the test", done, timed.epochs, time.Since(started).Seconds())
		text, err := capture(t, func() error { return sweepCmd(append(append(timed.args(), "--time", "30"), slurm...)) })
		if err != nil || !strings.Contains(text, "submitted 1 run(s)") {
			t.Fatalf("resubmission: %v\n%s", err, text)
		}
		job2, sub := lastJob(t, timed.out)
		waitJob(t, job2, 4*time.Minute)
		wantLines(t, "status", status(t, timed.out), "1 runs: 1 done, 0 queued")
		log, _ := os.ReadFile(filepath.Join(timed.out, quickName, sub.Tasks[0].Log))
		wantLines(t, "log of the resumed run", string(log), "resuming")
		select {
		case <-timed.refDone:
			if timed.refErr != nil {
				t.Fatalf("reference run: %v\n%s", timed.refErr, &timed.refOut)
			}
		case <-time.After(4 * time.Minute):
			t.Fatal("the reference run did not end")
		}
		sameRun(t, run, filepath.Join(timed.ref, quickName, m.Runs[0].ID))
	})
	t.Logf("the Slurm test took %.0f s", time.Since(started).Seconds())
}
