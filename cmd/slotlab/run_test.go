package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/checkpoint"
	"github.com/slotlab/slotlab/framework/codeversion"
	"github.com/slotlab/slotlab/framework/export"
	"github.com/slotlab/slotlab/framework/results"
)

// repoFile returns the path of a file of the repository from this package.
func repoFile(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}

// quick are overrides that make a real MNIST run take a second or two.
var quick = []string{"train.epochs=2", "data.train_limit=3000", "data.test_limit=1000", "train.batch_size=100"}

func runDirs(t *testing.T, out string) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(out, "lenet", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// stripTimes removes the wall-clock fields of metrics.jsonl, the only ones
// that may differ between two runs of the same config and seed.
func stripTimes(t *testing.T, dir string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, results.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		if _, ok := m["seconds"]; !ok {
			t.Fatalf("metrics line has no seconds: %q", line)
		}
		delete(m, "seconds")
		enc, _ := json.Marshal(m)
		out.Write(enc)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// TestRunContractAndDeterminism trains Lenet on real MNIST twice with the
// same seed into two stores and checks the run directory contract and that
// the metrics are identical (bar wall-clock seconds); a third run with
// another seed must differ.
func TestRunContractAndDeterminism(t *testing.T) {
	exp := repoFile("experiments", "lenet.yaml")
	var metrics [][]byte
	for i, seed := range []string{"seed=5", "seed=5", "seed=6"} {
		out := filepath.Join(t.TempDir(), "runs")
		args := append([]string{exp, "--out", out, "--quiet", seed}, quick...)
		if err := runCmd(args); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		dirs := runDirs(t, out)
		if len(dirs) != 1 {
			t.Fatalf("run %d: want one run directory under %s/lenet, got %v", i, out, dirs)
		}
		for _, f := range []string{results.ConfigFile, results.MetricsFile, results.ResultFile} {
			if _, err := os.Stat(filepath.Join(dirs[0], f)); err != nil {
				t.Fatalf("run %d: %v", i, err)
			}
		}
		r, err := results.ReadResult(dirs[0])
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != "done" || r.Name != "lenet" || r.Method != "slot" || r.Selector != "greedy" || r.K != 8 ||
			r.Epochs != 2 || r.BestEpoch < 1 || r.ConfigHash == "" || r.SamplesPerSecond <= 0 || r.TrainSeconds <= 0 {
			t.Fatalf("run %d: result %+v", i, r)
		}
		if r.TestAcc < 50 || r.TestAcc > 100 || r.FinalTestAcc < 50 || r.ValAcc < 50 {
			t.Fatalf("run %d: accuracies are percentages and 2 epochs on 2,550 images reach well above chance: %+v", i, r)
		}
		// The test binary has no VCS stamp, so the run records the
		// checkout it ran in, as `go run` does (codeversion).
		wd, _ := os.Getwd()
		if root := codeversion.FindCheckout(wd); root != "" {
			if want := codeversion.FromGit(root); want.Revision != "" && r.Code != want {
				t.Fatalf("run %d: code %+v, want the checkout's %+v", i, r.Code, want)
			}
		}
		if filepath.Base(dirs[0]) != r.RunID || !strings.HasPrefix(r.ConfigHash, r.RunID) {
			t.Fatalf("run id %q, directory %q, hash %q", r.RunID, dirs[0], r.ConfigHash)
		}
		metrics = append(metrics, stripTimes(t, dirs[0]))
	}
	if !bytes.Equal(metrics[0], metrics[1]) {
		t.Fatalf("same seed, different metrics:\n%s\n%s", metrics[0], metrics[1])
	}
	if bytes.Equal(metrics[0], metrics[2]) {
		t.Fatal("different seeds gave identical metrics")
	}
}

// TestRunCachedAndResolvedConfig checks that running the same config again
// trains nothing, and that config.yaml is complete enough to run again to
// the same run directory.
func TestRunCachedAndResolvedConfig(t *testing.T) {
	out := filepath.Join(t.TempDir(), "runs")
	args := append([]string{repoFile("experiments", "lenet.yaml"), "--out", out, "--quiet", "train.epochs=1"}, quick[1:]...)
	if err := runCmd(args); err != nil {
		t.Fatal(err)
	}
	dir := runDirs(t, out)[0]
	before, _ := os.ReadFile(filepath.Join(dir, results.ResultFile))
	if err := runCmd(args); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, results.ResultFile))
	if !bytes.Equal(before, after) {
		t.Fatal("a second run of the same config trained again")
	}
	// The resolved config, run from elsewhere, hashes to the same run.
	cfg := filepath.Join(t.TempDir(), "lenet.yaml")
	b, _ := os.ReadFile(filepath.Join(dir, results.ConfigFile))
	if err := os.WriteFile(cfg, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := runCmd([]string{cfg, "--out", out, "--quiet"}); err != nil {
		t.Fatal(err)
	}
	if dirs := runDirs(t, out); len(dirs) != 1 {
		t.Fatalf("resolved config made a new run: %v", dirs)
	}
}

func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "missing experiment file"},
		{[]string{repoFile("experiments", "lenet.yaml"), "k"}, `"k" is not a key=value override`},
		{[]string{repoFile("experiments", "lenet.yaml"), "k=0"}, `override "k=0": k must be at least 1`},
		{[]string{repoFile("experiments", "lenet.yaml"), "train.batch_size=5000", "data.train_limit=1000"}, "batch_size 5000 is larger than the 850 training examples"},
		{[]string{repoFile("experiments", "nope.yaml")}, "nope.yaml: cannot read experiment file"},
	} {
		err := runCmd(append(tc.args, "--out", t.TempDir(), "--quiet"))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

// TestNaNStopsTheRun checks that a diverging run stops with an error naming
// the epoch, step and layer, is recorded as failed, and keeps its last good
// checkpoint, loadable. The learned network's loss becomes NaN in epoch 1;
// the slot machine's loss cannot (its weights are fixed candidates), but
// its scores can: at rate 100 and decay 0.1 every step multiplies them by
// about −9, and they overflow float32 in epoch 2, after the checkpoint of
// epoch 1. Checked to fail: with SlotLayer.updateChunk ignoring advance's
// non-finite report, the slot run ends "done" (at chance).
func TestNaNStopsTheRun(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string
		// epochs is the number of epochs the last good checkpoint holds.
		epochs int
	}{
		{"learned, loss", []string{"method=learned", "train.optimizer.learning_rate=1e9"}, []string{"epoch 1, step ", "the loss became NaN or infinite"}, 0},
		{"slot, scores", []string{"train.optimizer.learning_rate=100", "train.optimizer.weight_decay=0.1", "train.schedule.type=constant", "train.epochs=4"},
			[]string{"epoch 2, step ", "layer dense", "scores became NaN or infinite"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "runs")
			args := append(append([]string{repoFile("experiments", "lenet.yaml"), "--out", out, "--quiet"}, quick...), tc.args...)
			err := runCmd(args)
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Fatalf("error %v, want one containing %q", err, w)
				}
			}
			dir := runDirs(t, out)[0]
			r, rerr := results.ReadResult(dir)
			if rerr != nil || r.Status != "failed" || !strings.Contains(r.Error, "NaN") {
				t.Fatalf("result %+v (%v), want status failed with the error", r, rerr)
			}
			t.Log(err)
			if tc.epochs == 0 {
				return
			}
			// The checkpoint of the last finished epoch is kept, verifies,
			// and holds finite state only.
			var meta struct {
				Epochs []results.Epoch `json:"epochs"`
			}
			ts, err := checkpoint.Read(filepath.Join(dir, "checkpoint.bin"), &meta)
			if err != nil || len(meta.Epochs) != tc.epochs || len(ts) == 0 {
				t.Fatalf("checkpoint.bin: %d epochs, %d tensors, %v; want the %d good epochs", len(meta.Epochs), len(ts), err, tc.epochs)
			}
			for name, x := range ts {
				for _, v := range x.F32 {
					if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
						t.Fatalf("checkpoint.bin: tensor %s holds %v", name, v)
					}
				}
			}
			// best.bin still exports and evaluates to the recorded result.
			file := filepath.Join(t.TempDir(), "net.slot")
			if err := exportCmd([]string{dir, "--format", "slot", "-o", file}); err != nil {
				t.Fatal(err)
			}
			ev, err := export.Eval(file, "", nil)
			if err != nil || r.BestEpoch != tc.epochs || ev.Accuracy != r.TestAcc {
				t.Fatalf("evaluating best.bin: %v (%v); want the %v%% of best epoch %d (the result says epoch %d)", ev, err, r.TestAcc, tc.epochs, r.BestEpoch)
			}
		})
	}
}

// TestRegeneratedRunMatchesStored trains the same config with the fixed
// random numbers stored and regenerated: metrics.jsonl must be identical
// (bar wall-clock seconds), and so must the tensors of best.bin (the
// selection) and of checkpoint.bin (the training state); the files' headers
// differ by the config hash, of which storage is part. Lenet has dense
// layers only; CONV-2 at K = 64 (7 steps on a CIFAR-10 subset; 24 s on
// two cores, 41 s under load, 2 GB for the stored candidates and scores)
// covers the conv layers, whose candidates are regenerated in the filter
// layout. Checked to fail: regenerating a conv layer's candidates one
// number off at every chunk but the first fails the CONV-2 case (its
// metrics differ) and passes the Lenet one.
func TestRegeneratedRunMatchesStored(t *testing.T) {
	for _, tc := range []struct {
		name string
		exp  string
		args func(t *testing.T) []string
	}{
		{"lenet", repoFile("experiments", "lenet.yaml"), func(*testing.T) []string { return quick }},
		{"conv2 K=64", repoFile("experiments", "conv2.yaml"), func(t *testing.T) []string { return append(cifarSubset(t), "k=64") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args(t)
			var dirs []string
			for _, storage := range []string{"storage=stored", "storage=regenerated"} {
				out := filepath.Join(t.TempDir(), "runs")
				if err := runCmd(append([]string{tc.exp, "--out", out, "--quiet", storage}, args...)); err != nil {
					t.Fatal(err)
				}
				dirs = append(dirs, onlyRunDir(t, out))
			}
			if a, b := stripTimes(t, dirs[0]), stripTimes(t, dirs[1]); !bytes.Equal(a, b) {
				t.Fatalf("stored and regenerated runs differ:\n%s\n%s", a, b)
			}
			for _, f := range []string{"best.bin", "checkpoint.bin"} {
				sameTensors(t, filepath.Join(dirs[0], f), filepath.Join(dirs[1], f))
			}
		})
	}
}
