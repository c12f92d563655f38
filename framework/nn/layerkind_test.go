package nn

import (
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/slotlab/slotlab/framework"
)

// This file is what a new kind of layer takes: one registration and its
// op. The test kind "scale" multiplies by Factor (P, default 2).
func init() {
	registerLayer("scale", layerKind{
		check: func(l *LayerSpec) (string, string) {
			if l.P == 0 {
				l.P = 2
			}
			return "", ""
		},
		shape: sameShape,
		node: func(b *builder, st Step, h *G.Node) (*G.Node, error) {
			_, out := b.shape(st)
			return apply(st, &scaleOp{baseOp: newBase("scale", out, out.Dims()), by: float32(st.Layer.P), y: newBuffer(out)}, h)
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
// NewPlan (defaults, shape), builds into both graphs and changes what the
// network computes as it should: with zero weights (so that the softmax is
// uniform either way), doubling the input of the dense layer doubles the
// gradient of its weights.
func TestNewLayerKind(t *testing.T) {
	grads := map[bool][]float32{}
	for _, scaled := range []bool{false, true} {
		layers := []LayerSpec{{Kind: "flatten"}}
		if scaled {
			layers = append(layers, LayerSpec{Kind: "scale"})
		}
		layers = append(layers, LayerSpec{Kind: "dense", Out: 10})
		s := arch([]int{1, 2, 3}, layers...)
		n, err := Build(s, testOptions(framework.MethodLearned, 1, 4))
		if err != nil {
			t.Fatal(err)
		}
		if scaled && n.Plan.Steps[1].Layer.P != 2 {
			t.Fatalf("the default factor was not filled in: %+v", n.Plan.Steps[1].Layer)
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
		grads[scaled] = append([]float32(nil), n.Learned[0].Grad...)
	}
	for i, g := range grads[false] {
		if d := grads[true][i] - 2*g; d > 1e-5 || d < -1e-5 {
			t.Fatalf("gradient %d: %v with the scale layer, want 2 × %v", i, grads[true][i], g)
		}
	}
}
