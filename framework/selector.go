package framework

import (
	"reflect"

	"github.com/slotlab/slotlab/framework/rng"
)

// NamespaceSelectors is the namespace of selectors' IDs ("selectors.greedy").
const NamespaceSelectors = "selectors"

func init() {
	RegisterKind(Kind{
		Namespace: NamespaceSelectors,
		Singular:  "selector",
		Interface: reflect.TypeFor[Selector](),
		Summary:   "choose, for every connection, which of its K candidate weights the network uses, from the connection's K scores",
		Keys:      []string{"selector"},
	})
}

// Selector chooses, for every connection of a slot layer, which of its K
// candidate weights the forward pass uses, from the connection's K scores.
//
// K is ctx.Layer.K. Scores are laid out connection-major: the scores of
// connection i are scores[i*K : (i+1)*K], len(scores) = len(idx)·K; idx[i]
// is connection ctx.Offset+i of the layer.
//
// What a Select call sees is up to the selector. By default it sees one
// range of a layer: the trainer splits each layer into ranges and may call
// Select for disjoint ranges at the same time, so Select must only touch
// idx and read scores, and keep no state that depends on the split. A
// selector whose rule couples the connections of a layer (keep the top
// fraction of a layer, a per-layer budget, a normalisation across a layer)
// implements WholeLayerSelector and is given every connection of the layer
// in one call. Either way, any randomness must come from ctx.Stream indexed
// by ctx.Step and the absolute connection number ctx.Offset+i
// (framework/selectkit), so that the selection does not depend on the split
// or on GOMAXPROCS. framework/selectkit has the argmax and softmax sampling
// to build on.
//
// The contract is the same for a compiled-in selector and for one served
// by an external plugin (framework/pluginrpc/sdk).
type Selector interface {
	Module
	Select(idx []int32, scores []float32, ctx SelectContext) error
}

// SelectContext tells a Selector where and when it is selecting.
type SelectContext struct {
	// Layer is the layer being selected for.
	Layer LayerInfo
	// Training is true for the selection used by a training step and false
	// for the network that is evaluated.
	Training bool
	// Step counts training steps from 0 over the whole run.
	Step int64
	// Offset is the index within the layer of the connection idx[0] refers to.
	Offset int
	// Stream is a counter-based random stream owned by this layer's
	// selector; see framework/rng.
	Stream StreamKey
}

// StreamKey is the key of a counter-based random stream (framework/rng.Stream).
type StreamKey uint64

// Stream returns the stream of the key.
func (k StreamKey) Stream() rng.Stream { return rng.Stream{Key: uint64(k)} }

// ArgmaxSelector is implemented by selectors whose choice is, in some modes,
// the argmax of the scores (the first maximum on ties). For those modes the
// trainer fuses the selection into the score update, one pass over memory
// instead of two, without calling Select.
type ArgmaxSelector interface {
	SelectsArgmax(training bool) bool
}

// WholeLayerSelector is implemented by selectors that must see a whole layer
// at once. When SelectsWholeLayer reports true, every Select call is given
// all of a layer's connections (ctx.Offset = 0, len(idx) =
// ctx.Layer.Connections), in-process and in a plugin alike. Calls for
// different layers may run at the same time, so Select must keep no
// mutable state shared between layers unless it guards it.
//
// The trainer writes the whole layer's scores out for such a selector,
// in parallel, then calls it once per layer and selection, so a selector
// needs this only when its rule couples connections: per-connection rules
// run faster split, in the trainer's chunked parallel pass.
type WholeLayerSelector interface {
	Selector
	SelectsWholeLayer() bool
}

// SelectsWholeLayer reports whether sel must be given whole layers
// (WholeLayerSelector).
func SelectsWholeLayer(sel Selector) bool {
	w, ok := sel.(WholeLayerSelector)
	return ok && w.SelectsWholeLayer()
}
