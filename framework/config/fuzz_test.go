package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the experiment loader: it must return
// a config or an error, never panic.
func FuzzParse(f *testing.F) {
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "arch.yaml"), []byte(lenetArch), 0o644); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{goodExp, "", "k: [", "a: &x [*x]", "train: {schedule: {type: multistep, milestones: [3, 1]}}",
		"architecture: {name: x, input: [1, 28, 28], classes: 10, layers: [{type: dense, out: 10}]}\ndataset: mnist",
		"selector: {plugin: ./x}", "sweep: 3", "k: 99999999999999999999", "data: {val_fraction: .nan}"} {
		f.Add([]byte(s))
	}
	path := filepath.Join(dir, "exp.yaml")
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := Parse(path, raw, nil)
		if err == nil && e.Arch == nil {
			t.Fatal("no error but no architecture")
		}
	})
}

// FuzzParseOverride checks that override parsing and application never
// panic.
func FuzzParseOverride(f *testing.F) {
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "arch.yaml"), []byte(lenetArch), 0o644); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"k=16", "train.epochs=3", "selector.eval=sample", "=", "a..b=1", "k=[1,2", "selector={id: greedy}", "train=3", "train.optimizer.learning_rate=auto"} {
		f.Add(s)
	}
	path := filepath.Join(dir, "exp.yaml")
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := ParseOverride(s); err != nil {
			return
		}
		_, _ = Parse(path, []byte(goodExp), []string{s})
	})
}
