package nn

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/slotlab/slotlab/framework/nn/kernels"
)

// lossOp is softmax cross-entropy, averaged over the batch, against the
// labels the network writes before each step. It also counts correct
// predictions. A mask of valid rows lets evaluation pad its last batch.
type lossOp struct {
	baseOp
	n, classes int
	labels     []int32
	probs      []float32
	valid      int // rows that count; the rest are padding
	loss       float64
	correct    int
	out        G.F32
}

func newLossOp(n, classes int, labels []int32) *lossOp {
	return &lossOp{baseOp: newBase("softmax_cross_entropy", tensor.ScalarShape(), 2), n: n, classes: classes,
		labels: labels, probs: make([]float32, n*classes), valid: n}
}

func (op *lossOp) Do(v ...G.Value) (G.Value, error) {
	logits := f32(v[0])
	op.loss, op.correct = kernels.SoftmaxCrossEntropy(logits[:op.valid*op.classes], op.labels[:op.valid], op.valid, op.classes, op.probs)
	op.out = G.F32(op.loss)
	return &op.out, nil
}

func (op *lossOp) DiffWRT(int) []bool { return []bool{true} }

func (op *lossOp) SymDiff(_ G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	// ∂L/∂logits = g·(softmax − onehot)/n over the valid rows, 0 on padding.
	n, err := applyKernel("softmax_cross_entropy_grad", tensor.Shape{op.n, op.classes}, func(v []G.Value, dx []float32) {
		k := op.valid * op.classes
		kernels.SoftmaxCrossEntropyBackward(op.probs[:k], op.labels[:op.valid], op.valid, op.classes, scalar(v[0]), dx[:k])
		clear(dx[k:])
	}, grad)
	return G.Nodes{n}, err
}
