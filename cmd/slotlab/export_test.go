package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/data"
	"github.com/slotlab/slotlab/framework/data/datatest"
	"github.com/slotlab/slotlab/framework/export"
	"github.com/slotlab/slotlab/framework/results"
)

// bnExperiment is a small conv net with batch norm on MNIST, so that export
// carries batch-norm statistics too.
const bnExperiment = `name: bnnet
dataset: mnist
architecture:
  name: bnnet
  input: [1, 28, 28]
  classes: 10
  layers:
    - {type: conv, out: 4, kernel: 3, padding: 1}
    - {type: batchnorm}
    - {type: relu}
    - {type: maxpool, size: 2}
    - {type: flatten}
    - {type: dense, out: 10}
k: 4
train: {epochs: 4, batch_size: 100}
data: {train_limit: 2000, test_limit: 500, val_fraction: 0.03}
`

// TestExportEval trains small runs, exports them in both formats and checks
// that evaluating the files gives exactly the runs' test accuracy at their
// best validation epoch, which every case has before its last (a small
// validation split, a high rate): an export of the last epoch's network
// would give the final accuracy instead. A byte flipped in the
// selections of a slot file must be refused by its CRC-32 (any 3-bit value
// is a valid selection at K=8, so no other check sees it). The dense
// exports of the dense networks are read again by an independent reader,
// Python with numpy (denseNumpyAccuracy). Checked to fail: best.bin
// written every epoch (train.run.loop) fails every case; the CRC
// comparison in decodeSlot skipped fails the flipped byte.
func TestExportEval(t *testing.T) {
	bnFile := filepath.Join(t.TempDir(), "bnnet.yaml")
	if err := os.WriteFile(bnFile, []byte(bnExperiment), 0o644); err != nil {
		t.Fatal(err)
	}
	// 4 epochs on 2,000 images with 60 of them for validation.
	small := append(append([]string(nil), quick...), "train.epochs=4", "data.train_limit=2000", "data.val_fraction=0.03")
	for _, tc := range []struct {
		name    string
		args    []string
		formats []string
		numpy   bool // the dense export is read by Python with numpy too
	}{
		{"lenet slot K=8", append([]string{repoFile("experiments", "lenet.yaml"), "train.optimizer.learning_rate=20"}, small...), []string{"slot", "dense"}, true},
		{"conv with batch norm", []string{bnFile}, []string{"slot", "dense"}, false},
		{"learned", append([]string{repoFile("experiments", "lenet.yaml"), "method=learned"}, small...), []string{"dense"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "runs")
			if err := runCmd(append(tc.args, "--out", out, "--quiet")); err != nil {
				t.Fatal(err)
			}
			dirs, _ := filepath.Glob(filepath.Join(out, "*", "*"))
			r, err := results.ReadResult(dirs[0])
			if err != nil {
				t.Fatal(err)
			}
			if r.BestEpoch >= r.Epochs || r.TestAcc == r.FinalTestAcc {
				t.Fatalf("best epoch %d of %d (test accuracy %v%%, final %v%%): the case must have its best epoch before the last, with another accuracy", r.BestEpoch, r.Epochs, r.TestAcc, r.FinalTestAcc)
			}
			for _, f := range tc.formats {
				file := filepath.Join(t.TempDir(), "net."+f)
				if err := exportCmd([]string{dirs[0], "--format", f, "-o", file}); err != nil {
					t.Fatal(err)
				}
				ev, err := export.Eval(file, "", nil)
				if err != nil {
					t.Fatal(err)
				}
				if ev.Accuracy != r.TestAcc {
					t.Fatalf("%s: evaluating the export gives %v%%, the run's best epoch had %v%%", f, ev.Accuracy, r.TestAcc)
				}
				if f == "slot" {
					b, err := os.ReadFile(file)
					if err != nil {
						t.Fatal(err)
					}
					b[len(b)-100] ^= 0x10 // inside the selections
					bad := filepath.Join(t.TempDir(), "flipped.slot")
					if err := os.WriteFile(bad, b, 0o644); err != nil {
						t.Fatal(err)
					}
					if _, err := export.Eval(bad, "", nil); err == nil || !strings.Contains(err.Error(), bad+": checksum mismatch") {
						t.Fatalf("a flipped byte in the selections: error %v, want the CRC's checksum mismatch naming the file", err)
					}
				}
				if f == "dense" && tc.numpy {
					if got := denseNumpyAccuracy(t, file, r); got != r.TestAcc {
						t.Fatalf("Python with numpy reads the dense export and gets %v%%, the run's best epoch had %v%%", got, r.TestAcc)
					}
				}
			}
			// inspect reads the same network: every connection ranked once.
			_, layers, err := export.Inspect(dirs[0])
			if r.Method == "learned" {
				if err == nil {
					t.Fatal("inspect of a learned network gave no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range layers {
				n := 0
				for _, c := range l.Ranks {
					n += c
				}
				if n != l.Connections || len(l.Ranks) != l.K {
					t.Fatalf("layer %s: %d ranked of %d connections, %d ranks for K=%d", l.Name, n, l.Connections, len(l.Ranks), l.K)
				}
			}
		})
	}
}

func TestExportErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "runs")
	if err := runCmd(append([]string{repoFile("experiments", "lenet.yaml"), "method=learned", "--out", out, "--quiet"}, quick...)); err != nil {
		t.Fatal(err)
	}
	dir := runDirs(t, out)[0]
	if err := exportCmd([]string{dir, "--format", "slot", "-o", filepath.Join(t.TempDir(), "x")}); err == nil || !strings.Contains(err.Error(), "only --format dense") {
		t.Fatalf("slot export of a learned run: %v", err)
	}
	if err := exportCmd([]string{t.TempDir(), "-o", "x"}); err == nil || !strings.Contains(err.Error(), "not a run directory") {
		t.Fatalf("export of an empty dir: %v", err)
	}
	file := filepath.Join(t.TempDir(), "net.safetensors")
	if err := exportCmd([]string{dir, "--format", "dense", "-o", file}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	for name, data := range map[string][]byte{
		"truncated":    b[:len(b)/2],
		"not slotlab":  []byte("hello world, not a model"),
		"empty":        nil,
		"bad slot crc": append([]byte(export.SlotMagic), make([]byte, 40)...),
	} {
		p := filepath.Join(t.TempDir(), "bad")
		_ = os.WriteFile(p, data, 0o644)
		if _, err := export.Eval(p, "", nil); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
	}
}

// denseNumpyAccuracy evaluates a dense export of a network of dense layers
// (Lenet) on the run's MNIST test images with testdata/dense_numpy.py: a
// reader of the safetensors file written from the format's specification,
// with numpy only (Debian's python3-numpy under /usr/bin/python3, which
// .ci/run installs), and a forward pass of its own in float64. Without
// them the test is skipped, or fails when $SLOTLAB_CI is set.
func denseNumpyAccuracy(t *testing.T, file string, r *results.Result) float64 {
	t.Helper()
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import numpy").Run(); err != nil {
		msg := fmt.Sprintf("%s with numpy is needed to read the dense export independently (apt-get install python3-numpy): %v", python, err)
		if os.Getenv(datatest.EnvCI) != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	_, test, err := data.Load("mnist", data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := r.Config["data"].(map[string]any)
	limit, ok := d["test_limit"].(float64) // JSON numbers
	if !ok {
		t.Fatalf("result.json's config has no data.test_limit: %v", d)
	}
	test = test.Limit(int(limit))
	dir := t.TempDir()
	images, labels := filepath.Join(dir, "images"), filepath.Join(dir, "labels")
	if err := os.WriteFile(images, test.Pixels, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(labels, test.Labels, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, filepath.Join("testdata", "dense_numpy.py"), file, images, labels, fmt.Sprint(test.N)).CombinedOutput()
	if err != nil {
		t.Fatalf("dense_numpy.py: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	acc, err := strconv.ParseFloat(lines[0], 64)
	if err != nil {
		t.Fatalf("dense_numpy.py printed %q: %v", out, err)
	}
	t.Logf("numpy reads %s: %s; test accuracy %v%% on %d images", filepath.Base(file), lines[len(lines)-1], acc, test.N)
	return acc
}
