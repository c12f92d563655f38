package nn

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/kernels"
)

// A conv layer is a 2-D convolution without bias of an image (C, H, W)
// with Out filters of Kernel × Kernel, Stride and Padding; its weights are
// (Out, C, Kernel, Kernel).
func init() {
	registerLayer(framework.Conv, layerKind{
		summary: "2-D convolution without bias of an image",
		fields:  []string{"out", "kernel (3)", "stride (1)", "padding (0)"},
		check: func(l *LayerSpec) (string, string) {
			if l.Kernel == 0 {
				l.Kernel = 3
			}
			if l.Stride == 0 {
				l.Stride = 1
			}
			switch {
			case l.Out < 1:
				return "out", "a conv layer needs out ≥ 1 (the number of filters)"
			case l.Kernel < 1 || l.Stride < 1 || l.Padding < 0:
				return "", "conv needs kernel ≥ 1, stride ≥ 1 and padding ≥ 0"
			}
			return "", ""
		},
		shape: func(l LayerSpec, in []int) (shaped, string) {
			if len(in) != 3 {
				return shaped{}, fmt.Sprintf("conv layer needs an image input (C, H, W), but the input here is %v (after a flatten?)", in)
			}
			c, h, w := in[0], in[1], in[2]
			oh := (h+2*l.Padding-l.Kernel)/l.Stride + 1
			ow := (w+2*l.Padding-l.Kernel)/l.Stride + 1
			if h+2*l.Padding < l.Kernel || w+2*l.Padding < l.Kernel || oh < 1 || ow < 1 {
				return shaped{}, fmt.Sprintf("conv kernel %d with padding %d does not fit the %d×%d input here; reduce the kernel, add padding or remove a pooling layer before it", l.Kernel, l.Padding, h, w)
			}
			kk := l.Kernel * l.Kernel
			return shaped{out: []int{l.Out, oh, ow}, weights: []int{l.Out, c, l.Kernel, l.Kernel},
				fanIn: c * kk, fanOut: l.Out * kk, macs: int64(oh*ow) * int64(l.Out*c*kk)}, ""
		},
		node: convNode,
	})
}

// convOp is a 2-D convolution without bias: x (N, C, H, W) and weights
// (F, C·KH·KW) give y (N, F, OH, OW). The kernels live in
// framework/nn/kernels; forward and backward share one kernels.Conv and its
// workspaces.
type convOp struct {
	baseOp
	conv   *kernels.Conv
	needDX bool
	y      buffer
	// gradMasked: the layer after the fused ReLU does its gradient
	// (foldsReLUGrad), so the gradient arrives masked already; maskDX:
	// this conv's input is the output of such a ReLU, whose gradient
	// BackwardData does (kernels.Conv.BackwardDataMasked).
	gradMasked, maskDX bool
}

func (op *convOp) Do(v ...G.Value) (G.Value, error) {
	op.conv.Forward(f32(v[0]), f32(v[1]), op.y.data)
	return op.y.t, nil
}

func (op *convOp) DiffWRT(int) []bool { return []bool{op.needDX, true} }

func (op *convOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	s := op.conv.Shape()
	out := make(G.Nodes, 2)
	var err error
	if op.conv.ReLU && !op.gradMasked {
		// The fused ReLU's gradient first: ∂L/∂(conv) = ∂L/∂y where y > 0.
		grad, err = applyKernel("relu_grad", op.shape, func(v []G.Value, dx []float32) {
			kernels.ReLUBackward(f32(v[0]), f32(v[1]), dx)
		}, output, grad)
		if err != nil {
			return nil, err
		}
	}
	if op.needDX {
		// ∂L/∂x from the weights and ∂L/∂y.
		if op.maskDX {
			out[0], err = applyKernel("conv_dx_relu", tensor.Shape{s.N, s.C, s.H, s.W}, func(v []G.Value, dx []float32) {
				op.conv.BackwardDataMasked(f32(v[1]), f32(v[0]), f32(v[2]), dx)
			}, inputs[1], grad, inputs[0])
		} else {
			out[0], err = applyKernel("conv_dx", tensor.Shape{s.N, s.C, s.H, s.W}, func(v []G.Value, dx []float32) {
				op.conv.BackwardData(f32(v[1]), f32(v[0]), dx)
			}, inputs[1], grad)
		}
		if err != nil {
			return nil, err
		}
	}
	// ∂L/∂W, summed over the batch and positions, from x and ∂L/∂y.
	out[1], err = applyWeightGrad("conv_dw", tensor.Shape{s.F, s.C * s.KH * s.KW}, func(v []G.Value, dw []float32) {
		op.conv.BackwardFilter(f32(v[0]), f32(v[1]), dw)
	}, inputs[0], grad)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// convNode adds a conv layer and its weight node to the graph.
func convNode(b *builder, st Step, h *G.Node) (*G.Node, error) {
	s := convShape(st, b.gr.batch)
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", st.Info.Name, err)
	}
	ys := tensor.Shape{s.N, s.F, s.OutH(), s.OutW()}
	conv := kernels.NewConvWith(s, kernels.ConvOptions{Algo: convAlgo(b.n.Options.Winograd4)})
	conv.ReLU = b.fuseReLU
	op := &convOp{baseOp: newBase("conv", ys, 4, 2), conv: conv, needDX: b.needDX, y: newBuffer(ys), gradMasked: b.reluFolded, maskDX: b.nextMasks}
	return apply(st, op, h, b.weight(st, s.F, s.C*s.KH*s.KW))
}

// convShape is the kernel shape of conv step st at batch n.
func convShape(st Step, n int) kernels.ConvShape {
	l := st.Layer
	return kernels.ConvShape{N: n, C: st.In[0], H: st.In[1], W: st.In[2], F: l.Out, KH: l.Kernel, KW: l.Kernel, Stride: l.Stride, Pad: l.Padding}
}

// convAlgo is the algorithm of a network's convs: SLOTLAB_CONV's where it
// is set to other than auto, else auto, with F(4×4) and the transform-GEMM
// path of small planes where winograd4 (Options.Winograd4).
func convAlgo(winograd4 bool) kernels.ConvAlgo {
	a := kernels.DefaultAlgo()
	if a == kernels.ConvAlgoAuto && winograd4 {
		a = kernels.ConvAlgoAuto4
	}
	return a
}

// ConvAlgorithms names the algorithm of each pass of every conv layer of p
// as a network with Options.Winograd4 = winograd4 would run it, by step
// index: "forward / input gradient / filter gradient", each im2col, F(2×2),
// F(4×4) or, for small planes, "F(m×m) GEMM" (kernels.ConvPasses), and "–" for the input gradient below the first weighted
// layer, which is never computed (slotlab describe's column).
func ConvAlgorithms(p *Plan, winograd4 bool) map[int]string {
	out := map[int]string{}
	weighted := false
	for _, st := range p.Steps {
		first := !weighted
		weighted = weighted || st.Weighted
		if st.Layer.Kind != framework.Conv {
			continue
		}
		s := convShape(st, 1)
		if s.Validate() != nil {
			continue
		}
		f, d, w := kernels.ConvPasses(s, convAlgo(winograd4))
		if first {
			d = "–"
		}
		out[st.Index] = f + " / " + d + " / " + w
	}
	return out
}
