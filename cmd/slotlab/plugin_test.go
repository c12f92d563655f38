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

// TestEpsGreedyExperiment runs experiments/lenet-epsgreedy.yaml, whose
// plugin path bin/slotlab-epsgreedy is found on SLOTLAB_PLUGIN_PATH, twice:
// it trains, and the same seed gives the same metrics.
func TestEpsGreedyExperiment(t *testing.T) {
	dir := buildPlugins(t, map[string]string{"bin/slotlab-epsgreedy": "./examples/plugins/epsgreedy"})
	t.Setenv(pluginrpc.PathEnv, dir)
	exp := repoFile("experiments", "lenet-epsgreedy.yaml")
	first := run(t, exp, t.TempDir())
	second := run(t, exp, t.TempDir())
	if a, b := stripTimes(t, first), stripTimes(t, second); !bytes.Equal(a, b) {
		t.Fatalf("same seed, different metrics:\n%s\n%s", a, b)
	}
	r, err := results.ReadResult(first)
	if err != nil || r.Status != "done" || r.Selector != "epsgreedy" || r.TestAcc < 50 {
		t.Fatalf("result %+v (%v)", r, err)
	}
	cfg, _ := os.ReadFile(filepath.Join(first, results.ConfigFile))
	if !strings.Contains(string(cfg), "eps: 0.05") {
		t.Fatalf("config.yaml lacks the plugin's options:\n%s", cfg)
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

// TestListModulesExternal lists the components of the plugins on
// SLOTLAB_PLUGIN_PATH with the binaries they come from.
func TestListModulesExternal(t *testing.T) {
	dir := buildPlugins(t, map[string]string{"slotlab-epsgreedy": "./examples/plugins/epsgreedy"})
	t.Setenv(pluginrpc.PathEnv, dir)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	err = listModulesCmd(nil)
	os.Stdout = stdout
	w.Close()
	out, _ := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"selectors.greedy", "built-in", "selectors.epsgreedy", filepath.Join(dir, "slotlab-epsgreedy"), "eps: 0.1"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Fatalf("list-modules output lacks %q:\n%s", want, out)
		}
	}
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
