package sweep

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// ManifestFile is the sweep manifest's name in OUT/<experiment name>/.
const ManifestFile = "sweep.json"

// Run states in a manifest.
const (
	StatusPending = "pending" // planned, not (yet) run, or interrupted
	StatusDone    = "done"    // trained by this sweep
	StatusCached  = "cached"  // a finished result was already there
	StatusFailed  = "failed"  // see the entry's error and result.json
	StatusQueued  = "queued"  // handed to a cluster scheduler; see the entry's job
)

// Manifest is sweep.json: the runs of the sweeps of one experiment into
// one store, with their overrides and state, so that tables and status
// commands find them. It describes the latest sweep; runs planned by
// earlier sweeps of the same experiment and not by the latest are kept.
type Manifest struct {
	Experiment string   `json:"experiment"`
	File       string   `json:"file"`
	Overrides  []string `json:"overrides,omitempty"`
	Keys       []string `json:"swept_keys"`
	Executor   string   `json:"executor"`
	StartedAt  string   `json:"started_at"`
	UpdatedAt  string   `json:"updated_at"`
	Counts     Counts   `json:"counts"`
	Runs       []Entry  `json:"runs"`
}

// Counts are the number of runs in each state.
type Counts struct {
	Total   int `json:"total"`
	Done    int `json:"done"`
	Cached  int `json:"cached"`
	Failed  int `json:"failed"`
	Queued  int `json:"queued,omitempty"`
	Pending int `json:"pending"`
}

// Entry is one run of a manifest.
type Entry struct {
	ID         string `json:"id"`
	ConfigHash string `json:"config_hash"`
	// Dir is the run directory relative to the manifest's directory.
	Dir       string   `json:"dir"`
	Overrides []string `json:"overrides"`
	Status    string   `json:"status"`
	// Job is the Slurm array task that runs or ran it (12_3), for runs
	// queued by the slurm executor.
	Job   string `json:"slurm_job,omitempty"`
	Error string `json:"error,omitempty"`
	// TestAcc is the test accuracy at the best validation epoch (%), for
	// finished runs.
	TestAcc *float64 `json:"test_acc,omitempty"`
	Seconds float64  `json:"seconds,omitempty"`
}

// ReadManifest reads OUT/<name>/sweep.json.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}

// ManifestPath is where the manifest of an experiment lives in a store.
func ManifestPath(out, name string) string {
	return filepath.Join(out, name, ManifestFile)
}

// count recomputes the counts from the entries.
func (m *Manifest) count() {
	c := Counts{Total: len(m.Runs)}
	for _, e := range m.Runs {
		switch e.Status {
		case StatusDone:
			c.Done++
		case StatusCached:
			c.Cached++
		case StatusFailed:
			c.Failed++
		case StatusQueued:
			c.Queued++
		default:
			c.Pending++
		}
	}
	m.Counts = c
}
