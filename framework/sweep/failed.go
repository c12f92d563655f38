package sweep

import (
	"os"
	"path/filepath"
	"time"

	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/train"
)

// recordFailure makes sure a failed run's directory holds a result.json
// with status "failed" and the error. train.Run writes one when training
// fails; a run that failed before training (missing data, a batch larger
// than the data) has none, and gets one here, so that tables count it and
// the next sweep retries it. A result.json of an interrupted run (a Slurm
// task stopped by its time limit) is kept: its checkpoint resumes it.
func recordFailure(j *Job, runErr error) (*results.Result, error) {
	if r, ok := results.ReadResultFor(j.Dir, j.Run.Hash); ok && (r.Status == results.StatusFailed || r.Status == results.StatusInterrupted) {
		return r, nil
	}
	r := train.NewResult(j.Run.Exp, j.Run.Hash, time.Now())
	r.Status, r.Error = results.StatusFailed, runErr.Error()
	if err := os.MkdirAll(j.Dir, 0o755); err != nil {
		return r, err
	}
	return r, results.WriteJSON(filepath.Join(j.Dir, results.ResultFile), r)
}
