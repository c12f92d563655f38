package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn"
)

// Stand-ins for the built-in modules (framework packages may not import
// plugins), registered under the built-ins' IDs.
type fakeSelector struct {
	Eval string `yaml:"eval"`
}

func (*fakeSelector) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "selectors.greedy", New: func() framework.Module { return &fakeSelector{Eval: "argmax"} }}
}
func (*fakeSelector) Select([]int32, []float32, framework.SelectContext) error { return nil }

type fakeProb struct {
	Eval string `yaml:"eval"`
}

func (*fakeProb) Select([]int32, []float32, framework.SelectContext) error { return nil }

func (*fakeProb) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "selectors.probabilistic", New: func() framework.Module { return &fakeProb{} }}
}

// declares is a selector that declares its training defaults, which
// depend on the experiment: rate 7 up to K = 8, 9 up to K = 16, none
// above; decay 0.5 for lenet-300-100 on MNIST only.
type declares struct{}

func (*declares) Select([]int32, []float32, framework.SelectContext) error { return nil }

func (*declares) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "selectors.declares", New: func() framework.Module { return &declares{} }}
}

func (*declares) DefaultRate(c framework.RateContext) (float64, bool) {
	switch {
	case c.K <= 8:
		return 7, true
	case c.K <= 16:
		return 9, true
	}
	return 0, false
}

func (*declares) DefaultDecay(c framework.RateContext) (float64, bool) {
	return 0.5, c.Dataset == "mnist" && c.Architecture == "lenet-300-100"
}

type fakeInit struct {
	Bound string  `yaml:"bound"`
	Conv  float64 `yaml:"conv"`
	Dense float64 `yaml:"dense"`
	id    framework.ModuleID
}

func (f *fakeInit) SlotlabModule() framework.ModuleInfo {
	id := f.id
	return framework.ModuleInfo{ID: id, New: func() framework.Module { return &fakeInit{Bound: "std", id: id} }}
}
func (*fakeInit) Fill([]float32, framework.TensorInfo) error { return nil }
func (f *fakeInit) Validate() error {
	if f.Bound != "std" && f.Bound != "glorot" {
		return &Error{Msg: "bound must be std or glorot"}
	}
	return nil
}

type fakeSharing struct{}

func (*fakeSharing) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "sharing.per_connection", New: func() framework.Module { return &fakeSharing{} }}
}
func (*fakeSharing) Pool(framework.LayerInfo) (framework.Pool, error) { return framework.Pool{}, nil }

func init() {
	framework.Register(&fakeSelector{})
	framework.Register(&fakeProb{})
	framework.Register(&declares{})
	framework.Register(&fakeInit{id: "initializers.glorot_uniform"})
	framework.Register(&fakeInit{id: "initializers.scaled_uniform"})
	framework.Register(&fakeSharing{})
}

const lenetArch = `name: lenet-300-100
input: [1, 28, 28]
classes: 10
layers:
  - {type: flatten}
  - {type: dense, out: 300}
  - {type: relu}
  - {type: dense, out: 10}
`

const goodExp = `name: lenet
dataset: mnist
architecture: arch.yaml
k: 8
train:
  epochs: 3
  optimizer:
    learning_rate: auto
`

// write puts an experiment and its architecture in a temporary directory.
func write(t *testing.T, exp, arch string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "arch.yaml"), []byte(arch), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "exp.yaml")
	if err := os.WriteFile(p, []byte(exp), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadDefaults(t *testing.T) {
	e, err := Load(write(t, goodExp, lenetArch), nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.K != 8 || e.Train.BatchSize != 128 || e.Train.Optimizer.Momentum != 0.9 || e.Train.Optimizer.WeightDecay.Value != 1e-4 {
		t.Fatalf("paper defaults not applied: %+v", e.Train)
	}
	if e.Train.Optimizer.LearningRate.Value != 0.2 || e.Train.Optimizer.LearningRate.Auto {
		t.Fatalf("auto learning rate for GS, K=8: %+v, want 0.2", e.Train.Optimizer.LearningRate)
	}
	if *e.Data.ValFraction != 0.15 || *e.Data.Augment.Flip {
		t.Fatalf("MNIST data defaults: val %v flip %v", *e.Data.ValFraction, *e.Data.Augment.Flip)
	}
	if e.Selector.ID != "selectors.greedy" || e.Arch.Name != "lenet-300-100" || len(e.Arch.Layers) != 4 {
		t.Fatalf("modules or architecture not resolved: %q %+v", e.Selector.ID, e.Arch)
	}
}

// TestDatasetSpellings checks that a dataset named by an alias or in
// other case resolves to the registered name, with the same run hash and
// that dataset's defaults (framework/data's registry).
func TestDatasetSpellings(t *testing.T) {
	cifarArch := strings.Replace(lenetArch, "[1, 28, 28]", "[3, 32, 32]", 1)
	for _, tc := range []struct {
		arch, name string
		spellings  []string
		val        float64
		flip       bool
	}{
		{lenetArch, "mnist", []string{"MNIST", "Mnist"}, 0.15, false},
		{cifarArch, "cifar10", []string{"CIFAR10", "cifar-10", "CIFAR_10"}, 0.1, true},
	} {
		p := write(t, goodExp, tc.arch)
		want, err := Load(p, []string{"dataset=" + tc.name})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range append([]string{tc.name}, tc.spellings...) {
			e, err := Load(p, []string{"dataset=" + s})
			switch {
			case err != nil:
				t.Errorf("dataset %s: %v", s, err)
			case e.Dataset != tc.name || e.Hash() != want.Hash():
				t.Errorf("dataset %s resolved to %q, hash %.8s; want %q, hash %.8s", s, e.Dataset, e.Hash(), tc.name, want.Hash())
			case *e.Data.ValFraction != tc.val || *e.Data.Augment.Flip != tc.flip:
				t.Errorf("dataset %s: defaults val_fraction %v, flip %v; want %v, %v", s, *e.Data.ValFraction, *e.Data.Augment.Flip, tc.val, tc.flip)
			}
		}
	}
}

func TestAutoLearningRate(t *testing.T) {
	for _, tc := range []struct {
		overrides []string
		want      float64
	}{
		{nil, 0.2},
		{[]string{"k=16"}, 0.1},
		{[]string{"k=2"}, 0.2},
		{[]string{"selector=declares"}, 7},
		{[]string{"selector=declares", "k=16"}, 9},
		{[]string{"selector=declares", "k=32"}, 0.1}, // declares none
		{[]string{"selector=declares", "method=learned"}, 0.01},
		// A selector is not known by its name: this stand-in called
		// probabilistic declares nothing, so it gets the GS rule.
		{[]string{"selector=probabilistic"}, 0.2},
		{[]string{"method=learned"}, 0.01},
		{[]string{"train.optimizer.learning_rate=0.05"}, 0.05},
	} {
		e, err := Load(write(t, goodExp, lenetArch), tc.overrides)
		if err != nil {
			t.Fatalf("%v: %v", tc.overrides, err)
		}
		if got := e.Train.Optimizer.LearningRate.Value; got != tc.want {
			t.Errorf("%v: learning rate %v, want %v", tc.overrides, got, tc.want)
		}
	}
}

// TestAutoWeightDecay checks the decay rule: the paper's 1e-4 unless the
// selector declares its own (the real probabilistic selector declares 0:
// plugins/standard's test), and a number given is kept.
func TestAutoWeightDecay(t *testing.T) {
	for _, tc := range []struct {
		overrides []string
		want      float64
	}{
		{nil, 1e-4},
		{[]string{"k=32"}, 1e-4},
		{[]string{"selector=declares"}, 0.5},
		{[]string{"selector=probabilistic"}, 1e-4},
		{[]string{"method=learned"}, 1e-4},
		{[]string{"method=learned", "selector=declares"}, 1e-4},
		{[]string{"selector=declares", "train.optimizer.weight_decay=0.001"}, 0.001},
		{[]string{"train.optimizer.weight_decay=auto", "selector=declares"}, 0.5},
		{[]string{"train.optimizer.weight_decay=0"}, 0},
	} {
		e, err := Load(write(t, goodExp, lenetArch), tc.overrides)
		if err != nil {
			t.Fatalf("%v: %v", tc.overrides, err)
		}
		if wd := e.Train.Optimizer.WeightDecay; wd.Value != tc.want || wd.Auto {
			t.Errorf("%v: weight decay %+v, want %v", tc.overrides, wd, tc.want)
		}
	}
	if _, err := Load(write(t, goodExp, lenetArch), []string{"train.optimizer.weight_decay=lots"}); err == nil || !strings.Contains(err.Error(), "weight_decay") {
		t.Errorf("weight_decay=lots: error %v, want one naming weight_decay", err)
	}
}

func TestOverrides(t *testing.T) {
	e, err := Load(write(t, goodExp, lenetArch), []string{"k=16", "seed=3", "train.epochs=7", "selector=probabilistic",
		"method=learned", "train.batch_size=64", "data.train_limit=1000", "data.test_limit=500", "selector.eval=sample"})
	if err != nil {
		t.Fatal(err)
	}
	if e.K != 16 || e.Seed != 3 || e.Train.Epochs != 7 || e.Method != "learned" || e.Train.BatchSize != 64 ||
		e.Data.TrainLimit != 1000 || e.Data.TestLimit != 500 || e.Selector.ID != "selectors.probabilistic" {
		t.Fatalf("overrides not applied: %+v", e)
	}
	if e.Selector.Module.(*fakeProb).Eval != "sample" {
		t.Fatalf("module option override not applied: %+v", e.Selector.Module)
	}
}

// TestErrors checks that each kind of mistake gives a message with its
// place (file:line:column, or the override) and a fix.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		exp, arch string
		overrides []string
		want      []string
	}{
		{"syntax", "name: x\ndataset: [mnist\n", lenetArch, nil, []string{"exp.yaml:", "YAML syntax error"}},
		{"unknown key", goodExp + "lr: 0.1\n", lenetArch, nil, []string{"exp.yaml:9:1:", `unknown key "lr"`, `did you mean "train.optimizer.learning_rate"?`}},
		{"unknown nested key", strings.Replace(goodExp, "learning_rate: auto", "lr: 0.1", 1), lenetArch, nil,
			[]string{"exp.yaml:8:5:", `unknown key "lr" in "train.optimizer"; did you mean "learning_rate"?`}},
		{"misspelt key", goodExp + "sead: 1\n", lenetArch, nil, []string{"exp.yaml:9:1:", `did you mean "seed"?`}},
		{"wrong type", strings.Replace(goodExp, "k: 8", "k: eight", 1), lenetArch, nil, []string{"exp.yaml:4:4:", `"k" must be a whole number, not "eight"`}},
		{"list for scalar", strings.Replace(goodExp, "k: 8", "k: [1, 2]", 1), lenetArch, nil, []string{"exp.yaml:4:4:", `"k" must be a whole number, not a list`}},
		{"k < 1", strings.Replace(goodExp, "k: 8", "k: 0", 1), lenetArch, nil, []string{"exp.yaml:4:4:", "k must be at least 1"}},
		{"negative lr", strings.Replace(goodExp, "learning_rate: auto", "learning_rate: -1", 1), lenetArch, nil, []string{"exp.yaml:8:20:", "learning_rate must be a positive number"}},
		{"bad lr string", strings.Replace(goodExp, "learning_rate: auto", "learning_rate: fast", 1), lenetArch, nil, []string{"exp.yaml:8:20:", `learning_rate must be a number or "auto"`}},
		{"split outside (0,1)", goodExp + "data:\n  val_fraction: 1.2\n", lenetArch, nil, []string{"exp.yaml:10:17:", "val_fraction must be in (0, 1)"}},
		{"unknown dataset", strings.Replace(goodExp, "mnist", "mnsit", 1), lenetArch, nil, []string{"exp.yaml:2:10:", `unknown dataset "mnsit"; did you mean "mnist"?`}},
		{"missing architecture", strings.Replace(goodExp, "arch.yaml", "nope.yaml", 1), lenetArch, nil, []string{"exp.yaml:3:15:", `architecture file "nope.yaml" not found`}},
		{"unknown module", goodExp + "selector: gredy\n", lenetArch, nil, []string{"exp.yaml:9:11:", `unknown module "gredy"; did you mean "greedy"?`, "known selectors: declares, greedy, probabilistic"}},
		{"module in wrong namespace", goodExp + "selector: sharing.per_connection\n", lenetArch, nil, []string{"exp.yaml:9:11:", "is not a module of selectors"}},
		{"unknown module option", goodExp + "selector: {id: greedy, evl: sample}\n", lenetArch, nil, []string{"exp.yaml:9:24:", `unknown key "evl" in "selector"; did you mean "eval"?`}},
		{"module validation", goodExp + "initializers:\n  weights: {id: glorot_uniform, bound: wide}\n", lenetArch, nil, []string{"exp.yaml:10:12:", "bound must be std or glorot"}},
		{"bad winograd", goodExp + "winograd: f6\n", lenetArch, nil, []string{"exp.yaml:9:11:", `winograd must be f2 (F(2×2, 3×3)) or f4 (F(4×4, 3×3)), not "f6"`}},
		{"duplicate key", goodExp + "k: 4\n", lenetArch, nil, []string{"exp.yaml:9:1:", `key "k" appears twice`}},
		{"listed plugin missing", goodExp + "plugins: [bin/slotlab-x]\n", lenetArch, nil, []string{"exp.yaml:9:11:", "plugin bin/slotlab-x: no such file (plugins: paths are relative to the experiment file"}},
		{"listed plugin empty", goodExp + "plugins: ['']\n", lenetArch, nil, []string{"exp.yaml:9:11:", "plugin path is empty"}},
		{"listed plugin, no plugin host", goodExp + "plugins: [arch.yaml]\n", lenetArch, nil, []string{"exp.yaml:9:11:", "external plugins are not available in this build"}},
		{"older plugin form, no plugin host", goodExp + "selector: {plugin: arch.yaml, name: topk}\n", lenetArch, nil, []string{"exp.yaml:9:11:", "external plugins are not available in this build"}},
		{"empty value", strings.Replace(goodExp, "k: 8", "k:", 1), lenetArch, nil, []string{"exp.yaml:4:", `"k" has no value`}},
		{"bad schedule", goodExp + "  schedule: {type: cosin}\n", lenetArch, nil, []string{"exp.yaml:9:", `unknown schedule "cosin"; did you mean "cosine"?`}},
		{"arch unknown layer", goodExp, strings.Replace(lenetArch, "type: relu", "type: relu6", 1), nil, []string{"arch.yaml:7:12:", `unknown layer type "relu6"; did you mean "relu"?`}},
		{"arch dense on image", goodExp, strings.Replace(lenetArch, "  - {type: flatten}\n", "", 1), nil, []string{"arch.yaml:5:5:", "dense layer gets an image of shape [1 28 28]; add {type: flatten} before it"}},
		{"arch dense without units", goodExp, strings.Replace(lenetArch, "out: 300", "out: 0", 1), nil, []string{"arch.yaml:6:24:", "a dense layer needs out ≥ 1"}},
		{"arch dropout p", goodExp, strings.Replace(lenetArch, "type: relu}", "type: dropout, p: 1.5}", 1), nil, []string{"arch.yaml:7:24:", "dropout p must be in [0, 1), not 1.5"}},
		{"arch wrong classes", goodExp, strings.Replace(lenetArch, "out: 10}", "out: 7}", 1), nil, []string{"arch.yaml:8:5:", "must end with 10 outputs"}},
		{"arch classes other than the dataset's", goodExp, strings.Replace(strings.Replace(lenetArch, "classes: 10", "classes: 5", 1), "out: 10}", "out: 5}", 1), nil, []string{"arch.yaml:3:10:", "declares classes: 5 but mnist has 10 classes", "set classes: 10"}},
		{"arch more classes than the dataset's", goodExp, strings.Replace(strings.Replace(lenetArch, "classes: 10", "classes: 12", 1), "out: 10}", "out: 12}", 1), nil, []string{"arch.yaml:3:10:", "declares classes: 12 but mnist has 10 classes"}},
		{"arch unknown key", goodExp, strings.Replace(lenetArch, "out: 300", "units: 300", 1), nil, []string{"arch.yaml:6:19:", `unknown key "units"`, `did you mean "out"?`}},
		{"arch wrong input", goodExp, strings.Replace(lenetArch, "[1, 28, 28]", "[3, 32, 32]", 1), nil, []string{"exp.yaml:3:15:", "takes input [3 32 32] but mnist gives [1 28 28]"}},
		{"override unknown key", goodExp, lenetArch, []string{"lr=0.1"}, []string{`override "lr=0.1"`, `did you mean "train.optimizer.learning_rate"?`}},
		{"override wrong type", goodExp, lenetArch, []string{"train.epochs=many"}, []string{`override "train.epochs=many"`, "must be a whole number"}},
		{"override not key=value", goodExp, lenetArch, []string{"epochs"}, []string{`override "epochs": want key=value`}},
		{"override out of range", goodExp, lenetArch, []string{"train.batch_size=0"}, []string{`override "train.batch_size=0"`, "batch_size must be at least 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(write(t, tc.exp, tc.arch), tc.overrides)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.yaml"), nil)
	if err == nil || !strings.Contains(err.Error(), "none.yaml: cannot read experiment file") {
		t.Fatalf("got %v", err)
	}
}

func TestHash(t *testing.T) {
	p := write(t, goodExp, lenetArch)
	a, _ := Load(p, nil)
	b, _ := Load(p, []string{"name=other", "data.dir=/elsewhere", "train.optimizer.learning_rate=0.2"})
	c, _ := Load(p, []string{"seed=1"})
	if a.Hash() != b.Hash() {
		t.Error("name, data dir and an explicit rate equal to auto's changed the hash")
	}
	if a.Hash() == c.Hash() {
		t.Error("a different seed gave the same hash")
	}
	// winograd: f2 is the default and hashes as a config without the key
	// (runs written before it existed keep their ids); f4 is another run.
	f2, _ := Load(p, []string{"winograd=f2"})
	f4, _ := Load(p, []string{"winograd=f4"})
	if a.Winograd != "f2" || f2.Hash() != a.Hash() {
		t.Errorf("default winograd %q; winograd=f2 changed the hash", a.Winograd)
	}
	if f4.Hash() == a.Hash() || !f4.NetworkOptions(f4.Method, 8, 8).Winograd4 || a.NetworkOptions(a.Method, 8, 8).Winograd4 {
		t.Error("winograd=f4 gave the same hash, or did not reach the network's options")
	}
}

// TestResolvedRoundTrip checks that config.yaml, the resolved config, loads
// again to the same run.
func TestResolvedRoundTrip(t *testing.T) {
	e, err := Load(write(t, goodExp, lenetArch), []string{"selector=probabilistic", "k=4"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.YAML()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	e2, err := Load(p, nil)
	if err != nil {
		t.Fatalf("resolved config does not load: %v\n%s", err, b)
	}
	if e.Hash() != e2.Hash() {
		t.Fatalf("resolved config has another hash\n%s", b)
	}
}

// TestLoadReference reads a reference block on its own and rejects bad ones
// with the file, the line and a fix.
func TestLoadReference(t *testing.T) {
	dir := t.TempDir()
	file := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := file("good.yaml", "name: x\nreference:\n  source: the paper\n  values:\n    - {network: lenet-300-100, k: 8, value: 98.2}\n    - {method: learned, value: 98}\n")
	tree, err := LoadReference(good)
	if err != nil {
		t.Fatal(err)
	}
	vals, _ := tree["values"].([]any)
	if tree["source"] != "the paper" || tree["metric"] != "test_acc" || len(vals) != 2 {
		t.Fatalf("tree %v", tree)
	}
	for _, tc := range []struct{ name, body, want string }{
		{"none.yaml", "name: x\n", "none.yaml: no reference: block"},
		{"nosource.yaml", "reference:\n  values:\n    - {k: 8, value: 1}\n", "nosource.yaml:2:3: reference needs a source"},
		{"text.yaml", "reference:\n  source: s\n  values:\n    - {k: 8, value: high}\n", "text.yaml:4:7: reference value 1: value must be a number"},
		{"typo.yaml", "reference:\n  source: s\n  valus: []\n", `text.yaml`},
	} {
		_, err := LoadReference(file(tc.name, tc.body))
		if tc.name == "typo.yaml" {
			if err == nil || !strings.Contains(err.Error(), `unknown key "valus"`) {
				t.Errorf("%s: error %v, want unknown key", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestModuleRefForms reads each way of writing a module reference: which
// key names the module, which names the plugin binary, and which are
// options (name is the module only in the older plugin form, without id).
func TestModuleRefForms(t *testing.T) {
	for _, tc := range []struct {
		yaml, id, plugin, options string
	}{
		{"greedy", "greedy", "", ""},
		{"{id: probabilistic, eval: sample}", "probabilistic", "", "eval"},
		{"{id: greedy, name: x}", "greedy", "", "name"},
		{"{plugin: bin/slotlab-x, name: topk, eps: 1}", "topk", "bin/slotlab-x", "eps"},
		{"{id: selectors.topk, plugin: /p/slotlab-x, name: n, eps: 1}", "selectors.topk", "/p/slotlab-x", "name,eps"},
	} {
		t.Run(tc.yaml, func(t *testing.T) {
			var r ModuleRef
			if err := yaml.Unmarshal([]byte(tc.yaml), &r); err != nil {
				t.Fatal(err)
			}
			var opts []string
			if r.Options != nil {
				for i := 0; i < len(r.Options.Content); i += 2 {
					opts = append(opts, r.Options.Content[i].Value)
				}
			}
			if r.ID != tc.id || r.Plugin != tc.plugin || strings.Join(opts, ",") != tc.options {
				t.Fatalf("id %q, plugin %q, options %v; want %q, %q, %s", r.ID, r.Plugin, opts, tc.id, tc.plugin, tc.options)
			}
		})
	}
	b, err := yaml.Marshal(ModuleRef{ID: "selectors.topk", Plugin: "/p/slotlab-x"})
	if err != nil || string(b) != "id: selectors.topk\nplugin: /p/slotlab-x\n" {
		t.Fatalf("resolved form %q (%v)", b, err)
	}
}

// TestCheckMemory checks that an experiment whose network needs more memory
// than the limit is refused with the estimate (describe's accounting), the
// limit and its source, and the fixes, placed at the k it came from; that
// storage: regenerated fits where stored does not; and that the limit is
// read from $SLOTLAB_MEMORY_LIMIT (or MemTotal, or a cgroup).
func TestCheckMemory(t *testing.T) {
	file := write(t, goodExp, lenetArch)
	e, err := Load(file, []string{"k=65536"})
	if err != nil {
		t.Fatal(err)
	}
	need, err := e.Memory()
	if err != nil {
		t.Fatal(err)
	}
	// describe's total for the same network (this package's test sharing
	// module gives one pool); at least the K initial scores of the
	// 784·300 + 300·10 connections.
	plan, _ := nn.NewPlan(e.Arch.Spec(), e.K)
	d, err := nn.Describe(plan, e.Method, e.K, e.Sharing.Module.(framework.Sharing), false)
	if conns := int64(784*300 + 300*10); err != nil || need != d.Memory || need < 4*65536*conns {
		t.Fatalf("Memory() = %d; describe says %d (%v)", need, d.Memory, err)
	}
	t.Setenv(EnvMemoryLimit, "8G")
	err = e.CheckMemory()
	for _, w := range []string{`override "k=65536"`, Bytes(need) + " of memory for K=65536", "more than the 8.00 GiB", "$" + EnvMemoryLimit, "storage: regenerated", "or lower k"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("CheckMemory: %v; want it to contain %q", err, w)
		}
	}
	r, err := Load(file, []string{"k=65536", "storage=regenerated"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.CheckMemory(); err != nil {
		t.Errorf("regenerated K=65536 under 8G: %v", err)
	}
	small, _ := Load(file, nil)
	if err := small.CheckMemory(); err != nil {
		t.Errorf("K=8 under 8G: %v", err)
	}
	t.Setenv(EnvMemoryLimit, "off")
	if err := e.CheckMemory(); err != nil {
		t.Errorf("limit off: %v", err)
	}
	t.Setenv(EnvMemoryLimit, "lots")
	if err := e.CheckMemory(); err == nil || !strings.Contains(err.Error(), EnvMemoryLimit) {
		t.Errorf("bad limit: %v", err)
	}
	t.Setenv(EnvMemoryLimit, "")
	if n, from, err := MemoryLimit(); err != nil || (n > 0) != (from != "") {
		t.Errorf("MemoryLimit() = %d, %q, %v", n, from, err)
	}
	for in, want := range map[string]int64{"1024": 1024, "8G": 8 << 30, "1.5k": 1536, "2GiB": 2 << 30, "3MB": 3 << 20} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "G", "x"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q): no error", in)
		}
	}
}
