package nn

import (
	"maps"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/slotlab/slotlab/framework"
)

// This file is what a new kind of layer takes: one registration and its
// op. The test kind "scale" multiplies by its own parameter factor
// (default 2), written {type: scale, factor: 3} in an architecture
// (layerkind_yaml_test.go reads one).
func init() {
	registerLayer("scale", layerKind{
		summary: "multiplies by factor",
		params:  []LayerParam{{Name: "factor", Default: 2}},
		check: func(l *LayerSpec) (string, string) {
			if l.Params["factor"] == 0 {
				return "factor", "scale needs a factor other than 0"
			}
			return "", ""
		},
		shape: sameShape,
		node: func(b *builder, st Step, h *G.Node) (*G.Node, error) {
			_, out := b.shape(st)
			return apply(st, &scaleOp{baseOp: newBase("scale", out, out.Dims()), by: float32(st.Layer.Params["factor"]), y: newBuffer(out)}, h)
		},
	})
}

type scaleOp struct {
	baseOp
	by float32
	y  buffer
}

func (op *scaleOp) Do(v ...G.Value) (G.Value, error) {
	for i, x := range f32(v[0]) {
		op.y.data[i] = op.by * x
	}
	return op.y.t, nil
}

func (op *scaleOp) DiffWRT(int) []bool { return []bool{true} }

func (op *scaleOp) SymDiff(_ G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	n, err := applyKernel("scale_grad", op.shape, func(v []G.Value, dx []float32) {
		for i, g := range f32(v[0]) {
			dx[i] = op.by * g
		}
	}, grad)
	return G.Nodes{n}, err
}

// TestNewLayerKind checks that a kind registered in one file is known to
// NewPlan (its parameter's default, shape), builds into both graphs and
// changes what the network computes as it should: with zero weights (so
// that the softmax is uniform either way), scaling the input of the dense
// layer by the factor scales the gradient of its weights by it.
func TestNewLayerKind(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params map[string]float64
		factor float64
	}{
		{"default factor", nil, 2},
		{"factor 3", map[string]float64{"factor": 3}, 3},
		{"factor -0.5", map[string]float64{"factor": -0.5}, -0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain, scaled := denseGrad(t, nil), denseGrad(t, &LayerSpec{Kind: "scale", Params: tc.params})
			for i, g := range plain {
				if d := scaled[i] - float32(tc.factor)*g; d > 1e-5 || d < -1e-5 {
					t.Fatalf("gradient %d: %v with the scale layer, want %v × %v", i, scaled[i], tc.factor, g)
				}
			}
		})
	}
}

// denseGrad is the gradient of the weights of flatten, [extra,] dense 10
// with zero weights, on a fixed batch.
func denseGrad(t *testing.T, extra *LayerSpec) []float32 {
	t.Helper()
	layers := []LayerSpec{{Kind: "flatten"}}
	if extra != nil {
		layers = append(layers, *extra)
	}
	layers = append(layers, LayerSpec{Kind: "dense", Out: 10})
	n, err := Build(arch([]int{1, 2, 3}, layers...), testOptions(framework.MethodLearned, 1, 4))
	if err != nil {
		t.Fatal(err)
	}
	clear(n.Learned[0].W)
	x, labels := n.TrainInput()
	for i := range x {
		x[i] = float32(i%7) - 3
	}
	for i := range labels {
		labels[i] = int32(i)
	}
	if _, _, err := n.TrainStep(Hyper{}); err != nil {
		t.Fatal(err)
	}
	return append([]float32(nil), n.Learned[0].Grad...)
}

// TestLayerKindParams checks what CheckLayer does with a kind's own
// parameters: fills in the default without touching the caller's map,
// refuses keys the kind does not declare and passes a bad value to the
// kind's check; and that LayerKinds lists the kind with its key.
func TestLayerKindParams(t *testing.T) {
	for _, tc := range []struct {
		name   string
		layer  LayerSpec
		want   float64
		errTxt string
	}{
		{"default", LayerSpec{Kind: "scale"}, 2, ""},
		{"default into an empty map", LayerSpec{Kind: "scale", Params: map[string]float64{}}, 2, ""},
		{"given", LayerSpec{Kind: "scale", Params: map[string]float64{"factor": 5}}, 5, ""},
		{"misspelt", LayerSpec{Kind: "scale", Params: map[string]float64{"factr": 5}}, 0, `layers[1].factr: unknown key "factr" for a scale layer (it takes keys of its own: factor)`},
		{"other kind", LayerSpec{Kind: "relu", Params: map[string]float64{"factor": 5}}, 0, `layers[1].factor: unknown key "factor" for a relu layer (it takes no keys of its own)`},
		{"checked", LayerSpec{Kind: "scale", Params: map[string]float64{"factor": 0}}, 0, "layers[1].factor: scale needs a factor other than 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			given := maps.Clone(tc.layer.Params)
			l := tc.layer
			err := CheckLayer(1, &l)
			if tc.errTxt != "" {
				if err == nil || err.Error() != tc.errTxt {
					t.Fatalf("error %v, want %s", err, tc.errTxt)
				}
				return
			}
			if err != nil || l.Params["factor"] != tc.want || !maps.Equal(tc.layer.Params, given) {
				t.Fatalf("params %v (%v), the caller's %v; want factor %v, the caller's unchanged", l.Params, err, tc.layer.Params, tc.want)
			}
		})
	}
	kinds := LayerKinds()
	i := slices.IndexFunc(kinds, func(k LayerKindInfo) bool { return k.Kind == "scale" })
	if i < 0 || kinds[i].Summary != "multiplies by factor" || !slices.Equal(kinds[i].Keys, []string{"factor (2)"}) {
		t.Fatalf("LayerKinds() lists scale as %+v", kinds)
	}
}
