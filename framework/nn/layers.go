package nn

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/slotlab/slotlab/framework"
)

// layerKind is everything the engine knows about one kind of layer: how to
// check it, what shape it gives, and how it enters a graph. Each kind's
// file registers its own (op_dense.go, op_conv.go, op_pool.go, …), so that
// a new kind of layer is one file; NewPlan, Build, Describe and export all
// work from this table.
type layerKind struct {
	// summary says what the layer computes, for the lists.
	summary string
	// fields are the keys of LayerSpec's fields the kind takes, with their
	// defaults, for the lists: "out", "kernel (3)".
	fields []string
	// params are parameters of the kind's own, beyond LayerSpec's
	// fields: written as keys of the layer in YAML, held in
	// LayerSpec.Params, their defaults filled in by CheckLayer.
	params []LayerParam
	// check fills in l's defaults and checks its parameters, returning the
	// field at fault ("" for the layer) and why; msg "" is fine. nil: the
	// kind takes no parameters or checks none.
	check func(l *LayerSpec) (field, msg string)
	// shape works out the layer's output, and a weighted layer's weights,
	// from the shape of one example before it ([C, H, W] or [features]);
	// msg says why the layer cannot take that input.
	shape func(l LayerSpec, in []int) (s shaped, msg string)
	// node adds the layer to the graph being built, after h.
	node func(b *builder, st Step, h *G.Node) (*G.Node, error)
}

// shaped is what a layer kind works out from the shape before it.
type shaped struct {
	out []int
	// weights is a weighted layer's weight tensor in the usual layout
	// ([out, in] for dense, [F, C, KH, KW] for conv); nil for a layer
	// without weights. fanIn, fanOut and macs go with it.
	weights       []int
	fanIn, fanOut int
	macs          int64
}

// LayerParam is a parameter of a layer kind's own (LayerSpec.Params): a
// number written as a key of the layer, e.g. {type: scale, factor: 3}.
type LayerParam struct {
	Name    string
	Default float64
}

var layerKinds = map[framework.LayerKind]layerKind{}

// registerLayer adds a kind of layer to the table. It panics on a kind
// registered twice or without shape or node, programming errors found at
// start-up.
func registerLayer(kind framework.LayerKind, k layerKind) {
	if _, dup := layerKinds[kind]; dup || k.shape == nil || k.node == nil {
		panic(fmt.Sprintf("nn: bad or duplicate layer kind %q", kind))
	}
	layerKinds[kind] = k
}

// sameShape is the shape function of layers that keep their input's shape.
func sameShape(_ LayerSpec, in []int) (shaped, string) {
	return shaped{out: append([]int(nil), in...)}, ""
}

// imageShape is the shape function of layers that keep an image's shape
// and take nothing else.
func imageShape(l LayerSpec, in []int) (shaped, string) {
	if len(in) != 3 {
		return shaped{}, fmt.Sprintf("%s needs an image input (C, H, W), but the input here is %v", l.Kind, in)
	}
	return sameShape(l, in)
}

// builder is the state of one graph being built, handed to each layer's
// node function.
type builder struct {
	n     *Network
	gr    *graph
	train bool
	// needDX is false below the first weighted layer: nothing there needs
	// the gradient of its input.
	needDX bool
	widx   int     // the index of the next weighted layer
	wnodes G.Nodes // the weight nodes, in order, for the backward pass
	// fuseReLU tells the step being built (a batch norm or a conv) to do
	// the ReLU that follows it, which the graph then leaves out
	// (fusesReLU).
	fuseReLU bool
	// reluFolded tells the conv being built that its fused ReLU's
	// gradient is done by the layer after it (foldsReLUGrad); nextMasks
	// tells that layer, the next step built, to do it.
	reluFolded, nextMasks bool
}

// fuseBNReLU and fuseConvReLU turn on the fusing of a batch norm, and of
// a conv, with the ReLU after it (tests turn them off to compare).
var fuseBNReLU, fuseConvReLU = true, true

// foldReLUGrad turns on the folding of a fused conv ReLU's gradient into
// the layer after it, a max pool or a conv (foldsReLUGrad); tests turn it
// off to compare.
var foldReLUGrad = true

// foldsReLUGrad reports whether step i, a conv that does the ReLU of step
// i+1, leaves that ReLU's gradient (a pass of its own over the conv's
// output: read y and ∂L/∂y, write ∂L/∂x) to the layer at step i+2:
//
//   - a max pool routes each window's ∂L/∂y to the input that was the
//     window's maximum and zeros to the rest. The maximum is the ReLU's
//     output at the routed input, so the pool masks its own ∂L/∂y by its
//     output above 0 before routing it: a pass over the pooled tensor, a
//     quarter of the conv's;
//   - a conv masks the ∂L/∂x it computes by its input (the ReLU's output)
//     above 0 (kernels.Conv.BackwardDataMasked), on the Winograd paths one
//     group of images at a time while it is in cache.
//
// The same values either way: each element is ∂L/∂y or +0 by the same
// comparison, and where pool windows overlap the same terms are summed in
// the same order.
func foldsReLUGrad(steps []Step, i int) bool {
	if !foldReLUGrad || steps[i].Layer.Kind != framework.Conv || !fusesReLU(steps, i) || i+2 >= len(steps) {
		return false
	}
	k := steps[i+2].Layer.Kind
	return k == framework.MaxPool || k == framework.Conv
}

// fusesReLU reports whether step i does the ReLU of step i+1: a batch norm
// in the same pass (kernels.BatchNorm.ReLU: one pass over the tensor less
// each way), or a conv on each group of images as it writes them
// (kernels.Conv.ReLU: one pass less forward; its gradient is still a pass
// of its own, before the conv's). Either gives the bits of the layers run
// one after the other, with one buffer less.
func fusesReLU(steps []Step, i int) bool {
	if i+1 >= len(steps) || steps[i+1].Layer.Kind != framework.ReLU {
		return false
	}
	switch steps[i].Layer.Kind {
	case framework.BatchNorm:
		return fuseBNReLU
	case framework.Conv:
		return fuseConvReLU
	}
	return false
}

// shape returns the shape of a batch of st's input (in) and output.
func (b *builder) shape(st Step) (in, out tensor.Shape) {
	return append(tensor.Shape{b.gr.batch}, st.In...), append(tensor.Shape{b.gr.batch}, st.Out...)
}

// weight returns the weight node of st, the next weighted layer, as a
// rows × cols matrix reading the slice of this graph in place, and records
// it for the backward pass.
func (b *builder) weight(st Step, rows, cols int) *G.Node {
	w := b.n.weights(b.widx, b.train)
	b.widx++
	wn := G.NewMatrix(b.gr.g, tensor.Float32, G.WithShape(rows, cols), G.WithName(st.Info.Name),
		G.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(w))))
	b.wnodes = append(b.wnodes, wn)
	return wn
}

// apply adds op after h.
func apply(st Step, op G.Op, inputs ...*G.Node) (*G.Node, error) {
	h, err := G.ApplyOp(op, inputs...)
	if err != nil {
		return nil, fmt.Errorf("building layer %d (%s): %w", st.Index, st.Layer.Kind, err)
	}
	return h, nil
}
