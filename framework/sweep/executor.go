package sweep

import (
	"context"

	"github.com/slotlab/slotlab/framework/results"
)

// Job is one run handed to an executor.
type Job struct {
	Run *Run
	// Out is the root of the run store; the run trains into Dir.
	Out string
	Dir string
	// File is the experiment file, for executors that start `slotlab run`.
	File string
}

// Report is what an executor says about a job when it ends.
type Report struct {
	Job *Job
	// Result is the run's result when the executor has one (a run that
	// failed before training may have none).
	Result *results.Result
	// Cached is true when nothing was trained because the run directory
	// already held a finished result.
	Cached bool
	// Err is the run's error, nil when it finished.
	Err error
	// Queued, when not empty, says that the job was handed to a cluster
	// scheduler and has not ended yet: it is the scheduler's id of the
	// job (a Slurm array task, 12_3). An executor may report a job queued
	// and later report it again when it ends.
	Queued string
}

// Executor runs a sweep's jobs: in this process, as local subprocesses,
// or on a cluster. Execute calls done once for every job that ran, from
// any goroutine (the sweep serialises the calls), and returns when every
// job has ended or, once ctx is cancelled, when the jobs already started
// have ended; jobs never started are not reported. A cluster executor may
// instead report jobs as queued (Report.Queued) and return once they are
// submitted.
//
// An executor may also implement Preparer, to refuse a sweep before
// anything is written, and Failer, to make the sweep fail after Execute.
type Executor interface {
	// Name is how the manifest records the executor.
	Name() string
	Execute(ctx context.Context, jobs []*Job, done func(Report))
}

// Preparer is an Executor that checks the jobs before the sweep writes
// anything (its manifest included): Execute stops with Prepare's error.
type Preparer interface {
	Prepare(jobs []*Job) error
}

// Failer is an Executor that can fail as a whole (a cluster that rejected
// the submission): Execute returns Err's error after the manifest is
// written.
type Failer interface {
	Err() error
}
