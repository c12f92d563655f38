package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/pluginrpc"
	"github.com/slotlab/slotlab/framework/pluginrpc/plugintest"
	"github.com/slotlab/slotlab/framework/results"
)

// buildPlugins builds main packages of the module into a temporary
// directory (name → package) and ends every plugin process after the test.
func buildPlugins(t testing.TB, pkgs map[string]string) string {
	t.Helper()
	b, err := plugintest.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	t.Cleanup(pluginrpc.Shutdown)
	for name, pkg := range pkgs {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(b.Dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		b.Build(t, name, pkg, "")
	}
	return b.Dir
}

// quietPlugins drops what plugins write to stderr for the test.
func quietPlugins(t *testing.T) {
	old := pluginrpc.Stderr
	pluginrpc.Stderr = io.Discard
	t.Cleanup(func() { pluginrpc.Stderr = old })
}

// oneEpoch are the quick overrides for one epoch.
var oneEpoch = append([]string{"train.epochs=1"}, quick[1:]...)

// run trains an experiment into out and returns its only run directory.
func run(t *testing.T, exp, out string, args ...string) string {
	t.Helper()
	if err := runCmd(append(append([]string{exp, "--out", out, "--quiet"}, oneEpoch...), args...)); err != nil {
		t.Fatal(err)
	}
	dirs, err := filepath.Glob(filepath.Join(out, "*", "*"))
	if err != nil || len(dirs) != 1 {
		t.Fatalf("run directories %v (%v)", dirs, err)
	}
	return dirs[0]
}

// TestExternalGreedyMatchesBuiltin trains Lenet for an epoch with the
// built-in greedy selector and with greedy as an external plugin, declared
// an argmax (which the trainer may fuse into its score update) and not
// (every selection through the plugin, over shared memory): the metrics
// must be identical (bar wall-clock seconds).
func TestExternalGreedyMatchesBuiltin(t *testing.T) {
	dir := buildPlugins(t, map[string]string{"slotlab-greedy": "./examples/plugins/greedy"})
	plugin := filepath.Join(dir, "slotlab-greedy")
	exp := repoFile("experiments", "lenet.yaml")
	want := stripTimes(t, run(t, exp, t.TempDir(), "seed=3"))
	for _, opts := range []string{", fused: false", ""} {
		external := run(t, exp, t.TempDir(), "seed=3", "selector={plugin: "+plugin+", name: greedy"+opts+"}")
		if got := stripTimes(t, external); !bytes.Equal(got, want) {
			t.Fatalf("built-in and external greedy {%s} differ:\n%s\n%s", opts, want, got)
		}
		r, err := results.ReadResult(external)
		if err != nil || r.Status != "done" || r.Selector != "greedy" || r.TestAcc < 50 {
			t.Fatalf("external run: %+v (%v)", r, err)
		}
		cfg, _ := os.ReadFile(filepath.Join(external, results.ConfigFile))
		if !strings.Contains(string(cfg), "plugin: "+plugin) {
			t.Fatalf("config.yaml does not name the plugin:\n%s", cfg)
		}
	}
}

// TestEpsGreedyExperiment runs experiments/lenet-epsgreedy.yaml, with its
// plugins: list pointed at a fresh build of the plugin, twice, and once
// with the plugin found on SLOTLAB_PLUGIN_PATH instead: it trains, the
// same seed gives the same metrics whichever way the plugin was found,
// and the label the selector declares names its runs in result.json and
// in slotlab table.
func TestEpsGreedyExperiment(t *testing.T) {
	dir := buildPlugins(t, map[string]string{"slotlab-epsgreedy": "./examples/plugins/epsgreedy"})
	plugin := filepath.Join(dir, "slotlab-epsgreedy")
	exp := repoFile("experiments", "lenet-epsgreedy.yaml")
	out := t.TempDir()
	first := run(t, exp, out, "plugins=["+plugin+"]")
	second := run(t, exp, t.TempDir(), "plugins=["+plugin+"]")
	t.Setenv(pluginrpc.PathEnv, dir)
	onPath := run(t, exp, t.TempDir(), "plugins=[]")
	want := stripTimes(t, first)
	for _, d := range []string{second, onPath} {
		if got := stripTimes(t, d); !bytes.Equal(got, want) {
			t.Fatalf("same seed, different metrics:\n%s\n%s", want, got)
		}
	}
	r, err := results.ReadResult(first)
	if err != nil || r.Status != "done" || r.Selector != "epsgreedy" || r.SelectorLabel != "εG" || r.TestAcc < 50 {
		t.Fatalf("result %+v (%v)", r, err)
	}
	cfg, _ := os.ReadFile(filepath.Join(first, results.ConfigFile))
	if want := "selector:\n  id: selectors.epsgreedy\n  plugin: " + plugin + "\n  eps: 0.05\n"; !strings.Contains(string(cfg), want) {
		t.Fatalf("config.yaml lacks\n%s\n%s", want, cfg)
	}
	table, err := capture(t, func() error { return tableCmd([]string{out}) })
	if err != nil || !strings.Contains(table, "slot εG") {
		t.Fatalf("slotlab table does not label the run slot εG (%v):\n%s", err, table)
	}
}

// TestPluginSelectorDeclares trains Lenet briefly with a plugin selector
// (framework/pluginrpc/testdata/declares) found on SLOTLAB_PLUGIN_PATH and
// named like a built-in one, and checks that what it declares crosses to
// the run as a compiled-in selector's does (TestNewSelectorDeclares):
// learning_rate: auto resolves to its rate and weight_decay: auto to its
// 0, its option's default (from its main) is in the resolved config, and
// its label names it in result.json and in tables.
func TestPluginSelectorDeclares(t *testing.T) {
	dir := buildPlugins(t, map[string]string{"slotlab-declares": "./framework/pluginrpc/testdata/declares"})
	t.Setenv(pluginrpc.PathEnv, dir)
	out := filepath.Join(t.TempDir(), "runs")
	if err := runCmd(append([]string{repoFile("experiments", "lenet.yaml"), "--out", out, "--quiet", "selector=declares"}, quick...)); err != nil {
		t.Fatal(err)
	}
	r, err := results.ReadResult(runDirs(t, out)[0])
	if err != nil {
		t.Fatal(err)
	}
	opt := r.Config["train"].(map[string]any)["optimizer"].(map[string]any)
	sel := r.Config["selector"].(map[string]any)
	if r.Status != "done" || r.Selector != "declares" || r.SelectorLabel != "DS" || opt["learning_rate"] != 0.3 || opt["weight_decay"] != 0.0 ||
		sel["note"] != "default" || sel["plugin"] != filepath.Join(dir, "slotlab-declares") {
		t.Fatalf("status %s, selector %q, label %q, optimizer %v, selector config %v", r.Status, r.Selector, r.SelectorLabel, opt, sel)
	}
	text, err := capture(t, func() error { return tableCmd([]string{out, "--format", "ascii"}) })
	if err != nil || !strings.Contains(text, "slot DS") {
		t.Fatalf("table: %v\n%s", err, text)
	}
}

// TestPluginFaultsDuringTraining makes a plugin fail in the middle of the
// first epoch: the run stops with an error naming the plugin and what it
// did, and is recorded as failed.
func TestPluginFaultsDuringTraining(t *testing.T) {
	quietPlugins(t)
	dir := buildPlugins(t, map[string]string{"faulty": "./framework/pluginrpc/testdata/faulty"})
	plugin := filepath.Join(dir, "faulty")
	t.Setenv("SLOTLAB_PLUGIN_TIMEOUT", "1s")
	for _, tc := range []struct {
		mode string
		want []string
	}{
		{"crash", []string{"the plugin exited (exit status 2)", "panic: faulty plugin crashes at step 10"}},
		{"kill", []string{"the plugin was killed"}},
		{"hang", []string{"did not answer Select within 1s"}},
		{"range", []string{"the plugin chose candidate 8 for connection"}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			out := t.TempDir()
			err := runCmd(append([]string{repoFile("experiments", "lenet.yaml"), "--out", out, "--quiet",
				"selector={plugin: " + plugin + ", name: faulty, mode: " + tc.mode + ", at: 10}"}, oneEpoch...))
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range append([]string{"plugin " + plugin, "selector faulty", "(training, step 10)"}, tc.want...) {
				if !strings.Contains(err.Error(), want) {
					t.Fatalf("error %q does not mention %q", err, want)
				}
			}
			dirs, _ := filepath.Glob(filepath.Join(out, "lenet", "*"))
			if len(dirs) != 1 {
				t.Fatalf("run directories %v", dirs)
			}
			r, rerr := results.ReadResult(dirs[0])
			if rerr != nil || r.Status != "failed" || !strings.Contains(r.Error, "plugin "+plugin) {
				t.Fatalf("result %+v (%v), want status failed with the error", r, rerr)
			}
		})
	}
}

// TestListModulesExternal lists the built-in modules and those of the
// plugins on SLOTLAB_PLUGIN_PATH, each with where it comes from, its
// options and what it declares; a plugin module whose name the built-in
// takes says how to name it; and no other file there is started.
func TestListModulesExternal(t *testing.T) {
	dir := buildPlugins(t, map[string]string{"slotlab-epsgreedy": "./examples/plugins/epsgreedy", "slotlab-greedy": "./examples/plugins/greedy", "slotlab-edgepopup": "./examples/plugins/edgepopup"})
	marker := filepath.Join(t.TempDir(), "started")
	if err := os.WriteFile(filepath.Join(dir, "tool"), []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(pluginrpc.PathEnv, dir)
	out, err := capture(t, func() error { return listModulesCmd(nil) })
	if err != nil {
		t.Fatal(err)
	}
	eps, greedy := filepath.Join(dir, "slotlab-epsgreedy"), filepath.Join(dir, "slotlab-greedy")
	for _, want := range [][]string{
		{"selectors.greedy", "built-in", "table label GS"},
		{"selectors.probabilistic", "built-in", "options: eval: argmax", "table label PS; learning_rate auto: 50 (cifar10), 25 (mnist, stripes); weight_decay auto: 0"},
		{"selectors.epsgreedy", eps, "options: eps: 0.1", "table label εG"},
		{"selectors.edgepopup", filepath.Join(dir, "slotlab-edgepopup"), "options: keep: 0.5", "table label EP; learning_rate auto: 1)"},
		{"selectors.greedy", greedy, "the built-in takes the name: name this one {plugin: " + greedy + ", name: greedy}"},
	} {
		if !rowWith(out, want) {
			t.Fatalf("list-modules output has no row with %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("list-modules started a file not named slotlab-*")
	}
}

// rowWith reports whether a line of a table holds every part (a wrapped
// cell may continue on the next lines, so the line and the two after it
// are searched).
func rowWith(table string, parts []string) bool {
	lines := strings.Split(table, "\n")
	for i := range lines {
		row := strings.Join(lines[i:min(i+3, len(lines))], " ")
		if !strings.Contains(lines[i], parts[0]) {
			continue
		}
		ok := true
		for _, p := range parts[1:] {
			ok = ok && strings.Contains(row, p)
		}
		if ok {
			return true
		}
	}
	return false
}

// BenchmarkExternalGreedy trains Lenet (K = 8) for an epoch with the
// built-in greedy selector and with the external one, declared an argmax
// and not (fused: false), in the same run, and reports the
// speeds (result.json's samples_per_second) and their ratios to the
// built-in (the target: external ≥ 0.8).
func BenchmarkExternalGreedy(b *testing.B) {
	dir := buildPlugins(b, map[string]string{"slotlab-greedy": "./examples/plugins/greedy"})
	plugin := filepath.Join(dir, "slotlab-greedy")
	exp := repoFile("experiments", "lenet.yaml")
	speed := func(sel string) float64 {
		out := b.TempDir()
		args := []string{exp, "--out", out, "--quiet", "train.epochs=1", "data.train_limit=12000", "data.test_limit=500", "train.batch_size=128", "selector=" + sel}
		if err := runCmd(args); err != nil {
			b.Fatal(err)
		}
		dirs, _ := filepath.Glob(filepath.Join(out, "lenet", "*"))
		r, err := results.ReadResult(dirs[0])
		if err != nil {
			b.Fatal(err)
		}
		return r.SamplesPerSecond
	}
	var in, fused, rpc float64
	for b.Loop() {
		in += speed("greedy")
		fused += speed("{plugin: " + plugin + ", name: greedy}")
		rpc += speed("{plugin: " + plugin + ", name: greedy, fused: false}")
	}
	n := float64(b.N)
	b.ReportMetric(in/n, "builtin-samples/s")
	b.ReportMetric(fused/n, "fused-samples/s")
	b.ReportMetric(rpc/n, "rpc-samples/s")
	b.ReportMetric(fused/in, "fused/builtin")
	b.ReportMetric(rpc/in, "rpc/builtin")
}
