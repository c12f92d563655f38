package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/data"
	"github.com/slotlab/slotlab/framework/internal/strictyaml"
	"github.com/slotlab/slotlab/framework/nn"
)

// Load reads an experiment file, applies the key=value overrides, fills in
// defaults, loads the architecture, builds the modules it names, and
// validates everything, so that no training starts on a bad config. Every
// error names file:line:column (or the override) and says how to fix it.
func Load(path string, overrides []string) (*Experiment, error) {
	raw, err := ReadExperiment(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, raw, overrides)
}

// ReadExperiment reads an experiment file for Parse, with an error that
// names it.
func ReadExperiment(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read experiment file: %v", errClean(err))}
	}
	return raw, nil
}

// Parse is Load for YAML already in memory; path is used in messages and
// to find the architecture file.
func Parse(path string, raw []byte, overrides []string) (*Experiment, error) {
	src := newSource(path)
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, syntaxError(path, err)
	}
	var root *yaml.Node
	switch {
	case doc.Kind == 0:
		root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	case len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode:
		root = doc.Content[0]
	default:
		n := doc.Content[0]
		return nil, &Error{File: path, Line: n.Line, Column: n.Column, Msg: "an experiment file is a mapping of keys (name, dataset, architecture, k, train, ...), not " + strictyaml.KindName(n)}
	}
	for _, s := range overrides {
		o, err := ParseOverride(s)
		if err != nil {
			return nil, err
		}
		if err := o.apply(root, src); err != nil {
			return nil, err
		}
	}
	e := Default()
	e.Path, e.Src = path, src
	if errs := decodeStrict(src, "", root, &e); len(errs) > 0 {
		return nil, errs
	}
	if e.Name == "" {
		e.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if errs := e.resolve(); len(errs) > 0 {
		return nil, errs
	}
	return &e, nil
}

func (e *Experiment) resolve() ErrorList {
	var errs ErrorList
	bad := func(path, format string, args ...any) {
		errs = append(errs, e.Src.Errorf(path, format, args...))
	}
	ds, ok := data.Lookup(e.Dataset)
	if ok {
		e.Dataset = ds.Name // an alias (cifar-10) is hashed as the name
	} else {
		names := data.DatasetNames()
		if e.Dataset == "" {
			bad("dataset", "missing key \"dataset\": say which data to train on (%s)", strings.Join(names, " or "))
		} else {
			bad("dataset", "unknown dataset %q%s", e.Dataset, didYouMean(e.Dataset, names))
		}
	}
	if a, aerrs := e.Architecture.load(e.Src, e.Path); len(aerrs) > 0 {
		errs = append(errs, aerrs...)
	} else {
		e.Arch = a
		if in := ds.Input; ok && (a.Input[0] != in[0] || a.Input[1] != in[1] || a.Input[2] != in[2]) {
			bad("architecture", "architecture %s takes input %v but %s gives %v; use an architecture made for %s", a.Name, a.Input, e.Dataset, in[:], e.Dataset)
		}
		if n := ds.Classes; ok && a.Classes != n {
			// Placed in the architecture's own file (or inline block), at
			// its classes key: training would meet label ≥ classes.
			errs = append(errs, a.At("classes", "architecture %s declares classes: %d but %s has %d classes (labels 0..%d); set classes: %d and end the last layer in out: %d", a.Name, a.Classes, e.Dataset, n, n-1, n, n))
		}
	}
	switch e.Method {
	case framework.MethodSlot, framework.MethodLearned:
	case framework.MethodFinetune:
		f := &e.Finetune
		if f.SlotEpochs < 1 || f.SlotEpochs >= e.Train.Epochs {
			bad("finetune.slot_epochs", "method finetune needs finetune.slot_epochs between 1 and train.epochs−1 (%d), not %d", e.Train.Epochs-1, f.SlotEpochs)
		}
		if !(f.LearningRate > 0) || math.IsInf(f.LearningRate, 0) {
			bad("finetune.learning_rate", "finetune.learning_rate must be positive, not %v", f.LearningRate)
		}
		errs = append(errs, e.checkSchedule(&f.Schedule, "finetune.schedule")...)
	default:
		bad("method", "method must be slot, learned or finetune, not %q", e.Method)
	}
	if err := framework.CheckK(e.K); err != nil {
		bad("k", "%v", err)
	}
	if e.Seed < 0 {
		bad("seed", "seed must be ≥ 0")
	}
	switch e.Storage {
	case "stored", "regenerated":
	default:
		bad("storage", "storage must be stored or regenerated, not %q", e.Storage)
	}
	switch e.Winograd {
	case "f2", "f4":
	default:
		bad("winograd", "winograd must be f2 (F(2×2, 3×3)) or f4 (F(4×4, 3×3)), not %q", e.Winograd)
	}
	switch e.LearnedInit {
	case nn.LearnedInitWeights, nn.LearnedInitOneOfK:
	default:
		bad("learned_init", "learned_init must be weights or one_of_k, not %q", e.LearnedInit)
	}
	t := &e.Train
	if t.Epochs < 1 {
		bad("train.epochs", "train.epochs must be at least 1, not %d", t.Epochs)
	}
	if t.BatchSize < 1 {
		bad("train.batch_size", "train.batch_size must be at least 1, not %d", t.BatchSize)
	}
	if t.EvalBatchSize < 0 {
		bad("train.eval_batch_size", "train.eval_batch_size must be ≥ 0 (0 means the training batch size)")
	}
	if t.EvalBatchSize == 0 {
		t.EvalBatchSize = t.BatchSize
	}
	if t.CheckpointEvery < 0 {
		bad("train.checkpoint_every", "train.checkpoint_every must be ≥ 0")
	}
	o := &t.Optimizer
	if o.Name != "sgd" {
		bad("train.optimizer.name", "optimizer %q is not available; slotlab trains with sgd (momentum and weight decay are its options)", o.Name)
	}
	// auto values are resolved once the modules are built (resolveAuto).
	if !o.LearningRate.Auto && (!(o.LearningRate.Value > 0) || math.IsInf(o.LearningRate.Value, 0)) {
		bad("train.optimizer.learning_rate", "learning_rate must be a positive number or auto, not %v", o.LearningRate.Value)
	}
	if !(o.Momentum >= 0 && o.Momentum < 1) {
		bad("train.optimizer.momentum", "momentum must be in [0, 1), not %v", o.Momentum)
	}
	if !o.WeightDecay.Auto && (!(o.WeightDecay.Value >= 0) || math.IsInf(o.WeightDecay.Value, 0)) {
		bad("train.optimizer.weight_decay", "weight_decay must be ≥ 0 or auto, not %v", o.WeightDecay.Value)
	}
	if o.Nesterov && o.Momentum == 0 {
		bad("train.optimizer.nesterov", "nesterov needs momentum > 0")
	}
	errs = append(errs, e.checkSchedule(&t.Schedule, "train.schedule")...)
	errs = append(errs, e.checkReference()...)
	d := &e.Data
	if d.ValFraction == nil && ok {
		v := ds.ValFraction
		d.ValFraction = &v
	}
	if d.ValFraction != nil && !(*d.ValFraction > 0 && *d.ValFraction < 1) {
		bad("data.val_fraction", "val_fraction must be in (0, 1), not %v", *d.ValFraction)
	}
	if d.TrainLimit < 0 {
		bad("data.train_limit", "train_limit must be ≥ 0 (0 = all)")
	}
	if d.TestLimit < 0 {
		bad("data.test_limit", "test_limit must be ≥ 0 (0 = all)")
	}
	if d.Augment.Flip == nil && ok {
		flip := ds.Flip
		d.Augment.Flip = &flip
	}
	if d.Augment.Crop < 0 {
		bad("data.augment.crop", "crop must be ≥ 0 (padding in pixels)")
	}
	if d.Download == nil {
		yes := true
		d.Download = &yes
	}
	if d.Dir != "" && !filepath.IsAbs(d.Dir) {
		// Relative to the experiment file, made absolute so that the
		// resolved config in a run directory still points at it.
		if abs, err := filepath.Abs(filepath.Join(filepath.Dir(e.Path), d.Dir)); err == nil {
			d.Dir = abs
		}
	}
	if e.Sweep.Kind != 0 && e.Sweep.Kind != yaml.MappingNode {
		bad("sweep", "sweep must map config keys to lists of values, e.g. {k: [2, 4, 8], seed: [0, 1]}")
	}
	if len(errs) > 0 {
		return errs
	}
	sc, errs := e.loadPlugins()
	if len(errs) > 0 {
		return errs
	}
	for _, m := range e.moduleRefs() {
		errs = append(errs, m.ref.build(e.Src, m.key, m.kind, sc)...)
	}
	if len(errs) == 0 {
		e.resolveAuto()
	}
	return errs
}

// resolveAuto gives the optimizer's auto values their numbers, which may
// come from the selector (framework.RatePolicy).
func (e *Experiment) resolveAuto() {
	o := &e.Train.Optimizer
	if o.LearningRate.Auto {
		o.LearningRate = LearningRate{Value: e.autoLearningRate()}
	}
	if o.WeightDecay.Auto {
		o.WeightDecay = WeightDecay{Value: e.autoWeightDecay()}
	}
}

// checkSchedule validates a schedule at path and fills its defaults.
func (e *Experiment) checkSchedule(s *Schedule, path string) ErrorList {
	var errs ErrorList
	bad := func(key, format string, args ...any) {
		errs = append(errs, e.Src.Errorf(path+"."+key, format, args...))
	}
	switch s.Type {
	case "constant", "cosine":
	case "multistep":
		if s.Gamma == 0 {
			s.Gamma = 0.1
		}
		if !(s.Gamma > 0 && s.Gamma <= 1) {
			bad("gamma", "gamma must be in (0, 1], not %v", s.Gamma)
		}
		if !increasing(s.Milestones) {
			bad("milestones", "milestones must be positive epochs in increasing order, e.g. [80, 120]")
		}
	case "warm_restarts":
		if !increasing(s.Restarts) {
			bad("restarts", "restarts must be positive epochs in increasing order, e.g. [25, 75]")
		}
	default:
		bad("type", "unknown schedule %q%s", s.Type, didYouMean(s.Type, []string{"constant", "multistep", "cosine", "warm_restarts"}))
	}
	if !(s.MinLR >= 0) {
		bad("min_lr", "min_lr must be ≥ 0")
	}
	return errs
}

// checkReference validates the reference block and fills its default
// metric.
func (e *Experiment) checkReference() ErrorList {
	r := e.Reference
	if r == nil {
		return nil
	}
	var errs ErrorList
	if strings.TrimSpace(r.Source) == "" {
		errs = append(errs, e.Src.Errorf("reference.source", "reference needs a source (where the numbers come from, e.g. \"Aladago & Torresani 2021, Fig. 3\")"))
	}
	if r.Metric == "" {
		r.Metric = "test_acc"
	}
	for i, v := range r.Values {
		at := fmt.Sprintf("reference.values[%d]", i)
		num, ok := v["value"]
		f, isNum := toFloat(num)
		switch {
		case !ok:
			errs = append(errs, e.Src.Errorf(at, "reference value %d has no \"value\" key; write it like {network: lenet-300-100, method: slot GS, k: 8, value: 98.2}", i+1))
		case !isNum || math.IsNaN(f) || math.IsInf(f, 0):
			errs = append(errs, e.Src.Errorf(at, "reference value %d: value must be a number, not %v", i+1, num))
		case len(v) < 2:
			errs = append(errs, e.Src.Errorf(at, "reference value %d names no table key; add the keys of its cell, e.g. network: lenet-300-100, k: 8", i+1))
		}
		for k, x := range v {
			if !ValidKey(k) {
				errs = append(errs, e.Src.Errorf(at, "reference value %d: %q is not a table key (letters, digits, _ and dots)", i+1, k))
			}
			switch x.(type) {
			case map[string]any, []any, nil:
				errs = append(errs, e.Src.Errorf(at, "reference value %d: %s must be a single value", i+1, k))
			}
		}
	}
	return errs
}

func toFloat(x any) (float64, bool) {
	switch v := x.(type) {
	case int:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// autoLearningRate is what learning_rate: auto resolves to: 0.01 for
// learned weights; for slot machines the selector's own rate if it
// declares one (framework.RatePolicy: probabilistic sampling declares 25),
// else the paper's rule for greedy selection, 0.2 for K ≤ 8 and 0.1 above
// (docs/method.md §3).
func (e *Experiment) autoLearningRate() float64 {
	if e.Method == framework.MethodLearned {
		return 0.01
	}
	if p, ok := e.Selector.Module.(framework.RatePolicy); ok {
		if r, ok := p.DefaultRate(e.rateContext()); ok {
			return r
		}
	}
	if e.K <= 8 {
		return 0.2
	}
	return 0.1
}

// autoWeightDecay is what weight_decay: auto resolves to: the selector's
// own decay if it declares one (framework.RatePolicy: probabilistic
// sampling declares 0, docs/reproduction.md), else the paper's 1e-4.
// Learned weights take 1e-4.
func (e *Experiment) autoWeightDecay() float64 {
	if p, ok := e.Selector.Module.(framework.RatePolicy); ok && e.Method != framework.MethodLearned {
		if d, ok := p.DefaultDecay(e.rateContext()); ok {
			return d
		}
	}
	return 1e-4
}

// rateContext is what the selector's rate policy is told of the
// experiment.
func (e *Experiment) rateContext() framework.RateContext {
	c := framework.RateContext{Dataset: e.Dataset, K: e.K, Method: e.Method}
	if e.Arch != nil {
		c.Architecture = e.Arch.Name
	}
	return c
}

func increasing(xs []int) bool {
	for i, x := range xs {
		if x < 1 || (i > 0 && x <= xs[i-1]) {
			return false
		}
	}
	return true
}

// YAML returns the fully resolved experiment, every default written out.
func (e *Experiment) YAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(e); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Hash identifies the run a config describes: a SHA-256 over everything
// that changes its numbers (architecture, method, modules and options, K,
// seed, training and data settings), and nothing that does not (name,
// description, data directory, checkpoint frequency, storage, sweep block).
// A module served by a plugin counts by the binary's file name, not its
// directory (nor the plugins: list), so that moving the plugins keeps the
// run's id while a module of another binary gets its own.
func (e *Experiment) Hash() string {
	c := *e
	c.Name, c.Description = "", ""
	c.Plugins = nil
	for _, r := range []*ModuleRef{&c.Selector, &c.Sharing, &c.Initializers.Weights, &c.Initializers.Scores} {
		if r.Plugin != "" {
			r.Plugin = filepath.Base(r.Plugin)
		}
	}
	c.Data.Dir, c.Data.Download = "", nil
	c.Train.CheckpointEvery = 0
	c.Storage = "" // bit-identical results either way
	if c.Winograd == "f2" {
		c.Winograd = "" // the numbers of configs written before the key existed
	}
	c.Sweep = yaml.Node{}
	c.Reference = nil // published numbers, not part of the run
	if e.Arch != nil {
		a := *e.Arch
		a.Name = ""
		c.Architecture = ArchRef{Spec: &a}
	}
	b, err := yaml.Marshal(c)
	if err != nil {
		panic("config: cannot encode experiment for hashing: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Keys lists every dotted key an experiment accepts, for suggestions and
// documentation.
func Keys() []string {
	var out []string
	var walk func(prefix string, n *yaml.Node)
	d := Default()
	d.Dataset = "mnist"
	var root yaml.Node
	_ = root.Encode(d)
	walk = func(prefix string, n *yaml.Node) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := join(prefix, n.Content[i].Value)
			out = append(out, k)
			if _, module := framework.KindOfKey(k); n.Content[i+1].Kind == yaml.MappingNode && !module {
				walk(k, n.Content[i+1])
			}
		}
	}
	walk("", &root)
	sort.Strings(out)
	return out
}

// suggestPath finds a nested key whose last part matches key (or its usual
// alias), for keys written at the wrong level: "lr" at the top level
// suggests "train.optimizer.learning_rate".
func suggestPath(key string) string {
	want := key
	if a, ok := aliases[key]; ok {
		want = a
	}
	best := ""
	for _, k := range Keys() {
		if i := strings.LastIndexByte(k, '.'); i >= 0 && k[i+1:] == want {
			// The main training settings live under train.; prefer them.
			if best == "" || (strings.HasPrefix(k, "train.") && !strings.HasPrefix(best, "train.")) {
				best = k
			}
		}
	}
	return best
}

// LoadReference reads the reference block of an experiment file (any YAML
// file with a top-level reference: key), checked as Load checks it, and
// returns it as a tree (source, metric, values) for results.Grid.
func LoadReference(path string) (map[string]any, error) {
	raw, err := ReadExperiment(path)
	if err != nil {
		return nil, err
	}
	src := newSource(path)
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, syntaxError(path, err)
	}
	var node *yaml.Node
	if len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		m := doc.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == "reference" {
				node = m.Content[i+1]
			}
		}
	}
	if node == nil {
		return nil, &Error{File: path, Msg: "no reference: block; add one (see docs/method.md §4) or name another file"}
	}
	var r Reference
	if errs := decodeStrict(src, "reference", node, &r); len(errs) > 0 {
		return nil, errs
	}
	e := Experiment{Reference: &r, Src: src}
	if errs := e.checkReference(); len(errs) > 0 {
		return nil, errs
	}
	b, err := yaml.Marshal(&r)
	if err != nil {
		return nil, err
	}
	var tree map[string]any
	if err := yaml.Unmarshal(b, &tree); err != nil {
		return nil, err
	}
	return tree, nil
}
