package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// SlurmFile is the record of a sweep's Slurm submissions, beside its
// manifest: OUT/<name>/slurm.json.
const SlurmFile = "slurm.json"

// SlurmRecord is slurm.json: every submission of the experiment's runs to
// Slurm, oldest first.
type SlurmRecord struct {
	Submissions []Submission `json:"submissions"`
}

// Submission is one sbatch of a sweep: a job array whose task i runs line
// i+1 of the task list. Paths are relative to the directory of slurm.json.
type Submission struct {
	// JobID is the array's job id; empty when Slurm rejected the
	// submission (see Error).
	JobID       string   `json:"job_id,omitempty"`
	SubmittedAt string   `json:"submitted_at"`
	Script      string   `json:"script"`
	TaskList    string   `json:"task_list"`
	Sbatch      []string `json:"sbatch"`
	// Error is sbatch's message when it rejected the submission.
	Error string `json:"error,omitempty"`
	// Tasks are the array tasks of this experiment name.
	Tasks []TaskRecord `json:"tasks"`
}

// TaskRecord is one array task: the run it trains and its log.
type TaskRecord struct {
	// Index is the array task id (SLURM_ARRAY_TASK_ID).
	Index      int      `json:"task"`
	JobID      string   `json:"job_id,omitempty"`
	Name       string   `json:"name"`
	Run        string   `json:"run"`
	ConfigHash string   `json:"config_hash"`
	Overrides  []string `json:"overrides"`
	// Log is the task's output file (Slurm's --output).
	Log string `json:"log,omitempty"`
}

// ID is the task's Slurm id, JOBID_TASK.
func (t *TaskRecord) ID() string { return fmt.Sprintf("%s_%d", t.JobID, t.Index) }

// ReadSlurmRecord reads dir/slurm.json; a directory without one has an
// empty record.
func ReadSlurmRecord(dir string) (*SlurmRecord, error) {
	path := filepath.Join(dir, SlurmFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &SlurmRecord{}, nil
	}
	if err != nil {
		return nil, err
	}
	var r SlurmRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// Latest returns the task of the latest accepted submission that runs the
// run with this id, nil when none did.
func (r *SlurmRecord) Latest(run string) *TaskRecord {
	for i := len(r.Submissions) - 1; i >= 0; i-- {
		s := &r.Submissions[i]
		if s.JobID == "" {
			continue
		}
		for k := range s.Tasks {
			if s.Tasks[k].Run == run {
				return &s.Tasks[k]
			}
		}
	}
	return nil
}

// Jobs returns the job ids of the accepted submissions, oldest first.
func (r *SlurmRecord) Jobs() []string {
	var out []string
	for _, s := range r.Submissions {
		if s.JobID != "" {
			out = append(out, s.JobID)
		}
	}
	return out
}

// relative rewrites the submission's paths relative to dir.
func (s *Submission) relative(dir string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return
	}
	rel := func(p string) string {
		if p == "" {
			return p
		}
		if r, err := filepath.Rel(abs, p); err == nil {
			return r
		}
		return p
	}
	s.Script, s.TaskList = rel(s.Script), rel(s.TaskList)
	s.Tasks = append([]TaskRecord(nil), s.Tasks...)
	for i := range s.Tasks {
		s.Tasks[i].Log = rel(s.Tasks[i].Log)
	}
}
