// Package hostapi is the contract between slotlab's network engine
// (framework/nn) and selectors that must own the memory they work on: an
// external plugin, which shares a layer's scores and selections with its
// own process (framework/pluginrpc). Module authors never implement these
// interfaces; they implement framework.Selector, and the plugin adapter
// implements these on their behalf. They live in an internal package so
// that they are no part of the module contract.
package hostapi

import "github.com/slotlab/slotlab/framework"

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
	Buffers(layer framework.LayerInfo) (SelectionBuffers, error)
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
	FactoredBuffers(layer framework.LayerInfo) (b FactoredBuffers, ok bool, err error)
	SelectFactored(idx []int32, a float32, ctx framework.SelectContext) error
}
