package nn

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/slotlab/slotlab/framework"
)

// Flatten turns an example of any shape into features, without copying.
func init() {
	registerLayer(framework.Flatten, layerKind{
		summary: "an example of any shape as features",
		shape:   func(_ LayerSpec, in []int) (shaped, string) { return shaped{out: []int{prod(in)}}, "" },
		node: func(b *builder, st Step, h *G.Node) (*G.Node, error) {
			in, _ := b.shape(st)
			return apply(st, newFlattenOp(in), h)
		},
	})
}

// flattenOp reshapes (B, C, H, W) to (B, C·H·W) without copying.
type flattenOp struct {
	baseOp
	in   tensor.Shape
	view *tensor.Dense
	src  *float32
}

func newFlattenOp(in tensor.Shape) *flattenOp {
	out := tensor.Shape{in[0], in.TotalSize() / in[0]}
	return &flattenOp{baseOp: newBase("flatten", out, in.Dims()), in: in}
}

func (op *flattenOp) Do(v ...G.Value) (G.Value, error) {
	return reshapeView(&op.view, &op.src, f32(v[0]), op.shape), nil
}

// reshapeView returns a tensor of the given shape over data, reusing the
// cached one while data is the same slice.
func reshapeView(view **tensor.Dense, src **float32, data []float32, shape tensor.Shape) *tensor.Dense {
	if *view == nil || *src != &data[0] {
		*view = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
		*src = &data[0]
	}
	return *view
}

func (op *flattenOp) DiffWRT(int) []bool { return []bool{true} }

func (op *flattenOp) SymDiff(_ G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	u := &unflattenOp{baseOp: newBase("unflatten", op.in, 2)}
	n, err := G.ApplyOp(u, grad)
	return G.Nodes{n}, err
}

// unflattenOp reshapes a gradient back to (B, C, H, W) without copying.
type unflattenOp struct {
	baseOp
	view *tensor.Dense
	src  *float32
}

func (op *unflattenOp) Do(v ...G.Value) (G.Value, error) {
	return reshapeView(&op.view, &op.src, f32(v[0]), op.shape), nil
}
