package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzParse feeds arbitrary bytes to the experiment loader: it must never
// panic, a refused file gets an error naming it, and an accepted one is a
// fixed point: its resolved YAML loads to the same config (same hash).
func FuzzParse(f *testing.F) {
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "arch.yaml"), []byte(lenetArch), 0o644); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{goodExp, "", "k: [", "a: &x [*x]", "train: {schedule: {type: multistep, milestones: [3, 1]}}",
		"architecture: {name: x, input: [1, 28, 28], classes: 10, layers: [{type: dense, out: 10}]}\ndataset: mnist",
		"selector: {plugin: ./x}", "sweep: 3", "k: 99999999999999999999", "data: {val_fraction: .nan}",
		goodExp + "winograd: f4\n", "winograd: [f4]", "winograd: F4"} {
		f.Add([]byte(s))
	}
	path := filepath.Join(dir, "exp.yaml")
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := Parse(path, raw, nil)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if e.Arch == nil {
			t.Fatal("no error but no architecture")
		}
		// An accepted config is a fixed point of resolving: its resolved
		// YAML (config.yaml of a run) loads again to the same config.
		b, err := e.YAML()
		if err != nil {
			t.Fatalf("resolved config does not encode: %v", err)
		}
		e2, err := Parse(path, b, nil)
		if err != nil {
			t.Fatalf("the resolved config of an accepted one is refused: %v\n%s", err, b)
		}
		if e2.Hash() != e.Hash() {
			b2, _ := e2.YAML()
			t.Fatalf("resolving twice changes the config:\n%s\nthen\n%s", b, b2)
		}
	})
}

// FuzzParseOverride checks that override parsing and application never
// panic, and that a parsed override round-trips: written back as
// key=value (the value as YAML in flow style) it parses to the same path
// and the same value.
func FuzzParseOverride(f *testing.F) {
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "arch.yaml"), []byte(lenetArch), 0o644); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"k=16", "train.epochs=3", "selector.eval=sample", "=", "a..b=1", "k=[1,2", "selector={id: greedy}", "train=3", "train.optimizer.learning_rate=auto", "x=1e3", "x='7'", "x=", "x=a=b", "x=[1, {a: b}]", "x=~"} {
		f.Add(s)
	}
	path := filepath.Join(dir, "exp.yaml")
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOverride(s)
		if err != nil {
			return
		}
		_, _ = Parse(path, []byte(goodExp), []string{s})
		var want any
		if err := o.Value.Decode(&want); err != nil {
			return // not a plain value (an alias, a custom tag): nothing to compare
		}
		flow(o.Value)
		b, err := yaml.Marshal(o.Value)
		if err != nil {
			return
		}
		again := strings.Join(o.Path, ".") + "=" + strings.TrimSuffix(string(b), "\n")
		o2, err := ParseOverride(again)
		if err != nil {
			t.Fatalf("%q parsed, but written back as %q it does not: %v", s, again, err)
		}
		var got any
		if err := o2.Value.Decode(&got); err != nil {
			t.Fatalf("%q written back as %q: %v", s, again, err)
		}
		if !reflect.DeepEqual(o.Path, o2.Path) || !reflect.DeepEqual(want, got) {
			t.Fatalf("%q → %v = %#v; written back as %q → %v = %#v", s, o.Path, want, again, o2.Path, got)
		}
	})
}

// flow sets flow style on every collection of a YAML tree, as an override
// is written on one line, and spells out implicit nulls (yaml.v3 writes an
// empty !!null scalar as an empty quoted string).
func flow(n *yaml.Node) {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style |= yaml.FlowStyle
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" {
		n.Value = "null"
	}
	// A string with a line break is written double-quoted: yaml.v3 writes
	// "\n\"" as a block scalar that reads back as "\"" (its leading empty
	// line is lost), which would fail the round trip for yaml.v3's sake.
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && strings.Contains(n.Value, "\n") {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		flow(c)
	}
}
