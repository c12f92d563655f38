// Package config reads slotlab's YAML experiment and architecture files:
// strict decoding with file:line:column errors, dotted key=value overrides,
// the paper's defaults, validation before any work starts, and the hash that
// names a run.
package config

import (
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn"
)

// Experiment is one experiment file, fully resolved after Load: every
// default filled in and every module built.
type Experiment struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	// Dataset names a dataset registered with framework/data (mnist,
	// cifar10, ...); an alias is resolved to the name.
	Dataset string `yaml:"dataset"`
	// Architecture names the network: the path of an architecture file
	// relative to the experiment file, the bare name of a file in
	// architectures/, or the architecture itself written inline.
	Architecture ArchRef `yaml:"architecture"`
	// Method is slot (train scores, weights fixed), learned (train
	// ordinary weights) or finetune (train scores for finetune.slot_epochs,
	// then the selected weights as ordinary weights for the rest).
	Method framework.Method `yaml:"method"`
	// K is the number of candidate weights per connection.
	K int `yaml:"k"`
	// Plugins are plugin binaries whose modules the experiment may name
	// like built-in ones, as paths relative to the experiment file (made
	// absolute by Load). Plugins in the directories of SLOTLAB_PLUGIN_PATH
	// need no listing.
	Plugins      []string     `yaml:"plugins,omitempty"`
	Selector     ModuleRef    `yaml:"selector"`
	Sharing      ModuleRef    `yaml:"sharing"`
	Initializers Initializers `yaml:"initializers"`
	// LearnedInit says how a learned network starts: "weights" draws every
	// weight from the weight initializer; "one_of_k" draws K candidates per
	// connection and picks one at random, as the official code does.
	LearnedInit nn.LearnedInit `yaml:"learned_init"`
	Seed        int64          `yaml:"seed"`
	// Storage is "stored" (keep a slot machine's fixed random numbers, its
	// candidate weights and initial scores, in memory) or "regenerated"
	// (draw them again from the seed whenever they are needed: no memory for
	// them, more computation). Training is bit-identical either way.
	Storage string `yaml:"storage"`
	// Winograd is the Winograd variant of the 3×3 stride-1 convolutions'
	// passes: "f2" (F(2×2, 3×3), the default) or
	// "f4" (F(4×4, 3×3) where it measured faster, Winograd by transform
	// GEMMs on outputs of 6×6 and less, F(2×2) or im2col elsewhere: fewer
	// multiplications, a larger float32 error, other roundings, so other
	// numbers than f2 from the same seed). f2 hashes as
	// configs written before the key existed, so their runs keep their ids.
	Winograd string `yaml:"winograd,omitempty"`
	Train    Train  `yaml:"train"`
	// Finetune configures method finetune.
	Finetune Finetune `yaml:"finetune"`
	Data     Data     `yaml:"data"`
	// Sweep maps config paths to lists of values; the runs are their
	// Cartesian product. Empty for a single run.
	Sweep yaml.Node `yaml:"sweep,omitempty"`
	// Reference holds published numbers that slotlab table prints beside
	// the measured ones. It does not change a run (it is not hashed).
	Reference *Reference `yaml:"reference,omitempty"`

	// Arch is the loaded architecture (the same as Architecture.Spec).
	Arch *Architecture `yaml:"-"`
	// Path is the experiment file.
	Path string `yaml:"-"`
	// Src locates every value for error messages.
	Src *Source `yaml:"-"`
}

// Reference is a block of published results, for example the paper's
// table, keyed like the cells of a results table:
//
//	reference:
//	  source: Aladago & Torresani 2021, Fig. 3 (read off the plot, ±0.1)
//	  metric: test_acc
//	  values:
//	    - {network: lenet-300-100, method: slot GS, k: 8, value: 98.2}
//	    - {network: lenet-300-100, method: learned, value: 98.0}
//
// Every key of a value other than "value" is a table key (see slotlab
// table: network, method, k, selector, seed, dotted config paths); a cell
// takes the first value whose keys all equal those of every run in it.
type Reference struct {
	Source string `yaml:"source"`
	// Metric is the result field the values are (default test_acc).
	Metric string           `yaml:"metric"`
	Values []map[string]any `yaml:"values"`
}

// Finetune is the second phase of method finetune: after SlotEpochs epochs
// of slot-machine training, the selected weights are trained as ordinary
// weights for the remaining train.epochs − SlotEpochs epochs, with fresh
// momentum, this learning rate and this schedule (spanning the second
// phase), and train.optimizer's momentum and weight decay.
type Finetune struct {
	SlotEpochs   int      `yaml:"slot_epochs"`
	LearningRate float64  `yaml:"learning_rate"`
	Schedule     Schedule `yaml:"schedule"`
}

// Initializers names the initializer of the fixed candidate weights and of
// the scores.
type Initializers struct {
	Weights ModuleRef `yaml:"weights"`
	Scores  ModuleRef `yaml:"scores"`
}

// Train holds the optimisation settings.
type Train struct {
	Epochs    int `yaml:"epochs"`
	BatchSize int `yaml:"batch_size"`
	// EvalBatchSize is the batch size of evaluation; 0 means BatchSize.
	EvalBatchSize int       `yaml:"eval_batch_size"`
	Optimizer     Optimizer `yaml:"optimizer"`
	Schedule      Schedule  `yaml:"schedule"`
	// CheckpointEvery writes a checkpoint every this many epochs (default 1;
	// 0: only at the end and on interruption).
	CheckpointEvery int `yaml:"checkpoint_every"`
}

// Optimizer is SGD with momentum and weight decay, applied to the scores of
// a slot machine or the weights of a learned network.
type Optimizer struct {
	Name         string       `yaml:"name"`
	LearningRate LearningRate `yaml:"learning_rate"`
	Momentum     float64      `yaml:"momentum"`
	WeightDecay  WeightDecay  `yaml:"weight_decay"`
	Nesterov     bool         `yaml:"nesterov"`
}

// Schedule is the learning-rate schedule.
type Schedule struct {
	// Type is constant, multistep, cosine or warm_restarts.
	Type string `yaml:"type"`
	// Milestones are the epochs at which multistep multiplies the rate by
	// Gamma.
	Milestones []int   `yaml:"milestones,omitempty"`
	Gamma      float64 `yaml:"gamma,omitempty"`
	// Restarts are the epochs at which warm_restarts starts a new cosine
	// cycle from the full rate (SGDR); the paper uses 25 and 75.
	Restarts []int `yaml:"restarts,omitempty"`
	// MinLR is the floor of cosine annealing.
	MinLR float64 `yaml:"min_lr"`
}

// Data says where the data comes from and how it is split and augmented.
type Data struct {
	// Dir is a directory holding the dataset files; empty means
	// $SLOTLAB_DATA, then the built-in search (see framework/data).
	Dir string `yaml:"dir"`
	// Download allows fetching the dataset from its canonical source.
	Download *bool `yaml:"download"`
	// ValFraction is the share of the training set held out for model
	// selection; default the dataset's (data.Dataset.ValFraction): 0.15
	// for MNIST and 0.1 for CIFAR-10, as the paper.
	ValFraction *float64 `yaml:"val_fraction"`
	// TrainLimit and TestLimit keep only the first N examples (0: all).
	TrainLimit int     `yaml:"train_limit"`
	TestLimit  int     `yaml:"test_limit"`
	Augment    Augment `yaml:"augment"`
}

// Augment holds the training-set augmentation.
type Augment struct {
	// Flip is a random horizontal flip; default the dataset's
	// (data.Dataset.Flip): on for CIFAR-10.
	Flip *bool `yaml:"flip"`
	// Crop is a random crop after zero padding of this many pixels.
	Crop int `yaml:"crop"`
}

// LearningRate is a number, or "auto" for the paper's rule: greedy
// selection 0.2 for K ≤ 8 and 0.1 above, probabilistic sampling 25, learned
// weights 0.01.
type LearningRate struct {
	Auto  bool
	Value float64
}

// UnmarshalYAML accepts a positive number or "auto".
func (lr *LearningRate) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Value == "auto" {
		*lr = LearningRate{Auto: true}
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if v, err := strconv.ParseFloat(n.Value, 64); err == nil {
			*lr = LearningRate{Value: v}
			return nil
		}
	}
	return fmt.Errorf("learning_rate must be a number or \"auto\", not %q", n.Value)
}

// MarshalYAML writes the number, or "auto" if it was never resolved.
func (lr LearningRate) MarshalYAML() (any, error) {
	if lr.Auto {
		return "auto", nil
	}
	return lr.Value, nil
}

// WeightDecay is a number, or "auto" for the rule that reproduces the
// paper's numbers (docs/reproduction.md): 1e-4, except 0 for probabilistic
// sampling, whose learning rate (25) would make a decay of 1e-4 shrink
// every score by lr·wd/(1−momentum) = 2.5% per step.
type WeightDecay struct {
	Auto  bool
	Value float64
}

// UnmarshalYAML accepts a number or "auto".
func (wd *WeightDecay) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Value == "auto" {
		*wd = WeightDecay{Auto: true}
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if v, err := strconv.ParseFloat(n.Value, 64); err == nil {
			*wd = WeightDecay{Value: v}
			return nil
		}
	}
	return fmt.Errorf("weight_decay must be a number or \"auto\", not %q", n.Value)
}

// MarshalYAML writes the number, or "auto" if it was never resolved.
func (wd WeightDecay) MarshalYAML() (any, error) {
	if wd.Auto {
		return "auto", nil
	}
	return wd.Value, nil
}

// Default returns an experiment holding the defaults that reproduce the
// paper's numbers (docs/method.md §3, docs/reproduction.md).
func Default() Experiment {
	yes := true
	return Experiment{
		Method:      framework.MethodSlot,
		K:           8,
		Selector:    ModuleRef{ID: "selectors.greedy"},
		Sharing:     ModuleRef{ID: "sharing.per_connection"},
		LearnedInit: nn.LearnedInitWeights,
		Storage:     "stored",
		Winograd:    "f2",
		Initializers: Initializers{
			Weights: ModuleRef{ID: "initializers.glorot_uniform"},
			Scores:  ModuleRef{ID: "initializers.scaled_uniform"},
		},
		Train: Train{
			Epochs:    200,
			BatchSize: 128,
			Optimizer: Optimizer{
				Name:         "sgd",
				LearningRate: LearningRate{Auto: true},
				Momentum:     0.9,
				WeightDecay:  WeightDecay{Auto: true},
			},
			Schedule:        Schedule{Type: "warm_restarts", Restarts: []int{25, 75}},
			CheckpointEvery: 1,
		},
		Data:     Data{Download: &yes},
		Finetune: Finetune{LearningRate: 0.01, Schedule: Schedule{Type: "cosine"}},
	}
}

// NetworkOptions returns what the engine needs besides the spec to build
// the experiment's network (its modules, K, seed, start of learned weights
// and storage of the fixed numbers) for a method and batch sizes, which a
// run's phase or a tool may choose apart from the experiment's.
func (e *Experiment) NetworkOptions(method framework.Method, batch, evalBatch int) nn.Options {
	return nn.Options{
		Method: method, K: e.K, Seed: uint64(e.Seed),
		Batch: batch, EvalBatch: evalBatch,
		Selector:    e.Selector.Module.(framework.Selector),
		Sharing:     e.Sharing.Module.(framework.Sharing),
		WeightInit:  e.Initializers.Weights.Module.(framework.Initializer),
		ScoreInit:   e.Initializers.Scores.Module.(framework.Initializer),
		LearnedInit: e.LearnedInit,
		Regenerate:  e.Storage == "regenerated",
		Winograd4:   e.Winograd == "f4",
	}
}

// BuildNetwork builds the experiment's network for a method and batch
// sizes (NetworkOptions), errors about the architecture placed in its file.
func (e *Experiment) BuildNetwork(method framework.Method, batch, evalBatch int) (*nn.Network, error) {
	n, err := nn.Build(e.Arch.Spec(), e.NetworkOptions(method, batch, evalBatch))
	if err != nil {
		return nil, e.Arch.Place(err)
	}
	return n, nil
}
