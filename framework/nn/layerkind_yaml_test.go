package nn_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/nn"
)

// TestLayerKindFromYAML checks that the kind layerkind_test.go registers
// (scale, with its own parameter factor) is usable from an architecture
// file as config reads it: its key decoded, its default written back into
// the resolved architecture, handed to the engine, and a misspelt key
// placed at its line and column. (This test is a package of its own,
// nn_test, because config imports nn.)
func TestLayerKindFromYAML(t *testing.T) {
	const head = "name: scaled\ninput: [1, 2, 3]\nclasses: 10\nlayers:\n  - {type: flatten}\n"
	for _, tc := range []struct {
		name, layer string
		factor      float64
		resolved    string
		errTxt      string
	}{
		{"given", "  - {type: scale, factor: 3}\n", 3, "factor: 3\n", ""},
		{"default", "  - {type: scale}\n", 2, "factor: 2\n", ""},
		{"misspelt", "  - {type: scale, factr: 3}\n", 0, "", `arch.yaml:6:19: unknown key "factr" in "layers[1]"; did you mean "factor"?`},
		{"not a number", "  - {type: scale, factor: big}\n", 0, "", `arch.yaml:6:27: "layers[1].factor" must be a number, not "big"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "arch.yaml")
			if err := os.WriteFile(p, []byte(head+tc.layer+"  - {type: dense, out: 10}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			a, err := config.LoadArchitecture(p)
			if tc.errTxt != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errTxt) {
					t.Fatalf("error %v, want %s", err, tc.errTxt)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			plan, err := nn.NewPlan(a.Spec(), 1)
			if err != nil || plan.Steps[1].Layer.Params["factor"] != tc.factor {
				t.Fatalf("the engine got %+v (%v), want factor %v", plan.Steps[1].Layer, err, tc.factor)
			}
			out, err := yaml.Marshal(a)
			if err != nil || !strings.Contains(string(out), tc.resolved) {
				t.Fatalf("the resolved architecture (%v) has no %q:\n%s", err, tc.resolved, out)
			}
		})
	}
}
