package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/slotlab/slotlab/framework/results"
)

// Options control Execute.
type Options struct {
	// Out is the root of the run store (default "runs").
	Out string
	// Executor runs the jobs (default: Local, quiet).
	Executor Executor
	// Log receives one line per run as it ends; nil means silent.
	Log io.Writer
}

// Summary is what a sweep did.
type Summary struct {
	Total, Done, Cached, Failed, Pending int
	// Queued counts the runs handed to a cluster scheduler that have not
	// ended yet (the slurm executor without --wait).
	Queued int
	// Failures are the failed runs with their errors.
	Failures []Failure
	// Manifests are the sweep.json files written.
	Manifests []string
	Elapsed   time.Duration
}

// Failure is a failed run.
type Failure struct {
	Label string
	Dir   string
	Error string
}

// Execute runs a plan: runs whose directory already holds a finished
// result of their config are skipped (cached), the rest go to the
// executor; a failed run is recorded (result.json with status "failed")
// and the others go on. The manifest is rewritten as each run ends. It
// returns an error only when the sweep itself could not go on (ctx
// cancelled, the manifest not writable); failed runs are in the summary.
func Execute(ctx context.Context, p *Plan, o Options) (*Summary, error) {
	if o.Out == "" {
		o.Out = "runs"
	}
	if o.Executor == nil {
		o.Executor = &Local{}
	}
	start := time.Now()
	st := &state{ctx: ctx, plan: p, opt: o, sum: &Summary{Total: len(p.Runs)}, entries: make([]Entry, len(p.Runs))}
	var jobs []*Job
	for i, r := range p.Runs {
		dir := r.Dir(o.Out)
		st.entries[i] = Entry{ID: r.ID(), ConfigHash: r.Hash, Dir: r.ID(), Overrides: r.Overrides, Status: StatusPending}
		if res, ok := results.Finished(dir, r.Hash); ok {
			st.finish(Report{Job: &Job{Run: r, Out: o.Out, Dir: dir, File: p.File}, Result: res, Cached: true})
			continue
		}
		jobs = append(jobs, &Job{Run: r, Out: o.Out, Dir: dir, File: p.File})
	}
	if p, ok := o.Executor.(Preparer); ok {
		if err := p.Prepare(jobs); err != nil {
			return st.sum, err
		}
	}
	if err := st.initManifests(start); err != nil {
		return st.sum, err
	}
	o.Executor.Execute(ctx, jobs, func(rep Report) {
		st.mu.Lock()
		defer st.mu.Unlock()
		st.finish(rep)
		if err := st.writeManifests(); err != nil && st.err == nil {
			st.err = err
		}
	})
	if f, ok := o.Executor.(Failer); ok {
		if err := f.Err(); err != nil && st.err == nil {
			st.err = err
		}
	}
	for _, e := range st.entries {
		if e.Status == StatusQueued {
			st.sum.Queued++
		}
	}
	st.sum.Pending = st.sum.Total - st.sum.Done - st.sum.Cached - st.sum.Failed - st.sum.Queued
	st.sum.Elapsed = time.Since(start)
	if err := st.writeManifests(); err != nil && st.err == nil {
		st.err = err
	}
	if st.err == nil && ctx.Err() != nil {
		st.err = fmt.Errorf("sweep interrupted with %d run(s) not finished; run the sweep again to resume: %w", st.sum.Pending, ctx.Err())
	}
	return st.sum, st.err
}

// state is a sweep in progress.
type state struct {
	mu        sync.Mutex
	ctx       context.Context
	plan      *Plan
	opt       Options
	sum       *Summary
	entries   []Entry
	ended     int
	manifests map[string]*Manifest
	err       error
}

// finish records one ended run: its entry, the counts, a failure's
// result.json, and a line of the log.
func (st *state) finish(rep Report) {
	r := rep.Job.Run
	e := &st.entries[r.Index]
	if rep.Queued != "" {
		e.Status, e.Job, e.Error = StatusQueued, rep.Queued, ""
		if st.opt.Log != nil {
			fmt.Fprintf(st.opt.Log, "queued %s/%s  %s  as job %s\n", r.Exp.Name, r.ID(), r.Label(), rep.Queued)
		}
		return
	}
	res := rep.Result
	interrupted := false
	switch {
	case rep.Err == nil && rep.Cached:
		e.Status = StatusCached
		st.sum.Cached++
	case rep.Err == nil:
		e.Status = StatusDone
		st.sum.Done++
	default:
		e.Error = rep.Err.Error()
		rec, werr := recordFailure(rep.Job, rep.Err)
		if res == nil {
			res = rec
		}
		if werr != nil {
			e.Error += fmt.Sprintf(" (and writing its result.json failed: %v)", werr)
		}
		if st.cancelled(rep.Err) {
			interrupted = true
			e.Status = StatusPending
			break
		}
		e.Status = StatusFailed
		st.sum.Failed++
		st.sum.Failures = append(st.sum.Failures, Failure{Label: r.Label(), Dir: rep.Job.Dir, Error: e.Error})
	}
	if res != nil && res.Status == results.StatusDone {
		acc := res.TestAcc
		e.TestAcc, e.Seconds = &acc, res.TrainSeconds
	}
	st.ended++
	if st.opt.Log == nil {
		return
	}
	what := e.Status
	switch {
	case interrupted:
		what = "interrupted"
	case e.Status == StatusFailed:
		what = "FAILED: " + e.Error
	case res != nil:
		what = fmt.Sprintf("%-6s test %6.2f%%  %.1f s", e.Status, res.TestAcc, res.TrainSeconds)
	}
	n := len(st.plan.Runs)
	fmt.Fprintf(st.opt.Log, "[%*d/%d] %s/%s  %s  %s\n", len(fmt.Sprint(n)), st.ended, n, r.Exp.Name, r.ID(), r.Label(), what)
}

// cancelled reports whether a run ended because the sweep was interrupted
// rather than because it failed.
func (st *state) cancelled(err error) bool {
	return st.ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// initManifests starts the manifest of each experiment name of the plan,
// keeping the entries of earlier sweeps that this one does not plan.
func (st *state) initManifests(start time.Time) error {
	st.manifests = map[string]*Manifest{}
	for _, name := range st.plan.Names() {
		m := &Manifest{
			Experiment: name, File: st.plan.File, Overrides: st.plan.Args.Base, Keys: st.plan.Keys,
			Executor: st.opt.Executor.Name(), StartedAt: start.UTC().Format(time.RFC3339),
		}
		st.manifests[name] = m
	}
	return st.writeManifests()
}

// writeManifests rewrites every manifest of the sweep from the entries.
func (st *state) writeManifests() error {
	now := time.Now().UTC().Format(time.RFC3339)
	for name, m := range st.manifests {
		path := ManifestPath(st.opt.Out, name)
		planned := map[string]bool{}
		m.Runs = m.Runs[:0]
		for i, r := range st.plan.Runs {
			if r.Exp.Name == name {
				m.Runs = append(m.Runs, st.entries[i])
				planned[r.ID()] = true
			}
		}
		if old, err := ReadManifest(path); err == nil {
			for _, e := range old.Runs {
				if !planned[e.ID] {
					m.Runs = append(m.Runs, e)
					planned[e.ID] = true
				}
			}
		}
		m.UpdatedAt = now
		m.count()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := results.WriteJSON(path, m); err != nil {
			return fmt.Errorf("writing the sweep manifest: %w", err)
		}
		if len(st.sum.Manifests) < len(st.manifests) {
			st.sum.Manifests = appendOnce(st.sum.Manifests, path)
		}
	}
	return nil
}

func appendOnce(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}
