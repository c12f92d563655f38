package nn

import (
	"fmt"

	G "gorgonia.org/gorgonia"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/kernels"
	"github.com/slotlab/slotlab/framework/rng"
)

// Dropout zeroes each activation with probability P while training (and
// scales the rest by 1/(1−P)); at evaluation it is the identity.
func init() {
	registerLayer(framework.Dropout, layerKind{
		summary: "zeroes each activation with probability p while training",
		fields:  []string{"p (0)"},
		check: func(l *LayerSpec) (string, string) {
			if l.P < 0 || l.P >= 1 {
				return "p", fmt.Sprintf("dropout p must be in [0, 1), not %v", l.P)
			}
			return "", ""
		},
		shape: sameShape,
		node: func(b *builder, st Step, h *G.Node) (*G.Node, error) {
			if !b.train || st.Layer.P == 0 {
				return h, nil
			}
			_, out := b.shape(st)
			op := &dropoutOp{baseOp: newBase("dropout", out, out.Dims()), p: float32(st.Layer.P),
				stream: rng.New(b.n.Options.Seed, "dropout", st.Index), y: newBuffer(out), mask: make([]float32, out.TotalSize())}
			b.gr.dropout = append(b.gr.dropout, op)
			return apply(st, op, h)
		},
	})
}

// dropoutOp zeroes activations with probability p while training; its mask
// is drawn from a counter-based stream at the network's step, so it is the
// same for the same seed and step however the run was interrupted.
type dropoutOp struct {
	baseOp
	p      float32
	stream rng.Stream
	step   int64
	y      buffer
	mask   []float32
}

func (op *dropoutOp) Do(v ...G.Value) (G.Value, error) {
	kernels.DropoutForward(f32(v[0]), op.y.data, op.mask, op.p, op.stream, uint64(op.step)*uint64(len(op.mask)))
	return op.y.t, nil
}

func (op *dropoutOp) DiffWRT(int) []bool { return []bool{true} }

func (op *dropoutOp) SymDiff(_ G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	node, err := applyKernel("dropout_grad", op.shape, func(v []G.Value, dx []float32) {
		kernels.DropoutBackward(f32(v[0]), op.mask, dx)
	}, grad)
	return G.Nodes{node}, err
}
