package framework

// Selector chooses, for every connection of a slot layer, which of its K
// candidate weights the forward pass uses, from the connection's K scores.
//
// Scores are laid out connection-major: the scores of connection i are
// scores[i*k : (i+1)*k]. The trainer splits a layer into ranges and may call
// Select for disjoint ranges at the same time, so Select must only touch
// idx and read scores, and any randomness must come from ctx.Stream indexed
// by the absolute connection number (ctx.Offset + i) and ctx.Step.
type Selector interface {
	Module
	Select(idx []int32, scores []float32, k int, ctx SelectContext) error
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
