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

// SelectionBuffers are the per-layer buffers a Selector works on.
type SelectionBuffers struct {
	Scores  []float32 // Connections × K
	Idx     []int32   // the training selection, Connections
	EvalIdx []int32   // the evaluated network's selection, Connections
}

// BufferProvider is implemented by selectors that must own the memory of a
// layer's scores and selections, such as an external plugin that shares it
// with its own process. The network then allocates those buffers through
// Buffers, and calls Select once per layer and step for the whole layer
// instead of once per chunk.
type BufferProvider interface {
	Buffers(layer LayerInfo) (SelectionBuffers, error)
}

// FactoredBuffers are the per-layer buffers of a FactoredSelector: the
// fixed initial scores and candidate weights (Connections × K each), the
// two score coefficients per connection (Y, 2 × Connections), and the
// selections.
type FactoredBuffers struct {
	Init, Weights, Y []float32
	Idx, EvalIdx     []int32
}

// FactoredSelector is implemented by BufferProviders that can select from
// the scores in the factored form the trainer keeps them in,
//
//	scores[i*K+k] = a·Init[i*K+k] + Y[2i]·Weights[i*K+k]
//
// (float32, each product rounded, then added: slotupdate.WriteScores), so
// that the trainer need not write every score out before each selection.
// The trainer keeps its initial scores, candidate weights and coefficients
// in the buffers of FactoredBuffers (ok = false: the selector cannot for
// this layer, and Buffers is used instead) and calls SelectFactored with
// one of the layer's two index buffers. This is how an external plugin
// computes each chunk's scores in its own cache instead of reading them
// from memory the host wrote.
type FactoredSelector interface {
	BufferProvider
	FactoredBuffers(layer LayerInfo) (b FactoredBuffers, ok bool, err error)
	SelectFactored(idx []int32, a float32, k int, ctx SelectContext) error
}
