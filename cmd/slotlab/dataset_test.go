package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/data"
	"github.com/slotlab/slotlab/framework/results"
)

// A dataset added in one file: 8×8 grey images of a bright row (class 0)
// or a bright column (class 1) over faint noise. The init below is all a
// dataset needs to be named by an experiment's dataset: key, get its own
// defaults, and be listed by `slotlab list-modules` and `slotlab run
// --help`.
func init() {
	data.Register(data.Dataset{
		Name:        "stripes",
		Aliases:     []string{"stripes-8"},
		Summary:     "bright rows or columns over noise",
		Input:       [3]int{1, 8, 8},
		Classes:     2,
		ValFraction: 0.25,
		Flip:        true,
		Load: func(data.Options) (train, test *data.Set, err error) {
			return stripes("stripes/train", 400, 1), stripes("stripes/test", 200, 2), nil
		},
	})
}

// stripes makes n images, a row and a column in turn, drawn from seed.
func stripes(name string, n int, seed uint32) *data.Set {
	s := &data.Set{Name: name, N: n, C: 1, H: 8, W: 8, Classes: 2, Pixels: make([]uint8, n*64), Labels: make([]uint8, n)}
	x := seed
	next := func() uint32 { x = x*1664525 + 1013904223; return x >> 24 }
	for i := range n {
		img := s.Image(i)
		for p := range img {
			img[p] = uint8(next() / 4) // noise below 64
		}
		line := int(next() % 8)
		s.Labels[i] = uint8(i % 2)
		for j := range 8 {
			if i%2 == 0 {
				img[line*8+j] = 255
			} else {
				img[j*8+line] = 255
			}
		}
	}
	return s
}

// stripesExperiment trains a small slot machine on the dataset above,
// named by its alias.
const stripesExperiment = `name: stripes
dataset: Stripes-8
architecture:
  name: stripes-mlp
  input: [1, 8, 8]
  classes: 2
  layers:
    - {type: flatten}
    - {type: dense, out: 32}
    - {type: relu}
    - {type: dense, out: 2}
k: 8
train: {epochs: 3, batch_size: 20}
`

// TestDatasetInOneFile checks that the dataset this file registers trains
// from YAML with its own defaults (validation fraction 0.25, flips on) to
// well above chance, that describe takes the experiment, and that
// `slotlab list-modules` and `slotlab run --help` list it.
func TestDatasetInOneFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "stripes.yaml")
	if err := os.WriteFile(file, []byte(stripesExperiment), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "runs")
	if _, err := capture(t, func() error { return runCmd([]string{file, "--out", out, "--quiet"}) }); err != nil {
		t.Fatal(err)
	}
	runs, err := filepath.Glob(filepath.Join(out, "stripes", "*"))
	if err != nil || len(runs) != 1 {
		t.Fatalf("run directories %v (%v)", runs, err)
	}
	r, err := results.ReadResult(runs[0])
	if err != nil || r.Status != results.StatusDone || r.TestAcc < 90 {
		t.Fatalf("result %+v (%v): want a finished run above 90%% test accuracy", r, err)
	}
	cfg, err := os.ReadFile(filepath.Join(runs[0], results.ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dataset: stripes\n", "val_fraction: 0.25\n", "flip: true\n"} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("the run's config has no %q:\n%s", want, cfg)
		}
	}
	for _, tc := range []struct {
		name string
		cmd  func() error
		want []string
	}{
		{"describe", func() error { return describeCmd([]string{file}) }, []string{"input 1×8×8, 2 classes"}},
		{"list-modules", func() error { return listModulesCmd(nil) }, []string{"datasets.stripes", "built-in", "bright rows or columns over noise: input 1×8×8, 2 classes", "data.val_fraction 0.25, data.augment.flip true", "also named stripes-8"}},
		{"run --help", func() error { return helpOf(runCmd) }, []string{"stripes  bright rows or columns over noise, 1×8×8, 2 classes"}},
	} {
		got, err := capture(t, tc.cmd)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !rowWith(got, tc.want) {
			t.Errorf("%s does not show %q:\n%s", tc.name, tc.want, got)
		}
	}
}
