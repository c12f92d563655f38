package pluginrpc

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/pluginrpc/plugintest"
	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/train"
)

// declaresBin is the test plugin whose selector declares its policies.
func declaresBin(t *testing.T) string {
	return bins.Build(t, "slotlab-declares", "./framework/pluginrpc/testdata/declares", "")
}

// link makes dir/name a symbolic link to target (creating dir) and
// returns it.
func link(t *testing.T, target, dir, name string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeFile writes an executable (mode 0o755) or plain file.
func writeFile(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
}

// markerScript is a shell script that creates marker when run.
func markerScript(marker string) string {
	return "#!/bin/sh\ntouch '" + marker + "'\necho not a plugin\n"
}

// experiment is a small experiment file's text: Lenet on MNIST with the
// extra keys.
func experiment(t *testing.T, extra string) string {
	t.Helper()
	arch, err := filepath.Abs("../../architectures/lenet-300-100.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return "name: t\ndataset: mnist\narchitecture: " + arch + "\n" + extra
}

// TestLoadPath loads the plugins of SLOTLAB_PLUGIN_PATH: the executables
// named slotlab-*, whose modules it registers with their binaries as
// sources; no other file there is ever started (each would leave a
// marker), and a slotlab-* file that is not a plugin is an error that
// names it and says what to do.
func TestLoadPath(t *testing.T) {
	Shutdown()
	dir := t.TempDir()
	path := filepath.Join(dir, "path")
	greedy := link(t, greedyBin(t), path, "slotlab-greedy")
	eps := link(t, epsBin(t), path, "slotlab-epsgreedy")
	var markers []string
	for _, name := range []string{"slotlab", "tool", "epsgreedy", "slotlab_epsgreedy"} {
		m := filepath.Join(dir, "ran-"+name)
		markers = append(markers, m)
		writeFile(t, filepath.Join(path, name), markerScript(m), 0o755)
	}
	writeFile(t, filepath.Join(path, "slotlab-notes.txt"), "not executable", 0o644)
	if err := os.Mkdir(filepath.Join(path, "slotlab-dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	notPlugin := filepath.Join(path, "slotlab-tool")
	writeFile(t, notPlugin, "#!/bin/sh\necho hello\n", 0o755)
	t.Setenv(PathEnv, path+string(filepath.ListSeparator)+filepath.Join(dir, "missing"))

	sources, errs := LoadPath()
	if want := []string{eps, greedy}; !slices.Equal(sources, want) {
		t.Errorf("sources %v, want %v", sources, want)
	}
	for _, m := range markers {
		if _, err := os.Stat(m); err == nil {
			t.Errorf("%s was started: LoadPath may start only files named %s*", strings.TrimPrefix(filepath.Base(m), "ran-"), NamePrefix)
		}
	}
	if len(errs) != 2 {
		t.Fatalf("errors %v; want one for %s and one for the missing directory", errs, notPlugin)
	}
	wantErr(t, errs[0], "plugin "+notPlugin, "not a slotlab plugin", "rename "+notPlugin+", or move it out of "+path)
	wantErr(t, errs[1], PathEnv+" directory "+filepath.Join(dir, "missing"), "no such file")

	var got []string
	for _, info := range framework.List("") {
		if info.Source == eps || info.Source == greedy {
			got = append(got, string(info.ID)+" "+filepath.Base(info.Source)+" "+framework.LabelOf(info.New()))
		}
	}
	if want := []string{"selectors.epsgreedy slotlab-epsgreedy εG", "selectors.greedy slotlab-greedy "}; !slices.Equal(got, want) {
		t.Fatalf("registered %q, want %q", got, want)
	}
	if info, ok := framework.Lookup("selectors.greedy"); !ok || !info.Builtin() {
		t.Fatalf("Lookup(selectors.greedy) = %v, %v; want the built-in", info.Source, ok)
	}
}

// TestNamedLikeBuiltins names the plugin's selector in every way an
// experiment can: by name, found on SLOTLAB_PLUGIN_PATH or in the
// experiment's plugins: list (relative to the experiment file, or
// absolute), and in the older form {plugin: PATH, name: NAME}. Each
// resolves to the plugin's module with its options, records the same
// config (the module's ID, the binary's absolute path, every option), is
// a fixed point of resolving, and has the same hash.
func TestNamedLikeBuiltins(t *testing.T) {
	dir := t.TempDir()
	eps := link(t, epsBin(t), filepath.Join(dir, "bin"), "slotlab-epsgreedy")
	expDir := filepath.Join(dir, "exps")
	if err := os.MkdirAll(expDir, 0o755); err != nil {
		t.Fatal(err)
	}
	var hash string
	for _, tc := range []struct {
		name, env, extra string
		overrides        []string
	}{
		{"by name, on the plugin path", filepath.Join(dir, "bin"), "selector: {id: epsgreedy, eps: 0.05}\n", nil},
		{"full ID, on the plugin path", filepath.Join(dir, "bin"), "selector: {id: selectors.epsgreedy, eps: 0.05}\n", nil},
		{"listed, relative to the experiment", "", "plugins: [../bin/slotlab-epsgreedy]\nselector: {id: epsgreedy, eps: 0.05}\n", nil},
		{"listed by override", "", "selector: {id: epsgreedy}\n", []string{"plugins=[" + eps + "]", "selector.eps=0.05"}},
		{"older form", "", "selector: {plugin: " + eps + ", name: epsgreedy, eps: 0.05}\n", nil},
		{"older form, found on the plugin path", filepath.Join(dir, "bin"), "selector: {plugin: slotlab-epsgreedy, name: epsgreedy, eps: 0.05}\n", nil},
		{"resolved form", "", "selector: {id: selectors.epsgreedy, plugin: " + eps + ", eps: 0.05}\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(PathEnv, tc.env)
			path := filepath.Join(expDir, "exp.yaml")
			writeFile(t, path, experiment(t, tc.extra), 0o644)
			e, err := config.Load(path, tc.overrides)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := e.Selector.Module.(*Selector); !ok || e.Selector.ID != "selectors.epsgreedy" || e.Selector.Plugin != eps {
				t.Fatalf("selector %q from %q is a %T", e.Selector.ID, e.Selector.Plugin, e.Selector.Module)
			}
			b, err := e.YAML()
			if err != nil {
				t.Fatal(err)
			}
			if want := "selector:\n  id: selectors.epsgreedy\n  plugin: " + eps + "\n  eps: 0.05\n"; !strings.Contains(string(b), want) {
				t.Fatalf("config.yaml lacks\n%s\n%s", want, b)
			}
			again, err := config.Parse(path, b, nil)
			if err != nil {
				t.Fatalf("config.yaml does not load: %v\n%s", err, b)
			}
			if again.Hash() != e.Hash() {
				t.Fatalf("config.yaml loads to another config")
			}
			if hash == "" {
				hash = e.Hash()
			} else if e.Hash() != hash {
				t.Fatalf("hash %s, want %s as for the other ways of naming it", e.Hash(), hash)
			}
		})
	}
	// The hash counts the binary by its name, not its directory.
	t.Setenv(PathEnv, "")
	other := link(t, epsBin(t), filepath.Join(dir, "elsewhere"), "slotlab-epsgreedy")
	renamed := link(t, epsBin(t), filepath.Join(dir, "elsewhere"), "slotlab-eps2")
	for _, tc := range []struct {
		plugin string
		same   bool
	}{{other, true}, {renamed, false}} {
		e, err := config.Parse(filepath.Join(expDir, "exp.yaml"), []byte(experiment(t, "plugins: ["+tc.plugin+"]\nselector: {id: epsgreedy, eps: 0.05}\n")), nil)
		if err != nil {
			t.Fatal(err)
		}
		if (e.Hash() == hash) != tc.same {
			t.Errorf("%s: same hash %v, want %v", tc.plugin, e.Hash() == hash, tc.same)
		}
	}
}

// TestBuiltinsFirst checks that a plugin on SLOTLAB_PLUGIN_PATH changes
// nothing for an experiment that names built-in modules: the built-in
// keeps its name (a plugin that serves one of the same ID is named with
// its binary), the hash is the same, and the path's plugins are not even
// started.
func TestBuiltinsFirst(t *testing.T) {
	Shutdown()
	dir := t.TempDir()
	path := filepath.Join(dir, "path")
	greedy := link(t, greedyBin(t), path, "slotlab-greedy")
	marker := filepath.Join(dir, "started")
	writeFile(t, filepath.Join(path, "slotlab-marker"), markerScript(marker), 0o755)
	exp := experiment(t, "selector: greedy\n")
	t.Setenv(PathEnv, "")
	want, err := config.Parse("exp.yaml", []byte(exp), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(PathEnv, path)
	e, err := config.Parse("exp.yaml", []byte(exp), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ext := e.Selector.Module.(*Selector); ext || e.Selector.Plugin != "" || e.Hash() != want.Hash() {
		t.Fatalf("selector: greedy with %s on the path is a %T from %q, hash %s; want the built-in, hash %s", greedy, e.Selector.Module, e.Selector.Plugin, e.Hash(), want.Hash())
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("an experiment of built-in modules started the plugins of the path")
	}
	e, err = config.Parse("exp.yaml", []byte(experiment(t, "selector: {plugin: slotlab-greedy, name: greedy}\n")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ext := e.Selector.Module.(*Selector); !ext || e.Selector.Plugin != greedy || e.Hash() == want.Hash() {
		t.Fatalf("the plugin's greedy, named with its binary, is a %T from %q", e.Selector.Module, e.Selector.Plugin)
	}
}

// TestResolveErrors checks the errors of naming plugin modules: each names
// the experiment file and the binaries concerned, and says how to fix it.
func TestResolveErrors(t *testing.T) {
	Shutdown()
	t.Setenv("SLOTLAB_PLUGIN_TIMEOUT", "5s")
	dir := t.TempDir()
	eps, greedy := epsBin(t), greedyBin(t)
	a := link(t, eps, filepath.Join(dir, "a"), "slotlab-epsgreedy")
	b := link(t, eps, filepath.Join(dir, "b"), "slotlab-epsgreedy")
	broken := filepath.Join(dir, "broken", "slotlab-broken")
	writeFile(t, broken, "#!/bin/sh\necho hello\n", 0o755)
	twoDirs := filepath.Join(dir, "a") + string(filepath.ListSeparator) + filepath.Join(dir, "b")
	for _, tc := range []struct {
		name, env, extra string
		want             []string
	}{
		{"served by two plugins of the path", twoDirs, "selector: epsgreedy\n",
			[]string{"exp.yaml:4:", "selectors.epsgreedy is served by 2 plugins found on SLOTLAB_PLUGIN_PATH: " + a + " and " + b, "remove all but one", "{plugin: " + a + ", name: epsgreedy}"}},
		{"served by two listed plugins", "", "plugins: [" + a + ", " + b + "]\nselector: epsgreedy\n",
			[]string{"exp.yaml:5:", "served by 2 plugins listed under plugins:", "list only one"}},
		{"listed plugin serves a built-in's name", "", "plugins: [" + greedy + "]\nselector: greedy\n",
			[]string{"exp.yaml:5:", "selectors.greedy is built in and also served by plugin " + greedy, "{plugin: " + greedy + ", name: greedy}", "take the plugin out of plugins:"}},
		{"listed plugin missing", "", "plugins: [bin/slotlab-nope]\nselector: greedy\n",
			[]string{"exp.yaml:4:", "plugin bin/slotlab-nope: no such file", "relative to the experiment file", filepath.Join(dir, "bin", "slotlab-nope")}},
		{"listed file not a plugin", "", "plugins: [" + broken + "]\n",
			[]string{"exp.yaml:4:", "plugin " + broken, "not a slotlab plugin", "correct the path or remove the entry"}},
		{"unknown, with a broken plugin on the path", filepath.Join(dir, "broken"), "selector: epsgreedy\n",
			[]string{"exp.yaml:4:", `unknown module "epsgreedy"`, "known selectors: greedy, probabilistic", "SLOTLAB_PLUGIN_PATH: plugin " + broken, "rename " + broken}},
		{"older form, not served", "", "selector: {plugin: " + eps + ", name: topk}\n",
			[]string{"exp.yaml:4:", "plugin " + eps + " serves no selector named \"topk\"; it serves selector epsgreedy"}},
		{"older form without a name", "", "selector: {plugin: " + eps + "}\n",
			[]string{"exp.yaml:4:", "needs the name of the module", "{plugin: " + eps + ", name: topk}"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(PathEnv, tc.env)
			_, err := config.Parse(filepath.Join(dir, "exp.yaml"), []byte(experiment(t, tc.extra)), nil)
			wantErr(t, err, tc.want...)
		})
	}
}

// TestDeclaredPolicies checks that what a plugin's selector declares
// crosses the wire and is used like a built-in's: `auto` resolves to the
// learning rate and weight decay it declares for the experiment (its
// dataset, architecture and K) with its options (a declared 0 included),
// and its label is recorded in result.json (selector_label) and names its
// method in tables. A selector that declares a label only keeps the
// framework's rules, as one built before labels existed (which sends
// none) would. A plugin of protocol version 2 declared one rate and decay
// in its description (faulty sends 0.7 and 0 there): they count only
// where the plugin speaks no later version.
func TestDeclaredPolicies(t *testing.T) {
	dir := t.TempDir()
	link(t, declaresBin(t), dir, "slotlab-declares")
	link(t, epsBin(t), dir, "slotlab-epsgreedy")
	link(t, bins.Build(t, "slotlab-faulty", "./framework/pluginrpc/testdata/faulty", ""), dir, "slotlab-faulty")
	v2 := t.TempDir()
	link(t, bins.Build(t, "slotlab-faulty-v2", "./framework/pluginrpc/testdata/faulty", plugintest.VersionsFlag("1,2")), v2, "slotlab-faulty")
	t.Setenv(PathEnv, dir)
	for _, tc := range []struct {
		name, extra  string
		lr, wd       float64
		label, table string
	}{
		{"declared", "selector: declares\n", 0.3, 0, "DS", "slot DS"},
		{"declared for K = 16", "selector: declares\nk: 16\n", 0.6, 1e-4, "DS", "slot DS"},
		{"declared from an option", "selector: {id: declares, rate: 0.4}\n", 0.4, 0, "DS", "slot DS"},
		{"protocol 3 ignores a static declaration", "selector: faulty\n", 0.2, 1e-4, "", "slot faulty"},
		{"protocol 2's static declaration", "selector: {plugin: " + filepath.Join(v2, "slotlab-faulty") + ", name: faulty}\n", 0.7, 0, "", "slot faulty"},
		{"declared, explicit values win", "selector: declares\ntrain: {optimizer: {learning_rate: 0.5, weight_decay: 0.001}}\n", 0.5, 0.001, "DS", "slot DS"},
		{"declared, learned weights", "selector: declares\nmethod: learned\n", 0.01, 1e-4, "", "learned"},
		{"label only", "selector: epsgreedy\n", 0.2, 1e-4, "εG", "slot εG"},
		{"label only, K = 16", "selector: epsgreedy\nk: 16\n", 0.1, 1e-4, "εG", "slot εG"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := config.Parse("exp.yaml", []byte(experiment(t, tc.extra)), nil)
			if err != nil {
				t.Fatal(err)
			}
			o := e.Train.Optimizer
			if o.LearningRate.Value != tc.lr || o.WeightDecay.Value != tc.wd {
				t.Errorf("learning rate %v, weight decay %v; want %v, %v", o.LearningRate.Value, o.WeightDecay.Value, tc.lr, tc.wd)
			}
			r := train.NewResult(e, e.Hash(), time.Now())
			if r.SelectorLabel != tc.label || results.MethodLabel(r) != tc.table {
				t.Errorf("selector_label %q, method %q; want %q, %q", r.SelectorLabel, results.MethodLabel(r), tc.label, tc.table)
			}
		})
	}
	// The default options come from the value given to sdk.Serve.
	e, err := config.Parse("exp.yaml", []byte(experiment(t, "selector: declares\n")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := e.YAML(); !strings.Contains(string(b), "note: default") {
		t.Fatalf("config.yaml lacks the default option:\n%s", b)
	}
}
