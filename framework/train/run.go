package train

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/atomicfile"
	"github.com/slotlab/slotlab/framework/codeversion"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/data"
	"github.com/slotlab/slotlab/framework/faultpoint"
	"github.com/slotlab/slotlab/framework/nn"
	"github.com/slotlab/slotlab/framework/nn/gemm"
	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/rng"
)

// Options control a run beyond its config.
type Options struct {
	// Out is the root of the run store (default "runs").
	Out string
	// Progress receives progress; nil means Quiet.
	Progress Progress
	// Logf receives messages (data loading, resuming); nil means silent.
	Logf func(format string, args ...any)
	// Restart ignores an existing result or checkpoint and starts over.
	Restart bool
}

// Outcome is what Run returns besides errors.
type Outcome struct {
	Result *results.Result
	Dir    string
	// Cached is true when the run directory already held a finished result
	// for this config, so nothing was trained.
	Cached bool
}

// Run trains the experiment into its run directory, OUT/<name>/<run id>,
// writing config.yaml first, metrics.jsonl after every epoch and
// result.json at the end. A failed run (bad data, NaN, interruption) still
// gets a result.json with status "failed" and the error, unless it failed
// before training could start. A network that needs more memory than the
// machine has (config.Experiment.CheckMemory) is refused before anything is
// written.
func Run(ctx context.Context, e *config.Experiment, o Options) (*Outcome, error) {
	if o.Out == "" {
		o.Out = "runs"
	}
	if o.Progress == nil {
		o.Progress = Quiet{}
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	hash := e.Hash()
	dir := results.RunDir(o.Out, e.Name, hash)
	out := &Outcome{Dir: dir}
	if !o.Restart {
		if r, ok := results.Finished(dir, hash); ok {
			out.Result, out.Cached = r, true
			return out, nil
		}
	} else {
		for _, f := range []string{CheckpointFile, PrevCheckpointFile, BestFile, results.MetricsFile, results.ResultFile} {
			if err := os.Remove(filepath.Join(dir, f)); err != nil && !os.IsNotExist(err) {
				return out, fmt.Errorf("--restart: %w", err)
			}
		}
	}
	// A network larger than the machine's memory would die of it mid-run
	// ("fatal error: runtime: out of memory", no result): refuse it now,
	// before the run directory or the data are touched.
	if err := e.CheckMemory(); err != nil {
		return out, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return out, fmt.Errorf("creating run directory: %w", err)
	}
	// Temporary files of writes cut short by a kill are never renamed into
	// place; clear them away.
	atomicfile.CleanStale(dir)
	cfg, err := e.YAML()
	if err != nil {
		return out, fmt.Errorf("encoding the resolved config: %w", err)
	}
	if err := results.WriteFileAtomic(filepath.Join(dir, results.ConfigFile), cfg); err != nil {
		return out, fmt.Errorf("writing config: %w", err)
	}
	r := &run{exp: e, opt: o, dir: dir, hash: hash}
	defer closeModules(e)
	res, err := r.execute(ctx)
	out.Result = res
	return out, err
}

// run is one training run in progress.
type run struct {
	exp  *config.Experiment
	opt  Options
	dir  string
	hash string

	net              *nn.Network
	train, val, test *data.Set
	norm             data.Normalization
	aug              data.Augment
	seed             uint64
	epochs           []results.Epoch
	stepSeconds      float64
	samples          int64
	flopsPerStep     float64
	flops            float64 // cumulative training cost
	started          time.Time
	best             int // index into epochs of the best validation accuracy, -1 before any
	perm             []int
	partial          partialEpoch // progress inside the current epoch
	resumed          bool
	startEpoch       int   // epochs done when this process began
	startStep        int64 // steps done when this process began
}

// partialEpoch is the progress of an unfinished epoch, saved in a
// checkpoint taken on interruption so that the epoch ends exactly as it
// would have without one.
type partialEpoch struct {
	Step    int     `json:"step"` // steps done
	LossSum float64 `json:"loss_sum"`
	Correct int     `json:"correct"`
	Seen    int     `json:"seen"`
	Seconds float64 `json:"seconds"`
}

func (r *run) execute(ctx context.Context) (*results.Result, error) {
	r.started = time.Now()
	r.best = -1
	r.seed = uint64(r.exp.Seed)
	if err := r.load(); err != nil {
		return nil, err
	}
	if err := r.build(); err != nil {
		return nil, err
	}
	if err := r.resume(); err != nil {
		return nil, err
	}
	if !r.resumed {
		r.opt.Logf("starting %s fresh: no checkpoint", r.dir)
	}
	faultpoint.Reach(faultpoint.DataLoaded, func() string {
		return fmt.Sprintf("resumed=%v epochs_done=%d steps_done=%d", r.resumed, len(r.epochs), r.net.Steps())
	})
	err := r.loop(ctx)
	res := r.result(err)
	if werr := results.WriteJSON(filepath.Join(r.dir, results.ResultFile), res); werr != nil && err == nil {
		err = fmt.Errorf("writing result: %w", werr)
	}
	return res, err
}

func (r *run) load() error {
	e := r.exp
	train, test, err := data.Load(e.Dataset, data.Options{Dir: e.Data.Dir, Download: *e.Data.Download, Logf: r.opt.Logf})
	if err != nil {
		return err
	}
	train = train.Limit(e.Data.TrainLimit)
	r.test = test.Limit(e.Data.TestLimit)
	if r.train, r.val, err = data.Split(train, *e.Data.ValFraction, r.seed); err != nil {
		return e.Src.Errorf("data.val_fraction", "%v", err)
	}
	if r.train.N < e.Train.BatchSize {
		return e.Src.Errorf("train.batch_size", "batch_size %d is larger than the %d training examples left after the validation split; lower train.batch_size or raise data.train_limit", e.Train.BatchSize, r.train.N)
	}
	if r.val.N == 0 {
		return e.Src.Errorf("data.val_fraction", "the validation split of %d examples is empty; raise data.val_fraction or data.train_limit", train.N)
	}
	r.norm = data.DefaultNormalization(e.Dataset)
	r.aug = data.Augment{Flip: *e.Data.Augment.Flip, Crop: e.Data.Augment.Crop}
	r.opt.Logf("data: %d train, %d validation, %d test examples of %s", r.train.N, r.val.N, r.test.N, e.Dataset)
	return nil
}

func (r *run) build() error {
	e := r.exp
	method := e.Method
	if method == framework.MethodFinetune {
		method = framework.MethodSlot // the first phase; see phase
	}
	net, err := e.BuildNetwork(method, e.Train.BatchSize, e.Train.EvalBatchSize)
	if err != nil {
		return err
	}
	r.net = net
	r.flopsPerStep = StepFLOPs(net.Plan, method, e.K, e.Train.BatchSize)
	return nil
}

// phase switches a fine-tuning run to learned weights when epoch ep (from
// 0) is past the slot-machine epochs, and returns the learning rate's base,
// schedule and span for epoch ep.
func (r *run) phase(ep int) (base float64, s config.Schedule, start, span int, err error) {
	e := r.exp
	if e.Method != framework.MethodFinetune || ep < e.Finetune.SlotEpochs {
		end := e.Train.Epochs
		if e.Method == framework.MethodFinetune {
			end = e.Finetune.SlotEpochs
		}
		return e.Train.Optimizer.LearningRate.Value, e.Train.Schedule, 0, end, nil
	}
	if r.net.Options.Method == framework.MethodSlot {
		if err := r.net.PrepareEval(); err != nil {
			return 0, s, 0, 0, err
		}
		if r.net, err = r.net.ToLearned(); err != nil {
			return 0, s, 0, 0, fmt.Errorf("starting fine-tuning: %w", err)
		}
		r.flopsPerStep = StepFLOPs(r.net.Plan, framework.MethodLearned, e.K, e.Train.BatchSize)
	}
	return e.Finetune.LearningRate, e.Finetune.Schedule, e.Finetune.SlotEpochs, e.Train.Epochs - e.Finetune.SlotEpochs, nil
}

// stepsPerEpoch is the number of full batches; the remainder of a shuffled
// epoch is dropped (it differs every epoch, so every example is used).
func (r *run) stepsPerEpoch() int { return r.train.N / r.exp.Train.BatchSize }

func (r *run) loop(ctx context.Context) error {
	e := r.exp
	steps := r.stepsPerEpoch()
	r.opt.Progress.Begin(e.Name, e.Train.Epochs, steps)
	defer r.opt.Progress.End()
	every := e.Train.CheckpointEvery
	for ep := len(r.epochs); ep < e.Train.Epochs; ep++ {
		if err := r.epoch(ctx, ep, steps); err != nil {
			if errors.Is(err, errInterrupted) {
				if cerr := r.checkpoint(); cerr != nil {
					return fmt.Errorf("%w (and saving a checkpoint failed: %v)", err, cerr)
				}
			}
			return err
		}
		if err := results.WriteMetrics(r.dir, r.epochs); err != nil {
			return fmt.Errorf("writing metrics: %w", err)
		}
		if r.best == ep {
			if err := r.saveBest(); err != nil {
				return err
			}
		}
		if (every > 0 && (ep+1)%every == 0) || ep+1 == e.Train.Epochs {
			if err := r.checkpoint(); err != nil {
				return err
			}
		}
		r.opt.Progress.Epoch(r.epochs[ep], e.Train.Epochs)
	}
	return nil
}

// errInterrupted marks a run stopped by its context (SIGINT, SIGTERM).
var errInterrupted = errors.New("interrupted")

// epoch trains one epoch (ep counts from 0) and evaluates.
func (r *run) epoch(ctx context.Context, ep, steps int) error {
	e := r.exp
	start := time.Now()
	b := e.Train.BatchSize
	if r.perm == nil {
		r.perm = make([]int, r.train.N)
	}
	rng.New(r.seed, "shuffle").Derive(ep).Perm(r.perm)
	augStream := rng.New(r.seed, "augment")
	opt := e.Train.Optimizer
	p := &r.partial
	base, sched, first, span, err := r.phase(ep)
	if err != nil {
		return err
	}
	x, labels := r.net.TrainInput() // after phase, which may replace the network
	rate := func(s int) float64 {
		return LearningRate(sched, base, float64(ep-first)+float64(s)/float64(steps), span)
	}
	lr := rate(p.Step)
	for s := p.Step; s < steps; s++ {
		if ctx.Err() != nil {
			p.Seconds += time.Since(start).Seconds()
			return fmt.Errorf("%w in epoch %d at step %d of %d; run the same command again to resume from here", errInterrupted, ep+1, s, steps)
		}
		idx := r.perm[s*b : (s+1)*b]
		data.FillBatch(x, labels, r.train, idx, r.norm, r.aug, augStream, ep)
		lr = rate(s)
		h := nn.Hyper{LR: float32(lr), Momentum: float32(opt.Momentum), WeightDecay: float32(opt.WeightDecay.Value), Nesterov: opt.Nesterov}
		t0 := time.Now()
		loss, c, err := r.net.TrainStep(h)
		r.stepSeconds += time.Since(t0).Seconds()
		r.flops += r.flopsPerStep
		if err != nil {
			var nf *nn.NonFiniteError
			if errors.As(err, &nf) {
				return fmt.Errorf("epoch %d, step %d: %w", ep+1, s, err)
			}
			return err
		}
		p.LossSum += loss * float64(b)
		p.Correct += c
		p.Seen += b
		p.Step = s + 1
		r.samples += int64(b)
		faultpoint.Reach(faultpoint.Step, func() string {
			return fmt.Sprintf("epoch=%d step_in_epoch=%d steps_done=%d", ep+1, p.Step, r.net.Steps())
		})
		r.opt.Progress.Step(ep+1, s+1, p.LossSum/float64(p.Seen), 100*float64(p.Correct)/float64(p.Seen))
	}
	if err := r.net.PrepareEval(); err != nil {
		return fmt.Errorf("epoch %d: selecting the evaluated network: %w", ep+1, err)
	}
	valLoss, valAcc, err := r.evaluate(r.val)
	if err != nil {
		return err
	}
	testLoss, testAcc, err := r.evaluate(r.test)
	if err != nil {
		return err
	}
	m := results.Epoch{
		Epoch: ep + 1, TrainLoss: p.LossSum / float64(p.Seen), TrainAcc: 100 * float64(p.Correct) / float64(p.Seen),
		ValLoss: valLoss, ValAcc: valAcc, TestLoss: testLoss, TestAcc: testAcc,
		LR: lr, Steps: r.net.Steps(), FLOPs: r.flops,
		Seconds: p.Seconds + time.Since(start).Seconds(),
	}
	r.partial = partialEpoch{}
	r.epochs = append(r.epochs, m)
	if r.best < 0 || m.ValAcc > r.epochs[r.best].ValAcc {
		r.best = len(r.epochs) - 1
	}
	return nil
}

// evaluate returns the mean loss and the accuracy (%) of the evaluated
// network on s.
func (r *run) evaluate(s *data.Set) (float64, float64, error) {
	return Evaluate(r.net, s, r.norm)
}

// Evaluate runs a network's evaluation graph over a whole set (the last
// batch padded) and returns the mean loss and the accuracy in percent. Call
// net.PrepareEval first for a network that is being trained.
func Evaluate(net *nn.Network, s *data.Set, norm data.Normalization) (float64, float64, error) {
	x, labels := net.EvalInput()
	b := len(labels)
	idx := make([]int, b)
	var lossSum float64
	var correct int
	for off := 0; off < s.N; off += b {
		n := min(b, s.N-off)
		for j := 0; j < n; j++ {
			idx[j] = off + j
		}
		data.FillBatch(x, labels, s, idx[:n], norm, data.Augment{}, rng.Stream{}, 0)
		loss, c, err := net.EvalStep(n)
		if err != nil {
			return 0, 0, err
		}
		lossSum += loss * float64(n)
		correct += c
	}
	if s.N == 0 {
		return 0, 0, nil
	}
	return lossSum / float64(s.N), 100 * float64(correct) / float64(s.N), nil
}

// NewResult returns the result.json of the run of an experiment (config
// hash hash) started at started, with status done and what identifies the
// run (names, K, seed, host, the config as a tree) but no training numbers
// yet; a sweep records a run that failed before training with it too.
func NewResult(e *config.Experiment, hash string, started time.Time) *results.Result {
	host, _ := os.Hostname()
	res := &results.Result{
		Name: e.Name, RunID: results.RunID(hash), Status: results.StatusDone,
		Dataset: e.Dataset, Method: e.Method,
		Selector: framework.ModuleID(e.Selector.ID).Name(), Sharing: framework.ModuleID(e.Sharing.ID).Name(),
		K: e.K, Seed: e.Seed, ConfigHash: hash,
		StartedAt: started.UTC().Format(time.RFC3339), FinishedAt: time.Now().UTC().Format(time.RFC3339),
		Host: results.Host{Hostname: host, CPUs: runtime.GOMAXPROCS(0), GoVersion: runtime.Version(), GemmKernel: gemm.Backend()},
		Code: codeversion.Current(),
	}
	if e.Arch != nil {
		res.Architecture = e.Arch.Name
	}
	if e.Method != framework.MethodLearned && e.Selector.Module != nil {
		res.SelectorLabel = framework.LabelOf(e.Selector.Module)
	}
	if b, err := e.YAML(); err == nil {
		_ = yaml.Unmarshal(b, &res.Config)
	}
	return res
}

func (r *run) result(err error) *results.Result {
	res := NewResult(r.exp, r.hash, r.started)
	res.Epochs = len(r.epochs)
	res.TrainSeconds = time.Since(r.started).Seconds()
	if r.stepSeconds > 0 {
		res.SamplesPerSecond = float64(r.samples) / r.stepSeconds
	}
	if n := len(r.epochs); n > 0 {
		last := r.epochs[n-1]
		res.FinalValAcc, res.FinalTestAcc, res.FinalLoss, res.TrainFLOPs = last.ValAcc, last.TestAcc, last.TrainLoss, last.FLOPs
	}
	res.Start = results.Start{Resumed: r.resumed, FromEpoch: r.startEpoch, FromStep: r.startStep}
	if r.net != nil {
		res.Start.StepsThisProcess = r.net.Steps() - r.startStep
	}
	if r.best >= 0 {
		b := r.epochs[r.best]
		res.BestEpoch, res.ValAcc, res.TestAcc = b.Epoch, b.ValAcc, b.TestAcc
	}
	switch {
	case errors.Is(err, errInterrupted):
		res.Status, res.Error = results.StatusInterrupted, err.Error()
	case err != nil:
		res.Status, res.Error = results.StatusFailed, err.Error()
	}
	return res
}

// closeModules releases what modules hold (an external plugin's shared
// memory) once a run is over.
func closeModules(e *config.Experiment) {
	for _, m := range []framework.Module{e.Selector.Module, e.Sharing.Module, e.Initializers.Weights.Module, e.Initializers.Scores.Module} {
		_ = framework.Close(m)
	}
}
