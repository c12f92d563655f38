package framework

import "github.com/slotlab/slotlab/framework/rng"

// Selector chooses, for every connection of a slot layer, which of its K
// candidate weights the forward pass uses, from the connection's K scores.
//
// K is ctx.Layer.K. Scores are laid out connection-major: the scores of
// connection i are scores[i*K : (i+1)*K], len(scores) = len(idx)·K. The
// trainer splits a layer into ranges and may call
// Select for disjoint ranges at the same time, so Select must only touch
// idx and read scores, and any randomness must come from ctx.Stream indexed
// by the absolute connection number (ctx.Offset + i) and ctx.Step.
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
