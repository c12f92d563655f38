// Package export writes a trained network out of its run directory, and
// reads it back to evaluate it.
//
// Two formats:
//
//   - slot: what defines a trained slot machine and nothing else. The
//     candidate weights are not stored: they are regenerated from the seed
//     with the named counter-based generator and the initializers of the
//     embedded config. Each connection's choice takes ⌈log₂ K⌉ bits.
//     Layout: the 16-byte magic "SLOTLAB-SLOT\x00v1\n", a uint32 length and
//     a JSON header (generator, resolved config, layers with their bit
//     widths, batch-norm tensors, the run it came from), the packed
//     selections of every layer in order (little-endian bit order, each
//     layer starting on a byte), the batch-norm statistics as float32, and
//     a CRC-32 (IEEE) of everything before it.
//   - dense: the selected (or learned) weights as float32 in safetensors
//     (https://huggingface.co/docs/safetensors): an 8-byte little-endian
//     header length, a JSON header naming every tensor with dtype "F32",
//     shape and byte offsets, then the data. Dense weights are named by
//     layer ("dense0", shape [out, in]; "conv0", shape [F, C, KH, KW]),
//     batch-norm statistics "bn.<layer index>.mean" and ".var"; the
//     metadata holds the resolved config ("config") and "format":
//     "slotlab-dense/v1". PyTorch reads it with safetensors.torch.load_file.
package export

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/checkpoint"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/nn"
	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/rng"
	"github.com/slotlab/slotlab/framework/train"
)

// Origin says which run an exported network came from.
type Origin struct {
	Name    string  `json:"name"`
	RunID   string  `json:"run_id"`
	Epoch   int     `json:"epoch"`
	TestAcc float64 `json:"test_acc"`
	ValAcc  float64 `json:"val_acc"`
}

// loaded is a run's best network, built and set up for evaluation.
type loaded struct {
	exp    *config.Experiment
	yaml   []byte
	net    *nn.Network
	origin Origin
}

// loadRun rebuilds the best validation epoch's network of a run directory.
func loadRun(dir string) (*loaded, error) {
	cfgPath := filepath.Join(dir, results.ConfigFile)
	raw, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, fmt.Errorf("%s is not a run directory: %w", dir, err)
	}
	e, err := config.Parse(cfgPath, raw, nil)
	if err != nil {
		return nil, err
	}
	res, err := results.ReadResult(dir)
	if err != nil {
		return nil, fmt.Errorf("%s has no result yet (is the run finished?): %w", dir, err)
	}
	var meta train.BestMeta
	bestPath := filepath.Join(dir, train.BestFile)
	ts, err := checkpoint.Read(bestPath, &meta)
	if err != nil {
		return nil, fmt.Errorf("reading the best network: %w", err)
	}
	if meta.Generator != rng.Generator {
		return nil, fmt.Errorf("%s: its fixed random numbers come from generator %q, this slotlab has %q: evaluate it with the slotlab that trained it", bestPath, meta.Generator, rng.Generator)
	}
	net, err := build(e)
	if err != nil {
		return nil, err
	}
	if err := net.LoadSelection(train.NetworkTensors(ts)); err != nil {
		return nil, fmt.Errorf("%s: %w", bestPath, err)
	}
	return &loaded{exp: e, yaml: raw, net: net,
		origin: Origin{Name: res.Name, RunID: res.RunID, Epoch: meta.Epoch, TestAcc: res.TestAcc, ValAcc: res.ValAcc}}, nil
}

// build makes the network an experiment describes, for evaluation only. A
// fine-tuned run ends with learned weights.
func build(e *config.Experiment) (*nn.Network, error) {
	method := e.Method
	if method == framework.MethodFinetune {
		method = framework.MethodLearned
	}
	return e.BuildNetwork(method, 1, e.Train.EvalBatchSize)
}

// Export writes a run's best network to out in format "slot" or "dense".
func Export(runDir, format, out string) (Origin, error) {
	l, err := loadRun(runDir)
	if err != nil {
		return Origin{}, err
	}
	var b []byte
	switch format {
	case "slot":
		if len(l.net.Slots) == 0 {
			return Origin{}, fmt.Errorf("%s trained learned weights (method %s): only --format dense applies", runDir, l.exp.Method)
		}
		b, err = encodeSlot(l)
	case "dense":
		b, err = encodeDense(l)
	default:
		return Origin{}, fmt.Errorf("unknown format %q: use slot or dense", format)
	}
	if err != nil {
		return Origin{}, err
	}
	return l.origin, results.WriteFileAtomic(out, b)
}
