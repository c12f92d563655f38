package nn

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/gemm"
)

// A dense layer, y = x·Wᵀ without bias, takes features ([in]) and gives
// Out features; its weights are W (Out × in).
func init() {
	registerLayer(framework.Dense, layerKind{
		summary: "fully connected, y = x·Wᵀ without bias; takes features",
		fields:  []string{"out"},
		check: func(l *LayerSpec) (string, string) {
			if l.Out < 1 {
				return "out", "a dense layer needs out ≥ 1 (the number of units)"
			}
			return "", ""
		},
		shape: func(l LayerSpec, in []int) (shaped, string) {
			if len(in) != 1 {
				return shaped{}, fmt.Sprintf("dense layer gets an image of shape %v; add {type: flatten} before it", in)
			}
			return shaped{out: []int{l.Out}, weights: []int{l.Out, in[0]}, fanIn: in[0], fanOut: l.Out,
				macs: int64(in[0]) * int64(l.Out)}, ""
		},
		node: func(b *builder, st Step, h *G.Node) (*G.Node, error) {
			op := newDenseOp(b.gr.batch, st.In[0], st.Out[0], b.needDX)
			return apply(st, op, h, b.weight(st, st.Info.FanOut, st.Info.FanIn))
		},
	})
}

// denseOp computes y = x·Wᵀ for x (B, in) and W (out, in), no bias.
type denseOp struct {
	baseOp
	b, in, out int
	needDX     bool
	y          buffer
}

func newDenseOp(b, in, out int, needDX bool) *denseOp {
	s := tensor.Shape{b, out}
	return &denseOp{baseOp: newBase("dense", s, 2, 2), b: b, in: in, out: out, needDX: needDX, y: newBuffer(s)}
}

func (op *denseOp) Do(v ...G.Value) (G.Value, error) {
	x, w := f32(v[0]), f32(v[1])
	gemm.Sgemm(false, true, op.b, op.out, op.in, 1, x, op.in, w, op.in, 0, op.y.data, op.out)
	return op.y.t, nil
}

func (op *denseOp) DiffWRT(int) []bool { return []bool{op.needDX, true} }

func (op *denseOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	out := make(G.Nodes, 2)
	var err error
	if op.needDX {
		// ∂L/∂x = ∂L/∂y · W.
		out[0], err = applyKernel("dense_dx", tensor.Shape{op.b, op.in}, func(v []G.Value, dx []float32) {
			gemm.Sgemm(false, false, op.b, op.in, op.out, 1, f32(v[1]), op.out, f32(v[0]), op.in, 0, dx, op.in)
		}, inputs[1], grad)
		if err != nil {
			return nil, err
		}
	}
	// ∂L/∂W = (∂L/∂y)ᵀ · x.
	out[1], err = applyWeightGrad("dense_dw", tensor.Shape{op.out, op.in}, func(v []G.Value, dw []float32) {
		gemm.Sgemm(true, false, op.out, op.in, op.b, 1, f32(v[1]), op.out, f32(v[0]), op.in, 0, dw, op.in)
	}, inputs[0], grad)
	if err != nil {
		return nil, err
	}
	return out, nil
}
