package slotupdate

import (
	"fmt"
	"math"

	"github.com/slotlab/slotlab/framework"
)

// The kernels of the factored score representation of framework/nn
// (SlotLayer): the scores of connection i are never stored but computed as
//
//	s_ik = A·s0[i*K+k] + Y[2i]·w[i*stride+k]
//
// from the fixed initial scores s0, the fixed candidate weights w, the
// network-wide coefficient A and two per-connection coefficients Y[2i],
// Y[2i+1]. Training advances Y (Advance) and selects from the scores
// computed on the fly (ArgmaxFactored), or writes them out for a selector
// that needs them (WriteScores).
//
// All of it is float32 with every product rounded before it is added (no
// FMA) and the sums taken left to right as written, so the AVX2 kernels
// (factored_amd64.s: Advance for every n; ArgmaxFactored and WriteScores for
// K = 1, 2, 4 and multiples of 8, both strides), their AVX-512 versions
// (factored_avx512_amd64.s, the same K) and the Go code of this file
// (every other K, the tails, and builds without the kernels) agree bit for
// bit (NaN payloads aside). The selection picks the first maximum: −0 and
// +0 tie, NaN never wins unless all K scores are NaN, then candidate 0.

// Advance takes one step of the per-connection coefficients of connections
// 0..n-1, n = len(g): with y0 = y[2i], y1 = y[2i+1] and m = {m00, m01, m10,
// m11, e0, e1},
//
//	y[2i]   = m00*y0 + m01*y1 + e0*g[i]
//	y[2i+1] = m10*y0 + m11*y1 + e1*g[i]
//
// in float32, each product rounded, the sums taken left to right. It
// reports whether every new value is finite (not NaN or ±Inf); the values
// are written either way. It panics if len(y) < 2n.
func Advance(y, g []float32, m [6]float32) bool {
	n := len(g)
	if len(y) < 2*n {
		panic(fmt.Sprintf("slotupdate.Advance: len(y) = %d < 2n = %d", len(y), 2*n))
	}
	if n == 0 {
		return true
	}
	if useAsm {
		return advanceAsm(y[:2*n], g, &m)
	}
	return advanceGo(y[:2*n], g, &m)
}

// ArgmaxFactored writes, for each connection i < n = len(idx), idx[i] = the
// first k maximising a*s0[i*K+k] + y[2i]*w[i*stride+k] (each product rounded
// to float32, then added; −0 and +0 tie; NaN never wins unless all K are
// NaN, then 0) and weff[i] = w[i*stride+idx[i]]. stride is K (w has n*K
// values) or 0 (all connections share w[0:K]). It panics if K is out of
// range (framework.CheckK), a slice is too short or stride is neither K
// nor 0.
func ArgmaxFactored(idx []int32, weff, s0, w, y []float32, a float32, k, stride int) {
	n := len(idx)
	checkFactored("ArgmaxFactored", n, len(s0), len(w), len(y), k, stride)
	if len(weff) < n {
		panic(fmt.Sprintf("slotupdate.ArgmaxFactored: len(weff) = %d < n = %d", len(weff), n))
	}
	if n == 0 {
		return
	}
	if k == 1 {
		// One candidate: nothing to compare.
		clear(idx)
		if stride == 0 {
			weff[0] = w[0]
			for f := 1; f < n; f *= 2 {
				copy(weff[f:n], weff[:f])
			}
		} else {
			copy(weff[:n], w[:n])
		}
		return
	}
	if useAsm {
		argmaxFactoredAsm(idx, weff[:n], s0, w, y, a, k, stride)
		return
	}
	argmaxFactoredGo(idx, weff[:n], s0, w, y, a, k, stride)
}

// Chunk is the number of connections of K candidates that slotlab (and a
// plugin, selecting for it) processes together: their fixed numbers, about
// 64 KiB each of s0 and w, stay in cache between generation, update and
// selection.
func Chunk(k int) int { return max(256, 16384/k) }

// Argmax writes, for each connection i < n = len(idx), the index of the
// largest of scores[i*K:(i+1)*K] into idx[i], by the rule of
// ArgmaxFactored (the first maximum; −0 and +0 tie; NaN never wins unless
// all K are NaN, then 0): the selection every argmax selector of slotlab
// makes, compiled in or in a plugin. It runs ArgmaxFactored's kernels on
// the scores as s0 with a = 1, y = 0 and zero weights, which makes every
// score s0 + 0 = s0 (−0 becomes +0, its tie), block by block. It panics if
// K is out of range (framework.CheckK) or scores has fewer than n·K values.
func Argmax(idx []int32, scores []float32, k int) {
	checkK("Argmax", k)
	n := len(idx)
	if len(scores) < n*k {
		panic(fmt.Sprintf("slotupdate.Argmax: len(scores) = %d < n*K = %d", len(scores), n*k))
	}
	const block = 1024
	// zero serves as y (2 per connection) and as the K shared weights.
	var zero [2 * block]float32
	var weff [block]float32
	w := zero[:min(k, len(zero))]
	if k > len(zero) {
		w = make([]float32, k)
	}
	for lo := 0; lo < n; lo += block {
		hi := min(n, lo+block)
		ArgmaxFactored(idx[lo:hi], weff[:], scores[lo*k:hi*k], w, zero[:], 1, k, 0)
	}
}

// WriteScores writes the scores of connections 0..n-1, n = len(dst)/K:
// dst[i*K+k] = a*s0[i*K+k] + y[2i]*w[i*stride+k] (each product rounded,
// then added). Elements of dst past n*K are not touched. It panics if K is
// out of range (framework.CheckK), a slice is too short or stride is
// neither K nor 0.
func WriteScores(dst, s0, w, y []float32, a float32, k, stride int) {
	checkK("WriteScores", k)
	n := len(dst) / k
	checkFactored("WriteScores", n, len(s0), len(w), len(y), k, stride)
	if n == 0 {
		return
	}
	if useAsm {
		writeScoresAsm(dst[:n*k], s0, w, y, a, k, stride)
		return
	}
	writeScoresGo(dst[:n*k], s0, w, y, a, k, stride)
}

// checkK panics if K is out of range (framework.CheckK): the kernels take
// K from the engine, which took it from a checked configuration, so a bad
// K here is a programming error.
func checkK(fn string, k int) {
	if err := framework.CheckK(k); err != nil {
		panic("slotupdate." + fn + ": " + err.Error())
	}
}

func checkFactored(fn string, n, ls0, lw, ly, k, stride int) {
	checkK(fn, k)
	if stride != k && stride != 0 {
		panic(fmt.Sprintf("slotupdate.%s: stride = %d, want K = %d or 0", fn, stride, k))
	}
	if ls0 < n*k {
		panic(fmt.Sprintf("slotupdate.%s: len(s0) = %d < n*K = %d", fn, ls0, n*k))
	}
	if need := max(n-1, 0)*stride + k; lw < need {
		panic(fmt.Sprintf("slotupdate.%s: len(w) = %d < %d", fn, lw, need))
	}
	if ly < 2*n {
		panic(fmt.Sprintf("slotupdate.%s: len(y) = %d < 2n = %d", fn, ly, 2*n))
	}
}

// advanceGo is the portable Advance; len(y) = 2*len(g).
func advanceGo(y, g []float32, m *[6]float32) bool {
	m00, m01, m10, m11, e0, e1 := m[0], m[1], m[2], m[3], m[4], m[5]
	y = y[:2*len(g)]
	// acc stays 0 unless some new value is NaN or ±Inf (x-x is then NaN).
	var acc float32
	for i, gi := range g {
		yy := (*[2]float32)(y[2*i:])
		y0, y1 := yy[0], yy[1]
		n0 := float32(m00*y0) + float32(m01*y1) + float32(e0*gi)
		n1 := float32(m10*y0) + float32(m11*y1) + float32(e1*gi)
		yy[0], yy[1] = n0, n1
		acc += (n0 - n0) + (n1 - n1)
	}
	return acc == 0
}

// key maps x to an int32 that orders like x, with −0 = +0 and NaN below
// everything (−Inf included), so that the selection is an integer maximum
// the compiler makes branch-free.
func key(x float32) int32 {
	b := math.Float32bits(x)
	mag := int32(b & 0x7fffffff)
	sgn := int32(b) >> 31
	k := mag ^ sgn - sgn
	if mag > 0x7f800000 {
		k = math.MinInt32
	}
	return k
}

// argmaxFactoredGo is the portable ArgmaxFactored, for K ≥ 2; len(weff) =
// len(idx).
//
// For K = 2 and 3 it is branch-free: every score becomes the integer key
// (which orders like the float, with −0 = +0 and NaN lowest) and the running
// maximum and its index are updated with masks. From K = 4 on a compare and
// branch measures faster (about 1.7 against 2.9 ns per score for K = 4 on
// random scores: the running maximum seldom changes, so the branch is mostly
// predicted), and NaN needs no key: NaN never compares greater, so only a
// connection whose first score is NaN (and that stays the maximum) takes the
// exact path again with keys.
func argmaxFactoredGo(idx []int32, weff, s0, w, y []float32, a float32, k, stride int) {
	n := len(idx)
	weff = weff[:n]
	y = y[:2*n]
	switch {
	case k == 2:
		for i := range idx {
			s := (*[2]float32)(s0[2*i:])
			ww := (*[2]float32)(w[i*stride:])
			c := y[2*i]
			k0 := key(float32(a*s[0]) + float32(c*ww[0]))
			k1 := key(float32(a*s[1]) + float32(c*ww[1]))
			b := 0
			if k1 > k0 {
				b = 1
			}
			idx[i] = int32(b)
			weff[i] = ww[b&1]
		}
	case k == 3:
		for i := range idx {
			s := s0[i*k : i*k+k]
			ww := w[i*stride : i*stride+k]
			ww = ww[:len(s)]
			c := y[2*i]
			bk, b := int64(key(float32(a*s[0])+float32(c*ww[0]))), 0
			for j := 1; j < len(s); j++ {
				kj := int64(key(float32(a*s[j]) + float32(c*ww[j])))
				d := (bk - kj) >> 63 // −1 when kj > bk
				bk ^= (bk ^ kj) & d
				b ^= (b ^ j) & int(d)
			}
			idx[i] = int32(b)
			weff[i] = ww[b]
		}
	default:
		for i := range idx {
			s := s0[i*k : i*k+k]
			ww := w[i*stride : i*stride+k]
			ww = ww[:len(s)]
			c := y[2*i]
			bv, b := float32(a*s[0])+float32(c*ww[0]), 0
			for j := 1; j < len(s); j++ {
				if v := float32(a*s[j]) + float32(c*ww[j]); v > bv {
					bv, b = v, j
				}
			}
			if bv != bv {
				// The first score is NaN and nothing compared greater.
				bk := key(bv)
				for j := 1; j < len(s); j++ {
					if kj := key(float32(a*s[j]) + float32(c*ww[j])); kj > bk {
						bk, b = kj, j
					}
				}
			}
			idx[i] = int32(b)
			weff[i] = ww[b]
		}
	}
}

// writeScoresGo is the portable WriteScores; len(dst) = n*K.
func writeScoresGo(dst, s0, w, y []float32, a float32, k, stride int) {
	n := len(dst) / k
	s0 = s0[:n*k]
	if k == 1 {
		y = y[:2*n]
		if stride == 0 {
			w0 := w[0]
			for i := range dst {
				dst[i] = float32(a*s0[i]) + float32(y[2*i]*w0)
			}
			return
		}
		w = w[:n]
		for i := range dst {
			dst[i] = float32(a*s0[i]) + float32(y[2*i]*w[i])
		}
		return
	}
	for i := 0; i < n; i++ {
		d := dst[i*k : i*k+k]
		s := s0[i*k : i*k+k]
		ww := w[i*stride : i*stride+k]
		s, ww = s[:len(d)], ww[:len(d)]
		c := y[2*i]
		for j := range d {
			d[j] = float32(a*s[j]) + float32(c*ww[j])
		}
	}
}
