package nn

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/slotlab/slotlab/framework/nn/kernels"
)

// convOp is a 2-D convolution without bias: x (N, C, H, W) and weights
// (F, C·KH·KW) give y (N, F, OH, OW). The kernels live in
// framework/nn/kernels; forward and backward share one kernels.Conv and its
// workspaces.
type convOp struct {
	baseOp
	conv   *kernels.Conv
	needDX bool
	y      buffer
}

func (op *convOp) Do(v ...G.Value) (G.Value, error) {
	op.conv.Forward(f32(v[0]), f32(v[1]), op.y.data)
	return op.y.t, nil
}

func (op *convOp) DiffWRT(int) []bool { return []bool{op.needDX, true} }

func (op *convOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	s := op.conv.Shape()
	out := make(G.Nodes, 2)
	var err error
	if op.needDX {
		// ∂L/∂x from the weights and ∂L/∂y.
		out[0], err = applyKernel("conv_dx", tensor.Shape{s.N, s.C, s.H, s.W}, func(v []G.Value, dx []float32) {
			op.conv.BackwardData(f32(v[1]), f32(v[0]), dx)
		}, inputs[1], grad)
		if err != nil {
			return nil, err
		}
	}
	// ∂L/∂W, summed over the batch and positions, from x and ∂L/∂y.
	out[1], err = applyKernel("conv_dw", tensor.Shape{s.F, s.C * s.KH * s.KW}, func(v []G.Value, dw []float32) {
		op.conv.BackwardFilter(f32(v[0]), f32(v[1]), dw)
	}, inputs[0], grad)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// convNode adds a conv layer and its weight node to the graph.
func (n *Network) convNode(gr *graph, st Step, h *G.Node, widx int, train, needDX bool, wnodes *G.Nodes) (*G.Node, error) {
	l := st.Layer
	s := kernels.ConvShape{N: gr.batch, C: st.In[0], H: st.In[1], W: st.In[2], F: l.Out, KH: l.Kernel, KW: l.Kernel, Stride: l.Stride, Pad: l.Padding}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", st.Info.Name, err)
	}
	wn := n.weightNode(gr.g, st, widx, train, s.F, s.C*s.KH*s.KW)
	*wnodes = append(*wnodes, wn)
	ys := tensor.Shape{s.N, s.F, s.OutH(), s.OutW()}
	op := &convOp{baseOp: newBase("conv", ys, 4, 2), conv: kernels.NewConv(s), needDX: needDX, y: newBuffer(ys)}
	return G.ApplyOp(op, h, wn)
}
