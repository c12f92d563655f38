package nn

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/slotlab/slotlab/framework/nn/gemm"
)

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
		if out[0], err = G.ApplyOp(&denseDXOp{baseOp: newBase("dense_dx", tensor.Shape{op.b, op.in}, 2, 2), fwd: op, dx: newBuffer(tensor.Shape{op.b, op.in})}, inputs[1], grad); err != nil {
			return nil, err
		}
	}
	dw := &denseDWOp{baseOp: newBase("dense_dw", tensor.Shape{op.out, op.in}, 2, 2), fwd: op, dw: newBuffer(tensor.Shape{op.out, op.in})}
	if out[1], err = G.ApplyOp(dw, inputs[0], grad); err != nil {
		return nil, err
	}
	return out, nil
}

// denseDXOp computes ∂L/∂x = ∂L/∂y · W.
type denseDXOp struct {
	baseOp
	fwd *denseOp
	dx  buffer
}

func (op *denseDXOp) Do(v ...G.Value) (G.Value, error) {
	w, dy := f32(v[0]), f32(v[1])
	f := op.fwd
	gemm.Sgemm(false, false, f.b, f.in, f.out, 1, dy, f.out, w, f.in, 0, op.dx.data, f.in)
	return op.dx.t, nil
}

// denseDWOp computes ∂L/∂W = (∂L/∂y)ᵀ · x.
type denseDWOp struct {
	baseOp
	fwd *denseOp
	dw  buffer
}

func (op *denseDWOp) Do(v ...G.Value) (G.Value, error) {
	x, dy := f32(v[0]), f32(v[1])
	f := op.fwd
	gemm.Sgemm(true, false, f.out, f.in, f.b, 1, dy, f.out, x, f.in, 0, op.dw.data, f.in)
	return op.dw.t, nil
}
