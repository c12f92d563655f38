package sweep

import (
	"os"
	"path/filepath"
	"runtime"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/results"
)

// recordFailure makes sure a failed run's directory holds a result.json
// with status "failed" and the error. train.Run writes one when training
// fails; a run that failed before training (missing data, a batch larger
// than the data) has none, and gets one here, so that tables count it and
// the next sweep retries it. A result.json of an interrupted run (a Slurm
// task stopped by its time limit) is kept: its checkpoint resumes it.
func recordFailure(j *Job, runErr error) (*results.Result, error) {
	if r, err := results.ReadResult(j.Dir); err == nil && r.ConfigHash == j.Run.Hash && (r.Status == "failed" || r.Status == "interrupted") {
		return r, nil
	}
	r := failedResult(j.Run, runErr)
	if err := os.MkdirAll(j.Dir, 0o755); err != nil {
		return r, err
	}
	return r, results.WriteJSON(filepath.Join(j.Dir, results.ResultFile), r)
}

// failedResult describes a run that failed before training: what was to be
// trained, and the error.
func failedResult(run *Run, runErr error) *results.Result {
	e := run.Exp
	host, _ := os.Hostname()
	now := time.Now().UTC().Format(time.RFC3339)
	r := &results.Result{
		Name: e.Name, RunID: run.ID(), Status: "failed", Error: runErr.Error(),
		Dataset: e.Dataset, Method: e.Method,
		Selector: framework.ModuleID(e.Selector.ID).Name(), Sharing: framework.ModuleID(e.Sharing.ID).Name(),
		K: e.K, Seed: e.Seed, ConfigHash: run.Hash,
		StartedAt: now, FinishedAt: now,
		Host: results.Host{Hostname: host, CPUs: runtime.GOMAXPROCS(0), GoVersion: runtime.Version()},
	}
	if e.Arch != nil {
		r.Architecture = e.Arch.Name
	}
	if b, err := e.YAML(); err == nil {
		_ = yaml.Unmarshal(b, &r.Config)
	}
	return r
}
