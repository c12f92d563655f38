package nn

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/kernels"
)

// ReLU is max(x, 0), elementwise, of any shape.
func init() {
	registerLayer(framework.ReLU, layerKind{
		summary: "max(x, 0), elementwise",
		shape:   sameShape,
		node: func(b *builder, st Step, h *G.Node) (*G.Node, error) {
			_, out := b.shape(st)
			return apply(st, newReLUOp(out), h)
		},
	})
}

// reluOp computes y = max(x, 0).
type reluOp struct {
	baseOp
	y buffer
}

func newReLUOp(s tensor.Shape) *reluOp {
	return &reluOp{baseOp: newBase("relu", s, s.Dims()), y: newBuffer(s)}
}

func (op *reluOp) Do(v ...G.Value) (G.Value, error) {
	kernels.ReLUForward(f32(v[0]), op.y.data)
	return op.y.t, nil
}

func (op *reluOp) DiffWRT(int) []bool { return []bool{true} }

func (op *reluOp) SymDiff(_ G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	// ∂L/∂x = ∂L/∂y where y > 0, from y and ∂L/∂y.
	n, err := applyKernel("relu_grad", op.shape, func(v []G.Value, dx []float32) {
		kernels.ReLUBackward(f32(v[0]), f32(v[1]), dx)
	}, out, grad)
	return G.Nodes{n}, err
}
