package train

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/checkpoint"
	"github.com/slotlab/slotlab/framework/nn"
	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/rng"
)

// Files a run keeps besides config, metrics and result.
const (
	// CheckpointFile is the latest training state, for resuming.
	CheckpointFile = "checkpoint.bin"
	// PrevCheckpointFile is the training state before the latest, kept so
	// that a damaged CheckpointFile costs the epochs since, not the run.
	PrevCheckpointFile = "checkpoint.prev.bin"
	// DamagedSuffix is appended to a checkpoint found damaged on resume:
	// it is moved aside, never loaded and never deleted.
	DamagedSuffix = ".damaged"
	// BestFile is the evaluated network of the best validation epoch: the
	// selection of every slot layer (or the learned weights) and the
	// batch-norm statistics.
	BestFile = "best.bin"
)

// ckptMeta is the metadata of a checkpoint. Every random stream of a run is
// counter-based (derived from the seed, the epoch and the step), so the
// epoch and step are all the random state there is; the candidate weights
// are regenerated from the seed.
type ckptMeta struct {
	ConfigHash  string          `json:"config_hash"`
	Generator   string          `json:"generator"`
	Steps       int64           `json:"steps"`
	Epochs      []results.Epoch `json:"epochs"`
	Best        int             `json:"best"`
	Partial     partialEpoch    `json:"partial"`
	StepSeconds float64         `json:"step_seconds"`
	Samples     int64           `json:"samples"`
	FLOPs       float64         `json:"flops"`
}

// checkpoint saves the training state atomically.
func (r *run) checkpoint() error {
	m := ckptMeta{ConfigHash: r.hash, Generator: rng.Generator, Steps: r.net.Steps(), Epochs: r.epochs, Best: r.best,
		Partial: r.partial, StepSeconds: r.stepSeconds, Samples: r.samples, FLOPs: r.flops}
	if err := checkpoint.Write(filepath.Join(r.dir, CheckpointFile), m, fileTensors(r.net.State()), filepath.Join(r.dir, PrevCheckpointFile)); err != nil {
		return fmt.Errorf("saving a checkpoint: %w", err)
	}
	return nil
}

// BestMeta is the metadata of a run's BestFile: the run's config hash, the
// generator of its fixed random numbers (rng.Generator), and the epoch
// (from 1) whose network it holds.
type BestMeta struct {
	ConfigHash string `json:"config_hash"`
	Generator  string `json:"generator"`
	Epoch      int    `json:"epoch"`
}

// saveBest stores the evaluated network of the current epoch, the best so
// far on the validation set.
func (r *run) saveBest() error {
	m := BestMeta{ConfigHash: r.hash, Generator: rng.Generator, Epoch: len(r.epochs)}
	if err := checkpoint.Write(filepath.Join(r.dir, BestFile), m, fileTensors(r.net.Selection()), ""); err != nil {
		return fmt.Errorf("saving the best network: %w", err)
	}
	return nil
}

// resume continues from the run directory's checkpoint, if there is one.
// A checkpoint that fails its checksum or is cut short is moved aside
// (DamagedSuffix) with a message naming it, and the previous checkpoint is
// tried; with neither usable the run starts over and says so. Bad state is
// never loaded.
func (r *run) resume() error {
	damaged := false
	for _, name := range []string{CheckpointFile, PrevCheckpointFile} {
		path := filepath.Join(r.dir, name)
		var m ckptMeta
		ts, err := checkpoint.Read(path, &m)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		var bad *checkpoint.Error
		if errors.As(err, &bad) {
			aside := path + DamagedSuffix
			if rerr := os.Rename(path, aside); rerr != nil {
				return fmt.Errorf("%w (and moving it aside failed: %v)", err, rerr)
			}
			r.opt.Logf("checkpoint %s is damaged (%s): moved to %s, not loaded", path, bad.Problem, aside)
			damaged = true
			continue
		}
		if err != nil {
			return err
		}
		if err := r.restore(path, m, ts); err != nil {
			return err
		}
		if name == PrevCheckpointFile {
			r.opt.Logf("resuming from the previous checkpoint %s: the latest is missing or damaged, so the epochs after it are trained again", path)
		}
		return nil
	}
	if damaged {
		r.opt.Logf("no usable checkpoint in %s: starting the run over", r.dir)
	}
	return nil
}

// restore loads a verified checkpoint's state into the run.
func (r *run) restore(path string, m ckptMeta, ts map[string]checkpoint.Tensor) error {
	if m.ConfigHash != r.hash {
		return fmt.Errorf("%s belongs to another config (hash %.12s, this one is %.12s); run with --restart to start over", path, m.ConfigHash, r.hash)
	}
	if m.Generator != rng.Generator {
		return fmt.Errorf("%s was written with random generator %q, this slotlab uses %q; run with --restart", path, m.Generator, rng.Generator)
	}
	if e := r.exp; e.Method == framework.MethodFinetune && len(m.Epochs) >= e.Finetune.SlotEpochs {
		// The checkpoint is from the learned phase: switch first, then
		// restore the learned weights over the ones the switch made.
		if _, _, _, _, err := r.phase(len(m.Epochs)); err != nil {
			return err
		}
	}
	if err := r.net.Restore(NetworkTensors(ts), m.Steps); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	r.epochs, r.best, r.partial = m.Epochs, m.Best, m.Partial
	r.stepSeconds, r.samples, r.flops = m.StepSeconds, m.Samples, m.FLOPs
	r.resumed = true
	r.startEpoch, r.startStep = len(m.Epochs), m.Steps
	r.opt.Logf("resuming %s from its checkpoint: %d epochs and %d steps done (%d into the unfinished epoch)", r.dir, len(m.Epochs), m.Steps, m.Partial.Step)
	return nil
}

// fileTensors are a network's tensors (nn.State, nn.Selection) as the
// checkpoint format writes them; they share the network's memory.
func fileTensors(ts []nn.Tensor) []checkpoint.Tensor {
	out := make([]checkpoint.Tensor, len(ts))
	for i, t := range ts {
		out[i] = checkpoint.Tensor(t)
	}
	return out
}

// NetworkTensors are tensors read from a checkpoint (checkpoint.bin,
// best.bin) as the network restores them.
func NetworkTensors(ts map[string]checkpoint.Tensor) map[string]nn.Tensor {
	out := make(map[string]nn.Tensor, len(ts))
	for k, t := range ts {
		out[k] = nn.Tensor(t)
	}
	return out
}
