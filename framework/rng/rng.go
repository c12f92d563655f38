// Package rng provides the counter-based random streams slotlab uses for every
// random draw: weights, scores, data order, augmentation, dropout and sampling.
//
// A Stream is a key; its i-th value is a pure function of (key, i), so any
// element can be computed on its own, in any order, on any goroutine, and the
// result never depends on how work was split. The generator is SplitMix64
// (Steele, Lea & Flood 2014): value i of a stream with key s is the SplitMix64
// finaliser applied to s + (i+1)·γ, which is exactly the i-th output of the
// sequential SplitMix64 generator seeded with s.
package rng

import (
	"hash/fnv"
	"math/bits"
)

// Generator names the generator and its version, stored beside exported
// models so that weights can be regenerated bit for bit.
const Generator = "splitmix64-counter/v1"

const gamma = 0x9E3779B97F4A7C15

// Mix is the SplitMix64 finaliser: a bijective avalanche of 64 bits.
func Mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// Stream is a counter-based random stream identified by its key.
type Stream struct {
	Key uint64
}

// New returns the stream for seed and a path of names and numbers, e.g.
// New(seed, "weights", layerIndex). Different paths give independent streams.
func New(seed uint64, path ...any) Stream {
	k := Mix(seed ^ 0x5EED5EED5EED5EED)
	for _, p := range path {
		var v uint64
		switch x := p.(type) {
		case string:
			h := fnv.New64a()
			h.Write([]byte(x))
			v = h.Sum64()
		case int:
			v = uint64(x)
		case int64:
			v = uint64(x)
		case uint64:
			v = x
		case uint32:
			v = uint64(x)
		default:
			panic("rng.New: path elements must be strings or integers")
		}
		k = Mix(k ^ Mix(v+gamma))
	}
	return Stream{Key: k}
}

// Derive returns a sub-stream of s named by path.
func (s Stream) Derive(path ...any) Stream { return New(s.Key, path...) }

// Uint64 returns the i-th 64-bit value of the stream.
func (s Stream) Uint64(i uint64) uint64 { return Mix(s.Key + (i+1)*gamma) }

// Float32 returns the i-th value of the stream as a float32 uniform in [0, 1)
// with 24 random bits.
func (s Stream) Float32(i uint64) float32 {
	return float32(s.Uint64(i)>>40) * (1.0 / (1 << 24))
}

// Float64 returns the i-th value of the stream as a float64 uniform in [0, 1)
// with 53 random bits.
func (s Stream) Float64(i uint64) float64 {
	return float64(s.Uint64(i)>>11) * (1.0 / (1 << 53))
}

// Intn returns the i-th value of the stream as an integer uniform in [0, n),
// by Lemire's multiply-shift (bias below 2^-32 for n < 2^32).
func (s Stream) Intn(i uint64, n int) int {
	hi, _ := bits.Mul64(s.Uint64(i), uint64(n))
	return int(hi)
}

// Perm writes a uniformly random permutation of 0..len(p)-1 into p, drawn
// from the stream (Fisher-Yates; step j uses value j).
func (s Stream) Perm(p []int) {
	for i := range p {
		p[i] = i
	}
	for i := len(p) - 1; i > 0; i-- {
		j := s.Intn(uint64(i), i+1)
		p[i], p[j] = p[j], p[i]
	}
}
