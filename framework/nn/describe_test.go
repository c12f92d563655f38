package nn

import (
	"errors"
	"github.com/slotlab/slotlab/framework"
	"slices"
	"strings"
	"testing"
)

func TestDescribeLenet(t *testing.T) {
	p, err := NewPlan(lenetArch(), 8)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Describe(p, framework.MethodSlot, 8, perConn{}, false)
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
	if r, _ := Describe(p, framework.MethodSlot, 8, perConn{}, true); r.Memory != 4*266200*7 {
		t.Fatalf("regenerated slot state %d bytes, want %d", r.Memory, 4*266200*7)
	}
}

// TestPlanErrors checks that NewPlan refuses what cannot be built, saying
// why and where (SpecError.Path, which config turns into file positions).
func TestPlanErrors(t *testing.T) {
	dense10 := LayerSpec{Kind: "dense", Out: 10}
	for _, tc := range []struct {
		name   string
		input  []int
		layers []LayerSpec
		path   string
		want   string
	}{
		{"dense on image", nil, []LayerSpec{dense10}, "layers[0]", "add {type: flatten} before it"},
		{"conv too big", nil, []LayerSpec{{Kind: "conv", Out: 4, Kernel: 40, Stride: 1}, {Kind: "flatten"}, dense10}, "layers[0]", "does not fit the 28×28 input"},
		{"wrong classes", nil, []LayerSpec{{Kind: "flatten"}, {Kind: "dense", Out: 7}}, "layers[1]", "must end with 10 outputs"},
		{"no weights", nil, []LayerSpec{{Kind: "flatten"}}, "layers", "no dense or conv layer"},
		{"pool after flatten", nil, []LayerSpec{{Kind: "flatten"}, {Kind: "maxpool", Size: 2, Stride: 2}, dense10}, "layers[1]", "needs an image input"},
		{"unknown kind", nil, []LayerSpec{{Kind: "dense2"}, dense10}, "layers[0].type", `unknown layer type "dense2"`},
		{"conv without filters", nil, []LayerSpec{{Kind: "conv"}, {Kind: "flatten"}, dense10}, "layers[0].out", "needs out ≥ 1"},
		{"negative padding", nil, []LayerSpec{{Kind: "conv", Out: 2, Padding: -1}, {Kind: "flatten"}, dense10}, "layers[0]", "padding ≥ 0"},
		{"dropout p 1", nil, []LayerSpec{{Kind: "flatten"}, {Kind: "dropout", P: 1}, dense10}, "layers[1].p", "must be in [0, 1)"},
		{"name twice", nil, []LayerSpec{{Kind: "flatten"}, {Kind: "dense", Out: 5, Name: "a"}, {Kind: "dense", Out: 10, Name: "a"}}, "layers[2].name", `"a" is used twice`},
		{"bad input", []int{1, 28}, []LayerSpec{{Kind: "flatten"}, dense10}, "input", "[channels, height, width]"},
	} {
		in := tc.input
		if in == nil {
			in = []int{1, 28, 28}
		}
		_, err := NewPlan(arch(in, tc.layers...), 2)
		var se *SpecError
		if !errors.As(err, &se) || se.Path() != tc.path || !strings.Contains(se.Msg, tc.want) {
			t.Errorf("%s: error %v, want %q at %s", tc.name, err, tc.want, tc.path)
		}
	}
}

// TestPlanDefaults checks that NewPlan fills in the layers' defaults as
// the layer kinds document them.
func TestPlanDefaults(t *testing.T) {
	p, err := NewPlan(arch([]int{1, 28, 28}, LayerSpec{Kind: "conv", Out: 2}, LayerSpec{Kind: "maxpool"},
		LayerSpec{Kind: "avgpool", Size: 3}, LayerSpec{Kind: "flatten"}, LayerSpec{Kind: "dense", Out: 10}), 2)
	if err != nil {
		t.Fatal(err)
	}
	conv, maxp, avgp := p.Steps[0].Layer, p.Steps[1].Layer, p.Steps[2].Layer
	if conv.Kernel != 3 || conv.Stride != 1 || maxp.Size != 2 || maxp.Stride != 2 || avgp.Stride != 3 {
		t.Fatalf("defaults: conv %+v, maxpool %+v, avgpool %+v", conv, maxp, avgp)
	}
	if got := p.Steps[0].WeightShape; !slices.Equal(got, []int{2, 1, 3, 3}) || p.Steps[0].Info.Name != "conv0" || p.Steps[4].Info.Name != "dense1" {
		t.Fatalf("conv weights %v, names %s %s", got, p.Steps[0].Info.Name, p.Steps[4].Info.Name)
	}
	if !slices.Equal(p.Steps[2].Out, []int{2, 4, 4}) { // 26 → 13 → (13−3)/3+1
		t.Fatalf("avgpool output %v", p.Steps[2].Out)
	}
}

// TestLayerKindsComplete checks that every kind of layer framework names
// is in the engine's table (the tests add one of their own, "scale"), with
// a summary for the lists.
func TestLayerKindsComplete(t *testing.T) {
	got := LayerKinds()
	for _, k := range []framework.LayerKind{framework.AvgPool, framework.BatchNorm, framework.Conv, framework.Dense, framework.Dropout, framework.Flatten, framework.MaxPool, framework.ReLU} {
		i := slices.IndexFunc(got, func(info LayerKindInfo) bool { return info.Kind == k })
		if i < 0 || got[i].Summary == "" {
			t.Errorf("LayerKinds() = %v lacks %s or its summary", got, k)
		}
	}
}
