package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
train: {epochs: 1, batch_size: 100}
data: {train_limit: 2000, test_limit: 500}
`

// TestExportEval trains small runs, exports them in both formats and checks
// that evaluating the files gives exactly the runs' test accuracy.
func TestExportEval(t *testing.T) {
	bnFile := filepath.Join(t.TempDir(), "bnnet.yaml")
	if err := os.WriteFile(bnFile, []byte(bnExperiment), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		formats []string
	}{
		{"lenet slot K=8", append([]string{repoFile("experiments", "lenet.yaml")}, quick...), []string{"slot", "dense"}},
		{"conv with batch norm", []string{bnFile}, []string{"slot", "dense"}},
		{"learned", append([]string{repoFile("experiments", "lenet.yaml"), "method=learned"}, quick...), []string{"dense"}},
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
