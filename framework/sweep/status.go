package sweep

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/train"
)

// Run states that Status reports.
const (
	StateDone        = "done"        // result.json says done
	StateQueued      = "queued"      // waiting in Slurm's queue
	StateRunning     = "running"     // running in Slurm
	StateFailed      = "failed"      // failed (result.json or Slurm says so)
	StateCancelled   = "cancelled"   // its Slurm task was cancelled
	StateTimeout     = "timeout"     // its Slurm task hit its time limit
	StateInterrupted = "interrupted" // stopped by a signal; resumes from its checkpoint
	StateLost        = "lost"        // submitted, forgotten by Slurm, no result
	StateUnknown     = "unknown"     // submitted, and Slurm could not be asked
	StatePending     = "pending"     // not run, not submitted
)

// RunStatus is the state of one run of a sweep.
type RunStatus struct {
	Name      string
	ID        string
	Overrides []string
	// Dir is the run directory.
	Dir   string
	State string
	// Job is its latest Slurm array task (12_3), if it was submitted;
	// SlurmState is what Slurm says of it.
	Job        string
	SlurmState string
	// Log is the task's output file.
	Log string
	// Result is the run's result.json, if it has one of its config.
	Result *results.Result
	// Epochs counts the lines of metrics.jsonl; Checkpoint says whether
	// a checkpoint is there to resume from.
	Epochs     int
	Checkpoint bool
	// Detail says more: the accuracy of a done run, the error of a
	// failed one, what to do about a stopped one.
	Detail string
}

// Label is the run's swept settings.
func (r *RunStatus) Label() string { return label(r.Overrides) }

// SweepStatus is the state of the runs of one manifest.
type SweepStatus struct {
	Name     string
	Manifest string
	Executor string
	Runs     []RunStatus
	// Counts maps each state to its number of runs.
	Counts map[string]int
	// Jobs are the Slurm job arrays of the sweep, oldest first.
	Jobs []string
	// Rejected is sbatch's message when the latest submission was
	// rejected.
	Rejected string
	// Notes say what Slurm could not tell.
	Notes []string
}

// Group counts the runs in the summary's groups: done, queued, running,
// failed (failed, cancelled, timeout, interrupted, lost), pending, unknown.
func (s *SweepStatus) Group(g string) int {
	switch g {
	case StateFailed:
		return s.Counts[StateFailed] + s.Counts[StateCancelled] + s.Counts[StateTimeout] + s.Counts[StateInterrupted] + s.Counts[StateLost]
	default:
		return s.Counts[g]
	}
}

// Status reads the sweeps under each directory (a run store, holding
// <name>/sweep.json, or one experiment's directory holding sweep.json) and
// says of every run whether it is done, queued, running, failed or not
// yet run: from its result.json, and for runs submitted to Slurm from
// squeue, sacct or the job completion file.
func Status(dirs ...string) ([]*SweepStatus, error) {
	var manifests []string
	for _, d := range dirs {
		if _, err := os.Stat(d); err != nil {
			return nil, err
		}
		if p := filepath.Join(d, ManifestFile); exists(p) {
			manifests = append(manifests, p)
			continue
		}
		found, err := filepath.Glob(filepath.Join(d, "*", ManifestFile))
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("no sweep under %s (neither %s nor */%s)", d, ManifestFile, ManifestFile)
		}
		sort.Strings(found)
		manifests = append(manifests, found...)
	}
	var out []*SweepStatus
	for _, p := range manifests {
		s, err := sweepStatus(p)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func sweepStatus(path string) (*SweepStatus, error) {
	m, err := ReadManifest(path)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	rec, err := ReadSlurmRecord(dir)
	if err != nil {
		return nil, err
	}
	s := &SweepStatus{Name: m.Experiment, Manifest: path, Executor: m.Executor, Counts: map[string]int{}, Jobs: rec.Jobs()}
	if n := len(rec.Submissions); n > 0 && rec.Submissions[n-1].Error != "" {
		s.Rejected = rec.Submissions[n-1].Error
	}
	tasks := make([]*TaskRecord, len(m.Runs))
	var ids []string
	for i, e := range m.Runs {
		if t := rec.Latest(e.ID); t != nil {
			tasks[i] = t
			ids = appendOnce(ids, t.JobID)
		}
	}
	var view *SlurmView
	if len(ids) > 0 {
		view = QuerySlurm(ids)
		s.Notes = view.Notes
	}
	for i, e := range m.Runs {
		r := runStatus(dir, e, tasks[i], view)
		s.Counts[r.State]++
		s.Runs = append(s.Runs, r)
	}
	return s, nil
}

// runStatus works out the state of one run.
func runStatus(dir string, e Entry, t *TaskRecord, view *SlurmView) RunStatus {
	r := RunStatus{Name: filepath.Base(dir), ID: e.ID, Overrides: e.Overrides, Dir: filepath.Join(dir, e.Dir)}
	if res, ok := results.ReadResultFor(r.Dir, e.ConfigHash); ok {
		r.Result = res
	}
	if m, err := results.ReadMetrics(r.Dir); err == nil {
		r.Epochs = len(m)
	}
	r.Checkpoint = exists(filepath.Join(r.Dir, train.CheckpointFile))
	if t != nil {
		r.Job = t.ID()
		if t.Log != "" {
			r.Log = filepath.Join(dir, t.Log)
		}
	}
	res := r.Result
	if res != nil && res.Status == results.StatusDone {
		r.State, r.Detail = StateDone, fmt.Sprintf("test %.2f%% (val %.2f%%, epoch %d)", res.TestAcc, res.ValAcc, res.BestEpoch)
		return r
	}
	resume := ""
	if r.Checkpoint {
		resume = fmt.Sprintf("; checkpoint after %d epoch(s), submit the sweep again to resume", r.Epochs)
	}
	failure := func() string {
		if res != nil && res.Error != "" {
			return firstLine(res.Error)
		}
		if r.Log != "" {
			return lastLine(r.Log)
		}
		return ""
	}
	if t != nil && view != nil {
		ts, ok := view.Tasks[t.ID()]
		r.SlurmState = ts.State
		switch {
		case ok && ts.Queued():
			r.State, r.Detail = StateQueued, "Slurm: "+ts.State+reason(ts)
			return r
		case ok && ts.Running():
			r.State, r.Detail = StateRunning, fmt.Sprintf("Slurm: %s, %d epoch(s) done", ts.State, r.Epochs)
			return r
		case ok && ts.State == "CANCELLED":
			r.State, r.Detail = StateCancelled, "cancelled in Slurm"+resume
			return r
		case ok && ts.State == "TIMEOUT":
			r.State, r.Detail = StateTimeout, "stopped by its time limit"+resume
			return r
		case ok && ts.State == "COMPLETED":
			r.State, r.Detail = StateFailed, "Slurm says COMPLETED but the run has no finished result"
			if f := failure(); f != "" {
				r.Detail = f
			}
			return r
		case ok:
			r.State, r.Detail = StateFailed, "Slurm: "+ts.State+exitCode(ts)
			if f := failure(); f != "" {
				r.Detail += ": " + f
			}
			return r
		case view.Reached && view.Arrays[t.JobID]:
			r.State, r.Detail = StateCancelled, "cancelled before it started (no longer in Slurm's queue)"+resume
			return r
		case view.Reached && res == nil:
			r.State, r.Detail = StateLost, fmt.Sprintf("Slurm no longer knows task %s and it left no result", t.ID())
			return r
		}
	}
	switch {
	case res != nil && res.Status == results.StatusInterrupted:
		r.State, r.Detail = StateInterrupted, failure()+resume
	case res != nil:
		r.State, r.Detail = StateFailed, failure()
	case t != nil && view != nil && !view.Reached:
		r.State, r.Detail = StateUnknown, "submitted as "+t.ID()+"; Slurm could not be asked"
	default:
		r.State, r.Detail = StatePending, "not run yet"
		if r.Checkpoint {
			r.Detail = strings.TrimPrefix(resume, "; ")
		}
	}
	return r
}

func reason(ts TaskState) string {
	if ts.Reason == "" || ts.Reason == "None" {
		return ""
	}
	return " (" + ts.Reason + ")"
}

func exitCode(ts TaskState) string {
	if ts.ExitCode != "" {
		return ", exit code " + ts.ExitCode
	}
	if ts.Reason != "" && ts.Reason != "None" {
		return " (" + ts.Reason + ")"
	}
	return ""
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// statusOrder is the order of the states in a summary's breakdown.
var statusOrder = []string{StateFailed, StateCancelled, StateTimeout, StateInterrupted, StateLost}

// Summary is the sweep's line in slotlab status: its name, how many runs
// are done, queued, running, failed (broken down when they failed in
// different ways), pending and unknown, the executor with its Slurm jobs,
// and the manifest.
func (s *SweepStatus) Summary() string {
	where := s.Executor
	if len(s.Jobs) > 0 {
		where += ", Slurm job " + strings.Join(s.Jobs, ", ")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d runs: %d done, %d queued, %d running, %d failed", s.Name, len(s.Runs),
		s.Group(StateDone), s.Group(StateQueued), s.Group(StateRunning), s.Group(StateFailed))
	if s.Group(StateFailed) != s.Counts[StateFailed] {
		var parts []string
		for _, st := range statusOrder {
			if n := s.Counts[st]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, st))
			}
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, ", %d pending", s.Group(StatePending))
	if n := s.Counts[StateUnknown]; n > 0 {
		fmt.Fprintf(&b, ", %d unknown", n)
	}
	fmt.Fprintf(&b, "  [%s; %s]", where, s.Manifest)
	return b.String()
}

// ResumeHint is what the status of a sweep with unfinished runs suggests.
func ResumeHint(s *SweepStatus) string {
	if s.Group(StateFailed)+s.Counts[StatePending] == 0 {
		return ""
	}
	return "run the sweep again to run (or submit) only what is missing; finished runs are kept"
}
