package nn

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/kernels"
)

// Max and average pooling take an image (C, H, W) in windows of Size ×
// Size, Stride apart (Size 2 and Stride = Size unless given).
func init() {
	for kind, what := range map[framework.LayerKind]string{framework.MaxPool: "maximum", framework.AvgPool: "average"} {
		registerLayer(kind, layerKind{summary: "the " + what + " of each window of an image", fields: []string{"size (2)", "stride (= size)"},
			check: checkPool, shape: poolShape, node: poolNode})
	}
}

func checkPool(l *LayerSpec) (string, string) {
	if l.Size == 0 {
		l.Size = 2
	}
	if l.Stride == 0 {
		l.Stride = l.Size
	}
	if l.Size < 1 || l.Stride < 1 {
		return "", fmt.Sprintf("%s needs size ≥ 1 and stride ≥ 1", l.Kind)
	}
	return "", ""
}

func poolShape(l LayerSpec, in []int) (shaped, string) {
	if len(in) != 3 {
		return shaped{}, fmt.Sprintf("%s needs an image input (C, H, W), but the input here is %v", l.Kind, in)
	}
	c, h, w := in[0], in[1], in[2]
	if h < l.Size || w < l.Size {
		return shaped{}, fmt.Sprintf("%s of size %d does not fit the %d×%d input here; remove it or a pooling layer before it", l.Kind, l.Size, h, w)
	}
	return shaped{out: []int{c, (h-l.Size)/l.Stride + 1, (w-l.Size)/l.Stride + 1}}, ""
}

func poolNode(b *builder, st Step, h *G.Node) (*G.Node, error) {
	in, out := b.shape(st)
	l := st.Layer
	p := kernels.Pool2D{N: in[0], C: in[1], H: in[2], W: in[3], Size: l.Size, Stride: l.Stride}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("layer %d: %w", st.Index, err)
	}
	op := &poolOp{baseOp: newBase(string(l.Kind), out, 4), p: p, max: l.Kind == framework.MaxPool, y: newBuffer(out)}
	if op.max {
		op.argmax = make([]int32, out.TotalSize())
		if b.nextMasks && b.train {
			op.masked = make([]float32, out.TotalSize())
		}
	}
	return apply(st, op, h)
}

// poolOp is max or average pooling.
type poolOp struct {
	baseOp
	p      kernels.Pool2D
	max    bool
	argmax []int32
	y      buffer
	// masked, when not nil, is ∂L/∂y masked by y > 0: the gradient of the
	// ReLU fused into the conv before this max pool (foldsReLUGrad).
	masked []float32
}

func (op *poolOp) Do(v ...G.Value) (G.Value, error) {
	if op.max {
		kernels.MaxPoolForward(op.p, f32(v[0]), op.y.data, op.argmax)
	} else {
		kernels.AvgPoolForward(op.p, f32(v[0]), op.y.data)
	}
	return op.y.t, nil
}

func (op *poolOp) DiffWRT(int) []bool { return []bool{true} }

func (op *poolOp) SymDiff(_ G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.masked != nil {
		// The ReLU's gradient on the pooled tensor, then the routing.
		node, err := applyKernel(op.name+"_relu_grad", tensor.Shape{op.p.N, op.p.C, op.p.H, op.p.W}, func(v []G.Value, dx []float32) {
			kernels.ReLUBackward(f32(v[0]), f32(v[1]), op.masked)
			kernels.MaxPoolBackward(op.p, op.masked, op.argmax, dx)
		}, output, grad)
		return G.Nodes{node}, err
	}
	// Routes ∂L/∂y back through the pooling.
	node, err := applyKernel(op.name+"_grad", tensor.Shape{op.p.N, op.p.C, op.p.H, op.p.W}, func(v []G.Value, dx []float32) {
		if op.max {
			kernels.MaxPoolBackward(op.p, f32(v[0]), op.argmax, dx)
		} else {
			kernels.AvgPoolBackward(op.p, f32(v[0]), dx)
		}
	}, grad)
	return G.Nodes{node}, err
}
