package nn

import (
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/config"
)

func TestDescribeLenet(t *testing.T) {
	p, err := NewPlan(lenetArch(), 8)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Describe(p, "slot", 8, perConn{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if d.Weights != 266200 || d.MACs != 266200 {
		t.Fatalf("Lenet: %d weights, %d MACs; want 266,200 each", d.Weights, d.MACs)
	}
	// K initial scores, K weights and 7 numbers per connection.
	if want := int64(4 * 266200 * (2*8 + 7)); d.Memory != want {
		t.Fatalf("slot state %d bytes, want %d", d.Memory, want)
	}
	if r, _ := Describe(p, "slot", 8, perConn{}, true); r.Memory != 4*266200*7 {
		t.Fatalf("regenerated slot state %d bytes, want %d", r.Memory, 4*266200*7)
	}
}

func TestPlanErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		layers []config.Layer
		want   string
	}{
		{"dense on image", []config.Layer{{Type: "dense", Out: 10}}, "add {type: flatten} before it"},
		{"conv too big", []config.Layer{{Type: "conv", Out: 4, Kernel: 40, Stride: 1}, {Type: "flatten"}, {Type: "dense", Out: 10}}, "does not fit the 28×28 input"},
		{"wrong classes", []config.Layer{{Type: "flatten"}, {Type: "dense", Out: 7}}, "must end with 10 outputs"},
		{"no weights", []config.Layer{{Type: "flatten"}}, "no dense or conv layer"},
		{"pool after flatten", []config.Layer{{Type: "flatten"}, {Type: "maxpool", Size: 2, Stride: 2}, {Type: "dense", Out: 10}}, "needs an image input"},
	} {
		a := arch([]int{1, 28, 28}, tc.layers...)
		a.Src = nil
		if _, err := NewPlan(a, 2); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
