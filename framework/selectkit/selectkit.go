// Package selectkit is what selectors are built from, compiled in or in a
// plugin: the argmax with slotlab's tie rule, softmax sampling from a
// selector's counter-based random stream, and the top connections of a
// layer by a key, for selectors that see whole layers
// (framework.WholeLayerSelector).
//
// Every function gives the same result however a layer is split and on any
// number of cores: randomness is indexed by step and absolute connection
// (Counter), and ties are broken by a fixed rule. Argmax and SampleSoftmax
// run the trainer's own kernels (AVX2 or AVX-512 where the CPU has them),
// so a selector built on them selects exactly as slotlab's built-in ones.
package selectkit

import (
	"math"
	"sync"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/slotupdate"
	"github.com/slotlab/slotlab/framework/rng"
)

// Argmax writes, for each connection i < len(idx), the index of the largest
// of scores[i*k:(i+1)*k] into idx[i]: the first one on ties (−0 and +0
// tie), and NaN never wins unless all of a connection's scores are NaN,
// then 0. This is the selection of greedy selection and of the trainer's
// fused argmax. It panics if k is out of range (framework.CheckK) or
// scores holds fewer than len(idx)·k values.
func Argmax(idx []int32, scores []float32, k int) { slotupdate.Argmax(idx, scores, k) }

// Counter returns the counter of connection ctx.Offset+i at step ctx.Step
// in a selector's random streams: ctx.Step·ctx.Layer.Connections +
// ctx.Offset + i, distinct for every connection and step of a layer. Draw
// connection i's randomness at Counter(ctx, i) (s.Float64(Counter(ctx, i)),
// s a stream derived from ctx.Stream) and the selection does not depend on
// how the layer is split.
func Counter(ctx framework.SelectContext, i int) uint64 {
	return uint64(ctx.Step)*uint64(ctx.Layer.Connections) + uint64(ctx.Offset) + uint64(i)
}

// sampleBlock is how many uniform variates SampleSoftmax draws at a time.
const sampleBlock = 256

// SampleSoftmax draws, for each connection i < len(idx), idx[i] = j with
// probability softmax(scores[i*K:(i+1)*K])_j, K = ctx.Layer.K, from the
// uniform variate u = float32(s.Float64(Counter(ctx, i))) by inverting the
// cumulative distribution: the first j whose prefix sum of e^(s_j − max s)
// exceeds u times their total (K−1 if rounding leaves none). This is
// probabilistic sampling's draw. Scores must be finite. It does not
// allocate for K ≤ 64.
func SampleSoftmax(idx []int32, scores []float32, ctx framework.SelectContext, s rng.Stream) {
	k := ctx.Layer.K
	var ub [sampleBlock]float32
	for lo := 0; lo < len(idx); lo += len(ub) {
		hi := min(len(idx), lo+len(ub))
		u := ub[:hi-lo]
		for i := range u {
			u[i] = float32(s.Float64(Counter(ctx, lo+i)))
		}
		slotupdate.SampleSoftmax(idx[lo:hi], scores[lo*k:hi*k], u, k)
	}
}

// Top sets top[i] for the n indices i of keys with the largest keys and
// clears the others (all of them when n ≥ len(keys), none when n ≤ 0).
// Among equal keys the lower index is kept; −0 and +0 are equal, and NaN
// ranks below every number. It takes three passes over keys, whatever
// their values, and panics if top is shorter than keys.
func Top(top []bool, keys []float32, n int) {
	top = top[:len(keys)]
	if n >= len(keys) || n <= 0 {
		for i := range top {
			top[i] = n > 0
		}
		return
	}
	// Radix selection of the n-th largest order code, 16 bits at a time
	// from the top: prefix holds the bits found, need how many of the keys
	// that share them are still to be taken.
	hist := hists.Get().(*[1 << 16]int32)
	defer hists.Put(hist)
	clear(hist[:])
	for _, key := range keys {
		hist[order(key)>>16]++
	}
	hi, need := largest(hist, n)
	clear(hist[:])
	for _, key := range keys {
		if c := order(key); c>>16 == hi {
			hist[c&0xffff]++
		}
	}
	lo, need := largest(hist, need)
	t := hi<<16 | lo
	// Keys above the n-th largest are kept, and the first need equal to it.
	for i, key := range keys {
		c := order(key)
		top[i] = c > t || c == t && need > 0
		if c == t && need > 0 {
			need--
		}
	}
}

// hists are Top's histograms.
var hists = sync.Pool{New: func() any { return new([1 << 16]int32) }}

// largest returns the largest digit d such that the counts of digits d and
// above reach need, and how many of those of digit d are still needed.
func largest(hist *[1 << 16]int32, need int) (uint32, int) {
	d := len(hist) - 1
	for ; int(hist[d]) < need; d-- {
		need -= int(hist[d])
	}
	return uint32(d), need
}

// order maps a float32 to a uint32 of the same order: larger numbers give
// larger codes, −0 the code of +0, and NaN 0, below −Inf's.
func order(x float32) uint32 {
	if x != x {
		return 0
	}
	b := math.Float32bits(x)
	if b == 0x80000000 { // −0
		b = 0
	}
	// Negative numbers: all bits flipped; others: the sign bit set.
	return b ^ (uint32(int32(b)>>31) | 0x80000000)
}
