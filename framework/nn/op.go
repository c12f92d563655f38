package nn

import (
	"fmt"
	"hash"
	"hash/fnv"
	"sync/atomic"
	"unsafe"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// opSerial numbers op instances: each op owns its output buffer, so two ops
// must never be merged by gorgonia's node deduplication, which compares op
// hashes.
var opSerial atomic.Uint64

// baseOp holds what every slotlab op shares: a name, the dimensions of its
// inputs and output (0 = scalar), its static output shape and a unique
// serial number. Ops embed it and add Do (and SymDiff when differentiable).
type baseOp struct {
	name   string
	inDims []int
	outDim int
	shape  tensor.Shape
	serial uint64
}

func newBase(name string, outShape tensor.Shape, inDims ...int) baseOp {
	return baseOp{name: name, inDims: inDims, outDim: outShape.Dims(), shape: outShape, serial: opSerial.Add(1)}
}

func (b *baseOp) Arity() int { return len(b.inDims) }

func (b *baseOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	tt := func(d int) hm.Type {
		if d == 0 {
			return a
		}
		return &G.TensorType{Dims: d, Of: a}
	}
	ts := make([]hm.Type, 0, len(b.inDims)+1)
	for _, d := range b.inDims {
		ts = append(ts, tt(d))
	}
	ts = append(ts, tt(b.outDim))
	return hm.NewFnType(ts...)
}

func (b *baseOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return b.shape.Clone(), nil }
func (b *baseOp) ReturnsPtr() bool                               { return false }
func (b *baseOp) CallsExtern() bool                              { return false }
func (b *baseOp) OverwritesInput() int                           { return -1 }
func (b *baseOp) WriteHash(h hash.Hash)                          { fmt.Fprintf(h, "%s#%d", b.name, b.serial) }
func (b *baseOp) String() string                                 { return b.name }

func (b *baseOp) Hashcode() uint32 {
	h := fnv.New32a()
	b.WriteHash(h)
	return h.Sum32()
}

// kernelOp is the backward op of every layer: Do runs a kernel that reads
// the op's inputs and writes an op-owned buffer of a fixed shape. Each
// layer's SymDiff adds its gradients as kernelOps (applyKernel) with the
// kernel as a closure over the forward op, instead of a type of its own.
type kernelOp struct {
	baseOp
	out buffer
	run func(v []G.Value, out []float32)
	// weightGrad marks the op that computes ∂L/∂W of a weighted layer
	// (applyWeightGrad): the trainer takes its buffer as the layer's
	// gradient.
	weightGrad bool
}

func (op *kernelOp) Do(v ...G.Value) (G.Value, error) {
	op.run(v, op.out.data)
	return op.out.t, nil
}

// applyKernel adds a kernelOp called name with output shape to the graph,
// over the inputs.
func applyKernel(name string, shape tensor.Shape, run func(v []G.Value, out []float32), inputs ...*G.Node) (*G.Node, error) {
	dims := make([]int, len(inputs))
	for i, n := range inputs {
		dims[i] = n.Dims()
	}
	return G.ApplyOp(&kernelOp{baseOp: newBase(name, shape, dims...), out: newBuffer(shape), run: run}, inputs...)
}

// applyWeightGrad is applyKernel for the op that computes a weighted
// layer's ∂L/∂W.
func applyWeightGrad(name string, shape tensor.Shape, run func(v []G.Value, out []float32), inputs ...*G.Node) (*G.Node, error) {
	n, err := applyKernel(name, shape, run, inputs...)
	if err == nil {
		n.Op().(*kernelOp).weightGrad = true
	}
	return n, err
}

// buffer is an op-owned output: a float32 slice and a tensor over it that
// Do returns every step, so the steady state allocates nothing.
type buffer struct {
	data []float32
	t    *tensor.Dense
}

func newBuffer(shape tensor.Shape) buffer {
	data := make([]float32, shape.TotalSize())
	return buffer{data: data, t: tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))}
}

// f32 returns the float32 data of a gorgonia value without copying or
// allocating (tensor.Dense.Data allocates a slice header through reflect on
// every call, which would be the largest allocation of a training step).
func f32(v G.Value) []float32 {
	if x, ok := v.(*tensor.Dense); ok && x.Dtype() == tensor.Float32 {
		if len(x.Raw) == 0 {
			return nil
		}
		return unsafe.Slice((*float32)(unsafe.Pointer(&x.Raw[0])), len(x.Raw)/4)
	}
	if x, ok := v.(tensor.Tensor); ok {
		if d, ok := x.Data().([]float32); ok {
			return d
		}
	}
	panic(fmt.Sprintf("nn: expected a float32 tensor, got %T", v))
}

// scalar returns the value of a scalar gorgonia value as float32.
func scalar(v G.Value) float32 {
	switch x := v.(type) {
	case *G.F32:
		return float32(*x)
	case *G.F64:
		return float32(*x)
	case tensor.Tensor:
		switch d := x.Data().(type) {
		case float32:
			return d
		case []float32:
			return d[0]
		}
	}
	panic(fmt.Sprintf("nn: expected a scalar, got %T", v))
}
