package sweep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/slotlab/slotlab/framework/results"
)

// SlurmDir is the folder of OUT/<name>/ that holds the job scripts, task
// lists and task logs of the sweep's Slurm submissions.
const SlurmDir = "slurm"

// Slurm submits a sweep's runs to Slurm as one job array: array task i
// runs line i of a task list written beside the job script, a `slotlab
// run` of one run of the sweep into the shared run store. Runs already
// finished are not submitted (the sweep skips them), nor are runs whose
// task of an earlier submission is still queued or running; a run that
// failed, was cancelled or hit its time limit is submitted again, and
// resumes from its checkpoint. Every submission, its job id and its tasks,
// is recorded in OUT/<name>/slurm.json, and each queued run's task id in
// the manifest. Execute returns once the array is submitted, or with Wait
// once every task has ended.
type Slurm struct {
	SlurmOptions
	// Command is how the tasks start slotlab: the executable and any
	// arguments before "run". It is normally the submitting slotlab's
	// os.Executable(), or SlurmOptions.Slotlab.
	Command []string
	// Wait makes Execute wait for the tasks to end, polling squeue every
	// Poll (default 10 s), and report every run's outcome.
	Wait bool
	Poll time.Duration
	// Log receives a few lines: the submission, its job id, waiting.
	Log io.Writer

	active map[*Job]string
	logs   map[string]string // task id → log file
	err    error
}

// NewSlurm returns the slurm executor, or an error when sbatch is not on
// the PATH or an option is wrong.
func NewSlurm(o SlurmOptions, command []string) (*Slurm, error) {
	s := &Slurm{SlurmOptions: o, Command: command}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

// Name is "slurm".
func (*Slurm) Name() string { return ExecutorSlurm }

// Err is the submission's error: sbatch rejected it, or its files could
// not be written.
func (s *Slurm) Err() error { return s.err }

func (s *Slurm) check() error {
	if _, err := exec.LookPath("sbatch"); err != nil {
		return errors.New("the slurm executor needs sbatch, which is not on the PATH; submit from a Slurm login node, or use --executor local")
	}
	if len(s.Command) == 0 || s.Command[0] == "" {
		return errors.New("the slurm executor needs the path of the slotlab executable (--slotlab)")
	}
	return s.SlurmOptions.Check()
}

// Prepare checks sbatch and asks Slurm which runs are still queued or
// running from an earlier submission: those are not submitted again.
func (s *Slurm) Prepare(jobs []*Job) error {
	if err := s.check(); err != nil {
		return err
	}
	s.active, s.logs = map[*Job]string{}, map[string]string{}
	latest := map[*Job]*TaskRecord{}
	var ids []string
	for _, j := range jobs {
		rec, err := ReadSlurmRecord(filepath.Join(j.Out, j.Run.Exp.Name))
		if err != nil {
			return err
		}
		if t := rec.Latest(j.Run.ID()); t != nil {
			latest[j] = t
			ids = appendOnce(ids, t.JobID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	view, err := querySqueue(ids)
	if err != nil {
		return fmt.Errorf("cannot tell whether runs submitted earlier (job %s) are still queued, so nothing was submitted: %w", strings.Join(ids, ", "), err)
	}
	for j, t := range latest {
		if ts, ok := view.Tasks[t.ID()]; ok && ts.Active() {
			s.active[j] = t.ID()
			if t.Log != "" {
				s.logs[t.ID()] = filepath.Join(j.Out, j.Run.Exp.Name, t.Log)
			}
		}
	}
	return nil
}

// Execute submits the jobs as one array and reports each as queued; with
// Wait it then waits for the tasks and reports how each ended.
func (s *Slurm) Execute(ctx context.Context, jobs []*Job, done func(Report)) {
	if s.logs == nil {
		s.logs = map[string]string{}
	}
	var submit []*Job
	queued := map[*Job]string{}
	for _, j := range jobs {
		if id, ok := s.active[j]; ok {
			queued[j] = id
			done(Report{Job: j, Queued: id})
			continue
		}
		submit = append(submit, j)
	}
	if len(queued) > 0 {
		s.logf("%d run(s) still queued or running from an earlier submission: not submitted again", len(queued))
	}
	if len(submit) > 0 {
		sub, err := s.submit(submit)
		if err != nil {
			s.err = err
			return
		}
		for i, j := range submit {
			id := sub.Tasks[i].ID()
			s.logs[id] = sub.Tasks[i].Log
			queued[j] = id
			done(Report{Job: j, Queued: id})
		}
	} else {
		s.logf("nothing to submit")
	}
	if s.Wait && len(queued) > 0 {
		s.wait(ctx, queued, done)
	}
}

// submit writes the job script and task list, runs sbatch and records the
// submission (also when sbatch rejects it).
func (s *Slurm) submit(jobs []*Job) (*Submission, error) {
	first := jobs[0]
	dir, err := filepath.Abs(filepath.Join(first.Out, first.Run.Exp.Name, SlurmDir))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	now := time.Now().UTC()
	base := "submit-" + now.Format("20060102T150405")
	for n := 2; exists(filepath.Join(dir, base+".sh")); n++ {
		base = fmt.Sprintf("submit-%s-%d", now.Format("20060102T150405"), n)
	}
	script, list := filepath.Join(dir, base+".sh"), filepath.Join(dir, base+".tasks")
	sub := &Submission{SubmittedAt: now.Format(time.RFC3339), Script: script, TaskList: list}
	var lines bytes.Buffer
	for i, j := range jobs {
		args, err := s.taskArgs(j)
		if err != nil {
			return nil, err
		}
		lines.WriteString(shellJoin(args) + "\n")
		sub.Tasks = append(sub.Tasks, TaskRecord{Index: i, Name: j.Run.Exp.Name, Run: j.Run.ID(), ConfigHash: j.Run.Hash, Overrides: j.Run.Overrides})
	}
	if err := results.WriteFileAtomic(list, lines.Bytes()); err != nil {
		return nil, fmt.Errorf("writing the task list: %w", err)
	}
	if err := results.WriteFileAtomic(script, []byte(s.script(first, dir, list, len(jobs), now))); err != nil {
		return nil, fmt.Errorf("writing the job script: %w", err)
	}
	if err := os.Chmod(script, 0o755); err != nil {
		return nil, err
	}
	array := fmt.Sprintf("--array=0-%d", len(jobs)-1)
	if s.MaxRunning > 0 {
		array += fmt.Sprintf("%%%d", s.MaxRunning)
	}
	sub.Sbatch = []string{"sbatch", "--parsable", array, script}
	cmd := exec.Command(sub.Sbatch[0], sub.Sbatch[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	id := strings.TrimSpace(strings.SplitN(strings.TrimSpace(stdout.String()), ";", 2)[0])
	if runErr == nil && !isJobID(id) {
		runErr = fmt.Errorf("unexpected output %q", stdout.String())
	}
	if runErr != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = runErr.Error()
		}
		sub.Error = msg
		err := fmt.Errorf("Slurm rejected the submission of %d run(s); nothing was queued:\n  %s\n(%s)", len(jobs), strings.ReplaceAll(msg, "\n", "\n  "), shellJoin(sub.Sbatch))
		if rerr := s.record(jobs, sub); rerr != nil {
			err = fmt.Errorf("%w (and recording it failed: %v)", err, rerr)
		}
		return nil, err
	}
	sub.JobID = id
	for i := range sub.Tasks {
		sub.Tasks[i].JobID = id
		sub.Tasks[i].Log = filepath.Join(dir, fmt.Sprintf("%s_%d.out", id, i))
	}
	if err := s.record(jobs, sub); err != nil {
		return nil, fmt.Errorf("job %s was submitted, but recording it failed (cancel it with scancel %s): %w", id, id, err)
	}
	s.logf("submitted %d run(s) as Slurm job array %s (%s); logs in %s", len(jobs), id, shellJoin(sub.Sbatch), dir)
	return sub, nil
}

// taskArgs is the command line of a job's task.
func (s *Slurm) taskArgs(j *Job) ([]string, error) {
	file, err := filepath.Abs(j.File)
	if err != nil {
		return nil, err
	}
	out, err := filepath.Abs(j.Out)
	if err != nil {
		return nil, err
	}
	args := append([]string(nil), s.Command...)
	args = append(args, "run", file)
	args = append(args, j.Run.Args...)
	return append(args, "--out", out, "--quiet"), nil
}

// script is the job script: #SBATCH lines, then the lookup of the task's
// line in the task list and an exec of it, so that Slurm's signals (the
// SIGTERM of a time limit or scancel) reach slotlab, which saves a
// checkpoint.
func (s *Slurm) script(first *Job, dir, list string, n int, now time.Time) string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&b, "#SBATCH --job-name=slotlab-%s\n", first.Run.Exp.Name)
	fmt.Fprintf(&b, "#SBATCH --output=%s\n", filepath.Join(dir, "%A_%a.out"))
	if s.Partition != "" {
		fmt.Fprintf(&b, "#SBATCH --partition=%s\n", s.Partition)
	}
	if s.CPUsPerTask > 0 {
		fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", s.CPUsPerTask)
	}
	if s.Mem != "" {
		fmt.Fprintf(&b, "#SBATCH --mem=%s\n", s.Mem)
	}
	if s.Time != "" {
		fmt.Fprintf(&b, "#SBATCH --time=%s\n", s.Time)
	}
	for _, l := range s.Sbatch {
		fmt.Fprintf(&b, "#SBATCH %s\n", strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "#SBATCH")))
	}
	fmt.Fprintf(&b, `#
# Written by slotlab sweep at %s: %d run(s) of %s.
# Array task i runs line i+1 of the task list, one `+"`slotlab run`"+` of the sweep.
set -eu
tasks=%s
line=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" "$tasks")
if [ -z "$line" ]; then
  echo "slotlab: no line $((SLURM_ARRAY_TASK_ID + 1)) in $tasks" >&2
  exit 2
fi
if [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then
  export GOMAXPROCS=$SLURM_CPUS_PER_TASK
fi
eval "set -- $line"
echo "slotlab: task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname), GOMAXPROCS=${GOMAXPROCS:-all}: $*"
exec "$@"
`, now.Format(time.RFC3339), n, first.File, shellJoin([]string{list}))
	return b.String()
}

// record appends a submission to the slurm.json of each experiment name
// it has runs of, with that name's tasks.
func (s *Slurm) record(jobs []*Job, sub *Submission) error {
	names := map[string]bool{}
	for _, j := range jobs {
		names[j.Run.Exp.Name] = true
	}
	for name := range names {
		dir := filepath.Join(jobs[0].Out, name)
		rec, err := ReadSlurmRecord(dir)
		if err != nil {
			return err
		}
		c := *sub
		c.Tasks = nil
		for _, t := range sub.Tasks {
			if t.Name == name {
				c.Tasks = append(c.Tasks, t)
			}
		}
		c.relative(dir)
		rec.Submissions = append(rec.Submissions, c)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := results.WriteJSON(filepath.Join(dir, SlurmFile), rec); err != nil {
			return err
		}
	}
	return nil
}

// wait polls squeue until every queued task has ended, then reports each
// job: done when its result.json says so, failed otherwise.
func (s *Slurm) wait(ctx context.Context, queued map[*Job]string, done func(Report)) {
	poll := s.Poll
	if poll <= 0 {
		poll = 10 * time.Second
	}
	var ids []string
	for _, id := range queued {
		ids = appendOnce(ids, strings.SplitN(id, "_", 2)[0])
	}
	sort.Strings(ids)
	s.logf("waiting for Slurm job %s to end (Ctrl-C stops waiting, not the job)", strings.Join(ids, ", "))
	var view *SlurmView
	for {
		v, err := querySqueue(ids)
		if err == nil {
			view = v
			active := false
			for _, id := range queued {
				if ts, ok := v.Tasks[id]; ok && ts.Active() {
					active = true
				}
			}
			if !active {
				break
			}
		} else {
			s.logf("squeue: %v (trying again)", err)
		}
		select {
		case <-ctx.Done():
			s.logf("stopped waiting; the jobs go on in Slurm (slotlab status follows them)")
			return
		case <-time.After(poll):
		}
	}
	jobs := make([]*Job, 0, len(queued))
	for j := range queued {
		jobs = append(jobs, j)
	}
	sort.Slice(jobs, func(a, b int) bool { return jobs[a].Run.Index < jobs[b].Run.Index })
	for _, j := range jobs {
		id := queued[j]
		rep := Report{Job: j}
		if res, ok := results.ReadResultFor(j.Dir, j.Run.Hash); ok {
			rep.Result = res
			if res.Status == results.StatusDone {
				done(rep)
				continue
			}
		}
		state := "ended"
		if ts, ok := view.Tasks[id]; ok {
			state = "ended " + ts.State
		} else if view.Arrays[strings.SplitN(id, "_", 2)[0]] {
			state = "was cancelled before it started"
		}
		msg := fmt.Sprintf("Slurm task %s %s", id, state)
		if rep.Result != nil && rep.Result.Error != "" {
			msg += ": " + rep.Result.Error
		} else if line := lastLine(s.logs[id]); line != "" {
			msg += ": " + line
		}
		rep.Err = errors.New(msg)
		done(rep)
	}
}

func (s *Slurm) logf(format string, args ...any) {
	if s.Log != nil {
		fmt.Fprintf(s.Log, format+"\n", args...)
	}
}

// isJobID reports whether s is a Slurm job id.
func isJobID(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
