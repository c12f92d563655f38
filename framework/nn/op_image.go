package nn

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/slotlab/slotlab/framework/nn/kernels"
	"github.com/slotlab/slotlab/framework/rng"
)

// imageOp builds the op of a pooling, dropout or batch-norm layer. It
// returns nil for a layer that is the identity in this graph (dropout at
// evaluation).
func (n *Network) imageOp(gr *graph, st Step, in, out tensor.Shape, train bool) (G.Op, error) {
	l := st.Layer
	switch l.Type {
	case "maxpool", "avgpool":
		p := kernels.Pool2D{N: in[0], C: in[1], H: in[2], W: in[3], Size: l.Size, Stride: l.Stride}
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("layer %d: %w", st.Index, err)
		}
		op := &poolOp{baseOp: newBase(l.Type, out, 4), p: p, max: l.Type == "maxpool", y: newBuffer(out)}
		if op.max {
			op.argmax = make([]int32, out.TotalSize())
		}
		return op, nil
	case "dropout":
		if !train || l.P == 0 {
			return nil, nil
		}
		op := &dropoutOp{baseOp: newBase("dropout", out, out.Dims()), p: float32(l.P),
			stream: rng.New(n.Options.Seed, "dropout", st.Index), y: newBuffer(out), mask: make([]float32, out.TotalSize())}
		gr.dropout = append(gr.dropout, op)
		return op, nil
	case "batchnorm":
		bn := n.batchNorm(st.Index, in)
		var k *kernels.BatchNorm
		if train {
			k = bn
		} else {
			k = kernels.NewBatchNorm(in[0], in[1], in[2]*in[3])
			k.RunMean, k.RunVar = bn.RunMean, bn.RunVar
		}
		op := &batchNormOp{baseOp: newBase("batchnorm", out, 4), bn: k, train: train, y: newBuffer(out)}
		return op, nil
	}
	return nil, fmt.Errorf("layer type %q is not an image op", l.Type)
}

// poolOp is max or average pooling.
type poolOp struct {
	baseOp
	p      kernels.Pool2D
	max    bool
	argmax []int32
	y      buffer
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

func (op *poolOp) SymDiff(_ G.Nodes, _, grad *G.Node) (G.Nodes, error) {
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
