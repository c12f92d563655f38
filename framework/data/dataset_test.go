package data

import (
	"strings"
	"testing"
)

// tiny is a valid dataset for the registry tests; each case changes it.
func tiny(name string) Dataset {
	return Dataset{Name: name, Input: [3]int{1, 2, 2}, Classes: 2, ValFraction: 0.5,
		Load: func(Options) (*Set, *Set, error) {
			s := &Set{Name: name, N: 1, C: 1, H: 2, W: 2, Classes: 2, Pixels: make([]uint8, 4), Labels: []uint8{1}}
			return s, s, nil
		}}
}

// TestRegisterRejects checks that Register refuses, by panicking with the
// reason, a dataset it could not serve or whose name is taken.
func TestRegisterRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Dataset)
		want string
	}{
		{"no name", func(d *Dataset) { d.Name = "" }, "must be non-empty, lower case"},
		{"upper case", func(d *Dataset) { d.Name = "Tiny" }, "must be non-empty, lower case"},
		{"no loader", func(d *Dataset) { d.Load = nil }, "has no Load function"},
		{"zero width", func(d *Dataset) { d.Input[2] = 0 }, "must be positive"},
		{"no classes", func(d *Dataset) { d.Classes = 0 }, "1 to 256"},
		{"too many classes", func(d *Dataset) { d.Classes = 257 }, "1 to 256"},
		{"no validation", func(d *Dataset) { d.ValFraction = 0 }, "must be in (0, 1)"},
		{"mean without std", func(d *Dataset) { d.Norm.Mean = []float32{0} }, "for each of its 1 channels"},
		{"norm of other channels", func(d *Dataset) { d.Norm = Normalization{Mean: []float32{0, 0}, Std: []float32{1, 1}} }, "for each of its 1 channels"},
		{"zero std", func(d *Dataset) { d.Norm = Normalization{Mean: []float32{0}, Std: []float32{0}} }, "zero standard deviation"},
		{"name taken", func(d *Dataset) { d.Name = "mnist" }, `the name "mnist" is taken by dataset "mnist"`},
		{"alias taken", func(d *Dataset) { d.Aliases = []string{"CIFAR-10"} }, `the name "CIFAR-10" is taken by dataset "cifar10"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tiny("test-rejected")
			tc.edit(&d)
			defer func() {
				r := recover()
				if msg, _ := r.(string); !strings.Contains(msg, tc.want) {
					t.Errorf("Register panicked with %v, want a message with %q", r, tc.want)
				}
				if _, ok := Lookup(d.Name); ok && d.Name != "mnist" {
					t.Errorf("the rejected dataset %q was registered", d.Name)
				}
			}()
			Register(d)
		})
	}
}

// TestLookupAndLoad checks that a registered dataset is found by its name
// and aliases in any case, and that Load refuses sets of another shape or
// class count than the dataset declares.
func TestLookupAndLoad(t *testing.T) {
	d := tiny("test-tiny")
	d.Aliases = []string{"test-little"}
	Register(d)
	for _, name := range []string{"test-tiny", "TEST-TINY", " test-little "} {
		if got, ok := Lookup(name); !ok || got.Name != "test-tiny" {
			t.Errorf("Lookup(%q) = %q, %v", name, got.Name, ok)
		}
	}
	if train, test, err := Load("test-little", Options{}); err != nil || train.N != 1 || test.N != 1 {
		t.Errorf("Load: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Set)
	}{
		{"other shape", func(s *Set) { s.W = 4 }},
		{"other classes", func(s *Set) { s.Classes = 3 }},
	} {
		bad := tiny("test-" + strings.ReplaceAll(tc.name, " ", "-"))
		load := bad.Load
		bad.Load = func(o Options) (*Set, *Set, error) {
			train, _, _ := load(o)
			test := *train
			tc.edit(&test)
			return train, &test, nil
		}
		Register(bad)
		_, _, err := Load(bad.Name, Options{})
		wantErr(t, err, "dataset "+bad.Name+" loaded", "but it declares 1×2×2 and 2 classes")
	}
}
