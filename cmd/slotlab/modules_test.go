package main

import (
	"io"
	"os"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn"
)

// TestDeclared checks how list-modules shows a selector's rate policy:
// one value where every dataset gets the same, else each dataset's.
func TestDeclared(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy func(framework.RateContext) (float64, bool)
		want   string
	}{
		{"same everywhere", func(framework.RateContext) (float64, bool) { return 25, true }, "rate: 25"},
		{"a declared 0", func(framework.RateContext) (float64, bool) { return 0, true }, "rate: 0"},
		{"none", func(framework.RateContext) (float64, bool) { return 0, false }, ""},
		{"by dataset", func(c framework.RateContext) (float64, bool) {
			switch c.Dataset {
			case "cifar10":
				return 10, true
			case "mnist":
				return 25, true
			}
			return 0, false // a dataset a test registers
		}, "rate: 10 (cifar10), 25 (mnist)"},
		{"one dataset only", func(c framework.RateContext) (float64, bool) { return 25, c.Dataset == "mnist" }, "rate: 25 (mnist)"},
		{"asked for a slot machine", func(c framework.RateContext) (float64, bool) { return 1, c.Method == framework.MethodSlot }, "rate: 1"},
	} {
		if got := declared("rate", tc.policy); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestLayerKindsListed checks that list-modules and describe --help list
// every kind of layer the engine registers, with its summary and keys.
func TestLayerKindsListed(t *testing.T) {
	for _, tc := range []struct {
		name, prefix string
		cmd          func() error
	}{
		{"list-modules", "layers.", func() error { return listModulesCmd(nil) }},
		{"describe --help", "  ", func() error { return helpOf(describeCmd) }},
	} {
		out, err := capture(t, tc.cmd)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for _, k := range nn.LayerKinds() {
			if want := []string{tc.prefix + string(k.Kind) + " ", describeLayerKind(k)}; !rowWith(out, want) {
				t.Errorf("%s does not list %q:\n%s", tc.name, want, out)
			}
		}
	}
}

// helpOf prints a command's --help, which goes to stderr, on stdout.
func helpOf(cmd func([]string) error) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	old := os.Stderr
	os.Stderr = w
	_ = cmd([]string{"--help"})
	os.Stderr = old
	w.Close()
	_, err = io.Copy(os.Stdout, r)
	return err
}
