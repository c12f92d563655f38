package sweep

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/train"
)

// fakeSlurm puts stand-ins for sbatch, squeue, sacct and scontrol first on
// the PATH: sbatch appends its arguments to DIR/sbatch.args and prints job
// id $FAKE_JOB (or fails with $FAKE_SBATCH_ERROR), squeue prints
// DIR/squeue.out, sacct says accounting is disabled. It returns DIR.
func fakeSlurm(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	scripts := map[string]string{
		"sbatch": `echo "$@" >> "` + dir + `/sbatch.args"
if [ -n "${FAKE_SBATCH_ERROR:-}" ]; then echo "$FAKE_SBATCH_ERROR" >&2; exit 1; fi
echo "${FAKE_JOB:-42};cluster"`,
		"squeue":   `cat "` + dir + `/squeue.out" 2>/dev/null; exit 0`,
		"sacct":    `echo "Slurm accounting storage is disabled"; exit 0`,
		"scontrol": `echo "JobCompType             = jobcomp/none"`,
	}
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return dir
}

func TestParseExecutor(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      ExecutorConfig
		err       string
	}{
		{"none", `{k: [1, 2]}`, ExecutorConfig{Type: ExecutorLocal}, ""},
		{"scalar", `{k: [1, 2], executor: slurm}`, ExecutorConfig{Type: ExecutorSlurm}, ""},
		{"local jobs", `{executor: {type: local, jobs: 2}}`, ExecutorConfig{Type: ExecutorLocal, Jobs: 2}, ""},
		{"slurm", "\n  k: [1, 2]\n  executor:\n    type: slurm\n    partition: cpu\n    cpus_per_task: 2\n    mem: 4G\n    time: \"1:00:00\"\n    max_running: 3\n    sbatch: [--account=lab, \"#SBATCH --qos=long\"]\n",
			ExecutorConfig{Type: ExecutorSlurm, SlurmOptions: SlurmOptions{Partition: "cpu", CPUsPerTask: 2, Mem: "4G", Time: "1:00:00", MaxRunning: 3, Sbatch: []string{"--account=lab", "#SBATCH --qos=long"}}}, ""},
		{"unknown key", "\n  executor:\n    type: slurm\n    partiton: cpu\n", ExecutorConfig{}, `px.yaml:14:5: sweep.executor: unknown key "partiton"`},
		{"bad type", `{executor: {type: pbs}}`, ExecutorConfig{}, `executor type "pbs": use local or slurm`},
		{"jobs on slurm", `{executor: {type: slurm, jobs: 4}}`, ExecutorConfig{}, "jobs (-j) is for the local executor"},
		{"bad sbatch line", `{executor: {type: slurm, sbatch: [account=lab]}}`, ExecutorConfig{}, "give one sbatch option per line"},
		{"array line", `{executor: {type: slurm, sbatch: ["--array=0-3"]}}`, ExecutorConfig{}, "sets the array and the output files itself"},
		{"list", `{executor: [slurm]}`, ExecutorConfig{}, "executor is local, slurm, or a mapping"},
	} {
		file := writeExp(t, "px", tc.src)
		p, err := New(file, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := ParseExecutor(file, p.Executor)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
		if strings.Contains(tc.src, "k: [1, 2]") && (len(p.Runs) != 2 || !reflect.DeepEqual(p.Keys, []string{"k"})) {
			t.Errorf("%s: the executor entry was swept: %d runs, keys %v", tc.name, len(p.Runs), p.Keys)
		}
	}
	// A sweep block given on the command line may carry one too.
	p, err := New(writeExp(t, "px", ""), []string{"sweep={k: [1, 2], executor: {type: slurm, time: 5}}"})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := ParseExecutor("", p.Executor); err != nil || c.Type != ExecutorSlurm || c.Time != "5" || len(p.Runs) != 2 {
		t.Fatalf("command-line block: %+v, %v, %d runs", c, err, len(p.Runs))
	}
}

// TestSlurmWithoutSbatch checks that without sbatch on the PATH the sweep
// stops before writing anything.
func TestSlurmWithoutSbatch(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := NewSlurm(SlurmOptions{}, []string{"/bin/slotlab"}); err == nil || !strings.Contains(err.Error(), "sbatch, which is not on the PATH") {
		t.Fatalf("NewSlurm: %v", err)
	}
	p, err := New(writeExp(t, "nosb", "{k: [1, 2]}"), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "runs")
	_, err = Execute(context.Background(), p, Options{Out: out, Executor: &Slurm{Command: []string{"/bin/slotlab"}}})
	if err == nil || !strings.Contains(err.Error(), "sbatch") {
		t.Fatalf("Execute: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("the run store was created: %v", err)
	}
}

func writeResult(t *testing.T, out string, r *Run, status string) {
	t.Helper()
	dir := r.Dir(out)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	res := &results.Result{Name: r.Exp.Name, RunID: r.ID(), Status: status, ConfigHash: r.Hash, TestAcc: 91.5, ValAcc: 92}
	if status != "done" {
		res.Error = "interrupted in epoch 2 at step 3 of 10"
	}
	if err := results.WriteJSON(filepath.Join(dir, results.ResultFile), res); err != nil {
		t.Fatal(err)
	}
}

// TestSlurmSubmitStatusResubmit submits a sweep to a fake Slurm, checks
// the job script, the task list and the records, derives every state
// from what squeue says, and resubmits: only the runs neither finished
// nor still queued go into the new array.
func TestSlurmSubmitStatusResubmit(t *testing.T) {
	fake := fakeSlurm(t)
	p, err := New(writeExp(t, "sl", "{k: [1, 2], seed: [0, 1]}"), []string{"train.epochs=3"})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "runs")
	s, err := NewSlurm(SlurmOptions{Partition: "cpu", CPUsPerTask: 2, Mem: "4G", Time: "0:30:00", MaxRunning: 2, Sbatch: []string{"--account=lab"}}, []string{"/opt/slotlab"})
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	s.Log = &log
	sum, err := Execute(context.Background(), p, Options{Out: out, Executor: s, Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, &log)
	}
	if sum.Queued != 4 || sum.Pending != 0 || sum.Done != 0 {
		t.Fatalf("summary %+v\n%s", sum, &log)
	}
	m, err := ReadManifest(ManifestPath(out, "sl"))
	if err != nil || m.Executor != "slurm" || m.Counts.Queued != 4 {
		t.Fatalf("manifest %+v, %v", m, err)
	}
	for i, e := range m.Runs {
		if e.Status != StatusQueued || e.Job != "42_"+string(rune('0'+i)) {
			t.Fatalf("entry %d: %+v", i, e)
		}
	}
	rec, err := ReadSlurmRecord(filepath.Join(out, "sl"))
	if err != nil || len(rec.Submissions) != 1 {
		t.Fatalf("slurm.json %+v, %v", rec, err)
	}
	sub := rec.Submissions[0]
	if sub.JobID != "42" || len(sub.Tasks) != 4 || sub.Tasks[3].Run != p.Runs[3].ID() || sub.Tasks[3].Log != filepath.Join(SlurmDir, "42_3.out") {
		t.Fatalf("submission %+v", sub)
	}
	args, _ := os.ReadFile(filepath.Join(fake, "sbatch.args"))
	script := filepath.Join(out, "sl", sub.Script)
	if abs, _ := filepath.Abs(script); strings.TrimSpace(string(args)) != "--parsable --array=0-3%2 "+abs {
		t.Fatalf("sbatch arguments %q", args)
	}
	body, _ := os.ReadFile(script)
	for _, want := range []string{"#SBATCH --partition=cpu\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --mem=4G\n", "#SBATCH --time=0:30:00\n", "#SBATCH --account=lab\n", "/slurm/%A_%a.out\n", "GOMAXPROCS=$SLURM_CPUS_PER_TASK", `exec "$@"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("job script lacks %q:\n%s", want, body)
		}
	}
	list, _ := os.ReadFile(filepath.Join(out, "sl", sub.TaskList))
	lines := strings.Split(strings.TrimSpace(string(list)), "\n")
	absOut, _ := filepath.Abs(out)
	if len(lines) != 4 || !strings.HasPrefix(lines[2], "/opt/slotlab run /") || !strings.Contains(lines[2], " train.epochs=3 k=2 seed=0 'sweep={}' --out "+absOut+" --quiet") {
		t.Fatalf("task list:\n%s", list)
	}

	// Run 0 finished; 1 failed before training; 2 hit its time limit with
	// a checkpoint; 3 was cancelled while pending (squeue forgot it).
	writeResult(t, out, p.Runs[0], "done")
	writeResult(t, out, p.Runs[2], "interrupted")
	if err := os.WriteFile(filepath.Join(p.Runs[2].Dir(out), train.CheckpointFile), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(out, "sl", SlurmDir), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(out, "sl", SlurmDir, "42_1.out"), []byte("slotlab run: batch_size 128 is larger than the data\n"), 0o644)
	os.WriteFile(filepath.Join(fake, "squeue.out"), []byte("42_0|42|COMPLETED|None\n42_1|42|FAILED|NonZeroExitCode\n42_2|42|TIMEOUT|TimeLimit\n"), 0o644)
	st, err := Status(out)
	if err != nil || len(st) != 1 {
		t.Fatalf("status %v, %v", st, err)
	}
	var got []string
	for _, r := range st[0].Runs {
		got = append(got, r.State)
	}
	if want := []string{StateDone, StateFailed, StateTimeout, StateCancelled}; !reflect.DeepEqual(got, want) {
		t.Fatalf("states %v, want %v", got, want)
	}
	if d := st[0].Runs[1].Detail; !strings.Contains(d, "FAILED") || !strings.Contains(d, "batch_size 128") {
		t.Errorf("failed detail %q", d)
	}
	if d := st[0].Runs[2].Detail; !strings.Contains(d, "checkpoint") {
		t.Errorf("timeout detail %q", d)
	}
	if st[0].Group(StateFailed) != 3 || st[0].Group(StateDone) != 1 || !reflect.DeepEqual(st[0].Jobs, []string{"42"}) {
		t.Errorf("counts %v", st[0].Counts)
	}

	// Task 1 is queued again by hand (requeued, say): a resubmission
	// leaves it alone and submits only runs 2 and 3.
	os.WriteFile(filepath.Join(fake, "squeue.out"), []byte("42_0|42|COMPLETED|None\n42_1|42|PENDING|Priority\n42_2|42|TIMEOUT|TimeLimit\n"), 0o644)
	t.Setenv("FAKE_JOB", "43")
	p2, err := New(p.File, []string{"train.epochs=3"})
	if err != nil {
		t.Fatal(err)
	}
	log.Reset()
	s2, _ := NewSlurm(SlurmOptions{}, []string{"/opt/slotlab"})
	sum, err = Execute(context.Background(), p2, Options{Out: out, Executor: s2, Log: &log})
	if err != nil || sum.Cached != 1 || sum.Queued != 3 {
		t.Fatalf("resubmission %+v, %v\n%s", sum, err, &log)
	}
	args, _ = os.ReadFile(filepath.Join(fake, "sbatch.args"))
	if l := strings.Split(strings.TrimSpace(string(args)), "\n"); len(l) != 2 || !strings.HasPrefix(l[1], "--parsable --array=0-1 ") {
		t.Fatalf("sbatch calls:\n%s", args)
	}
	m, _ = ReadManifest(ManifestPath(out, "sl"))
	var jobs []string
	for _, e := range m.Runs {
		jobs = append(jobs, e.Status+" "+e.Job)
	}
	if want := []string{"cached ", "queued 42_1", "queued 43_0", "queued 43_1"}; !reflect.DeepEqual(jobs, want) {
		t.Fatalf("manifest after resubmission %v, want %v", jobs, want)
	}
	rec, _ = ReadSlurmRecord(filepath.Join(out, "sl"))
	if len(rec.Submissions) != 2 || rec.Latest(p.Runs[2].ID()).ID() != "43_0" || rec.Latest(p.Runs[1].ID()).ID() != "42_1" {
		t.Fatalf("slurm.json after resubmission %+v", rec)
	}
}

// TestSlurmRejected checks that a submission sbatch refuses queues
// nothing, says why, and is recorded for slotlab status.
func TestSlurmRejected(t *testing.T) {
	fakeSlurm(t)
	t.Setenv("FAKE_SBATCH_ERROR", "sbatch: error: invalid partition specified: nope")
	p, err := New(writeExp(t, "rej", "{k: [1, 2]}"), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "runs")
	s, _ := NewSlurm(SlurmOptions{Partition: "nope"}, []string{"/opt/slotlab"})
	sum, err := Execute(context.Background(), p, Options{Out: out, Executor: s})
	if err == nil || !strings.Contains(err.Error(), "invalid partition specified: nope") || !strings.Contains(err.Error(), "nothing was queued") {
		t.Fatalf("error %v", err)
	}
	if sum.Queued != 0 || sum.Pending != 2 {
		t.Fatalf("summary %+v", sum)
	}
	if got := statuses(t, out, "rej"); !reflect.DeepEqual(got, []string{StatusPending, StatusPending}) {
		t.Fatalf("manifest %v", got)
	}
	st, err := Status(filepath.Join(out, "rej"))
	if err != nil || !strings.Contains(st[0].Rejected, "invalid partition") || st[0].Counts[StatePending] != 2 {
		t.Fatalf("status %+v, %v", st[0], err)
	}
}

// TestStatusLostAndUnknown covers a task that Slurm has forgotten without
// a result (lost) and a Slurm that does not answer (unknown).
func TestStatusLostAndUnknown(t *testing.T) {
	fake := fakeSlurm(t)
	p, err := New(writeExp(t, "lost", "{k: [1, 2]}"), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "runs")
	s, _ := NewSlurm(SlurmOptions{}, []string{"/opt/slotlab"})
	if _, err := Execute(context.Background(), p, Options{Out: out, Executor: s}); err != nil {
		t.Fatal(err)
	}
	writeResult(t, out, p.Runs[0], "done")
	st, err := Status(out)
	if err != nil || st[0].Runs[0].State != StateDone || st[0].Runs[1].State != StateLost {
		t.Fatalf("squeue knows nothing: %+v, %v", st[0].Runs, err)
	}
	os.WriteFile(filepath.Join(fake, "squeue"), []byte("#!/bin/sh\necho 'slurm_load_jobs error: Unable to contact slurm controller' >&2\nexit 1\n"), 0o755)
	st, err = Status(out)
	if err != nil || st[0].Runs[0].State != StateDone || st[0].Runs[1].State != StateUnknown || len(st[0].Notes) == 0 || !strings.Contains(st[0].Notes[0], "Unable to contact") {
		t.Fatalf("squeue fails: %+v, %v", st[0], err)
	}
	// Nor is anything submitted while Slurm cannot say what still runs.
	p2, _ := New(p.File, nil)
	s2, _ := NewSlurm(SlurmOptions{}, []string{"/opt/slotlab"})
	if _, err := Execute(context.Background(), p2, Options{Out: out, Executor: s2}); err == nil || !strings.Contains(err.Error(), "nothing was submitted") {
		t.Fatalf("resubmission without squeue: %v", err)
	}
}
