package nn

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/kernels"
)

// Batch norm normalises each channel of an image without scale or shift:
// batch statistics in training, running statistics at evaluation.
func init() {
	registerLayer(framework.BatchNorm, layerKind{
		summary: "per-channel normalisation of an image, without scale or shift",
		shape:   imageShape,
		node: func(b *builder, st Step, h *G.Node) (*G.Node, error) {
			in, out := b.shape(st)
			bn := b.n.batchNorm(st.Index, in)
			k := bn
			if !b.train {
				k = kernels.NewBatchNorm(in[0], in[1], in[2]*in[3])
				k.RunMean, k.RunVar = bn.RunMean, bn.RunVar
			}
			k.ReLU = b.fuseReLU
			return apply(st, &batchNormOp{baseOp: newBase("batchnorm", out, 4), bn: k, train: b.train, y: newBuffer(out)}, h)
		},
	})
}

// batchNormOp normalises each channel without scale or shift: batch
// statistics in training, running statistics at evaluation.
type batchNormOp struct {
	baseOp
	bn    *kernels.BatchNorm
	train bool
	y     buffer
}

func (op *batchNormOp) Do(v ...G.Value) (G.Value, error) {
	if op.train {
		op.bn.ForwardTrain(f32(v[0]), op.y.data)
	} else {
		op.bn.ForwardEval(f32(v[0]), op.y.data)
	}
	return op.y.t, nil
}

func (op *batchNormOp) DiffWRT(int) []bool { return []bool{true} }

func (op *batchNormOp) SymDiff(_ G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	node, err := applyKernel("batchnorm_grad", op.shape, func(v []G.Value, dx []float32) {
		op.bn.Backward(f32(v[0]), dx)
	}, grad)
	return G.Nodes{node}, err
}

// batchNorm returns the training-graph BatchNorm of layer index, creating it
// on first use; its running statistics are shared with the evaluation graph.
func (n *Network) batchNorm(index int, in tensor.Shape) *kernels.BatchNorm {
	if n.bns == nil {
		n.bns = map[int]*kernels.BatchNorm{}
	}
	if b, ok := n.bns[index]; ok {
		return b
	}
	b := kernels.NewBatchNorm(in[0], in[1], in[2]*in[3])
	n.bns[index] = b
	return b
}
