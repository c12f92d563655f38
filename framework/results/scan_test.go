package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// store writes runs into a store as run directories: result.json and
// three epochs of metrics each.
func store(t *testing.T, root string, runs ...*Run) {
	t.Helper()
	for _, r := range runs {
		dir := filepath.Join(root, r.Result.Name, r.Result.ConfigHash)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := WriteJSON(filepath.Join(dir, ResultFile), r.Result); err != nil {
			t.Fatal(err)
		}
		var eps []Epoch
		for e := 1; e <= 3; e++ {
			f := float64(e) / 3
			eps = append(eps, Epoch{Epoch: e, ValAcc: r.Result.ValAcc * f, TestAcc: r.Result.TestAcc * f, FLOPs: r.Result.TrainFLOPs * f})
		}
		if err := WriteMetrics(dir, eps); err != nil {
			t.Fatal(err)
		}
	}
}

func TestScan(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	done := fakeRun("lenet-300-100", "slot", "greedy", 2, 0, 96, "done")
	failed := fakeRun("lenet-300-100", "slot", "greedy", 2, 0, 0, "failed") // the same config, failed elsewhere
	other := fakeRun("conv4", "slot", "greedy", 8, 0, 85, "done")
	store(t, a, failed, other)
	store(t, b, done)
	// A stray temporary file of an interrupted write is not a result.
	if err := os.WriteFile(filepath.Join(a, ".result.json.tmp-1"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		paths []string
		want  int
	}{
		{"one store", []string{a}, 2},
		{"a run directory", []string{filepath.Join(b, "exp", done.Result.ConfigHash)}, 1},
		{"two stores, one config in both: the finished copy", []string{a, b}, 2},
		{"the same store twice", []string{a, a}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runs, err := Scan(tc.paths...)
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != tc.want {
				t.Fatalf("%d runs, want %d", len(runs), tc.want)
			}
			for _, r := range runs {
				if r.Result.ConfigHash == done.Result.ConfigHash && len(tc.paths) == 2 && tc.paths[0] != tc.paths[1] && !r.Done() {
					t.Fatal("kept the failed copy over the finished one")
				}
				m, err := r.Metrics()
				if err != nil || len(m) != 3 {
					t.Fatalf("metrics %v %v", m, err)
				}
			}
		})
	}
	if _, err := Scan(filepath.Join(a, "missing")); err == nil {
		t.Error("a missing directory is an error")
	}
	bad := filepath.Join(t.TempDir(), "x")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, ResultFile), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Scan(bad); err == nil {
		t.Error("a corrupt result.json is an error")
	}
}

// TestOldResultRoundTrip checks that a result.json written before slotlab
// recorded how a run started reads and writes back without a start block
// of zeros that would claim a fresh start of 0 steps: slotlab verify
// --mark rewrites such files.
func TestOldResultRoundTrip(t *testing.T) {
	dir := t.TempDir()
	old := `{"name": "lenet", "run_id": "abc", "status": "done", "epochs": 2, "config_hash": "abc"}`
	if err := os.WriteFile(filepath.Join(dir, ResultFile), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := ReadResult(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(filepath.Join(dir, ResultFile), r); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"start"`) {
		t.Errorf("a result without a start record was written back with one:\n%s", b)
	}
}
