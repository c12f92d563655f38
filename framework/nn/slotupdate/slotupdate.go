// Package slotupdate holds the hot loops of slot machine training.
//
// Advance, ArgmaxFactored and WriteScores (factored.go) are the kernels of
// the factored scores framework/nn trains with (s_ik = A·s0_ik + Y[2i]·w_ik,
// see nn.SlotLayer): they step the two coefficients per connection, select
// the highest-scoring candidate of every connection from the scores computed
// on the fly, and write the scores out for selectors that need them.
// SGDStep (this file) updates ordinary learned weights.
//
// Argmax (this file) selects from stored scores: connection i has K scores
// s[i*K : i*K+K] and K candidate weights w[i*stride : i*stride+K], where
// stride is K (own weights) or 0 (all connections share w[0:K]).
//
// On amd64 with AVX2 (chosen at run time) these run in assembly
// (factored_amd64.s for the factored kernels, slotupdate_amd64.s for
// SGDStep and Argmax); builds with the purego tag and other architectures
// run the Go code. All paths compute in float32 with separately rounded
// multiplies and adds in the documented order, so they agree bit for bit
// (NaN payloads aside), and all selections pick the first maximum, ignoring
// NaN (−0 and +0 tie; a connection whose K scores are all NaN selects 0).
//
// The functions are single-threaded and do not allocate; callers split large
// layers into chunks (a few thousand connections, which also keeps the
// non-preemptible assembly calls short) and run the chunks concurrently.
package slotupdate

import (
	"fmt"
	"math"
)

// SGD holds the optimiser settings of one step.
type SGD struct {
	LR, Momentum, WeightDecay float32
	Nesterov                  bool
}

// Argmax writes idx[i] = argmax_k s[i*K+k] (first on ties) and weff[i] = w[i*stride+idx[i]]
// for i in [0, len(idx)). NaN scores never win unless all scores of a
// connection are NaN; then idx[i] = 0. It panics if a slice is too short or
// stride is neither K nor 0.
func Argmax(s, w []float32, k, stride int, idx []int32, weff []float32) {
	n := len(idx)
	checkArgs("Argmax", len(s), len(w), n, k, stride)
	checkOut("Argmax", n, idx, weff)
	if n == 0 {
		return
	}
	if useAsm {
		argmaxAsm(s, w, k, stride, idx, weff)
		return
	}
	argmaxGo(s, w, k, stride, idx, weff)
}

// SGDStep is the update of ordinary (learned) weights: d := g[j] + wd*x[j]; v[j] = mu*v[j] + d;
// nesterov ? d+mu*v[j] : v[j]; x[j] -= lr*d. Returns false on NaN/Inf in x.
// It updates the first len(x) elements; v and g must be at least as long.
func SGDStep(x, v, g []float32, p SGD) bool {
	if len(v) < len(x) || len(g) < len(x) {
		panic(fmt.Sprintf("slotupdate.SGDStep: len(x) = %d, len(v) = %d, len(g) = %d", len(x), len(v), len(g)))
	}
	if len(x) == 0 {
		return true
	}
	if useAsm {
		return sgdAsm(x, v, g, p)
	}
	return sgdGo(x, v, g, p)
}

func checkArgs(fn string, ls, lw, n, k, stride int) {
	if k < 1 {
		panic(fmt.Sprintf("slotupdate.%s: K = %d < 1", fn, k))
	}
	if stride != k && stride != 0 {
		panic(fmt.Sprintf("slotupdate.%s: stride = %d, want K = %d or 0", fn, stride, k))
	}
	if ls < n*k {
		panic(fmt.Sprintf("slotupdate.%s: len(s) = %d < n*K = %d", fn, ls, n*k))
	}
	if need := max(n-1, 0)*stride + k; lw < need {
		panic(fmt.Sprintf("slotupdate.%s: len(w) = %d < %d", fn, lw, need))
	}
}

func checkOut(fn string, n int, idx []int32, weff []float32) {
	if len(idx) < n || len(weff) < n {
		panic(fmt.Sprintf("slotupdate.%s: len(idx) = %d, len(weff) = %d, need %d", fn, len(idx), len(weff), n))
	}
}

// nonFinite accumulates the evidence of a NaN or ±Inf: bit 31 of
// (bits&0x7fffffff)+0x00800000 is set exactly when the exponent is all ones.
func nonFinite(x float32) uint32 {
	return math.Float32bits(x)&0x7fffffff + 0x00800000
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

// argmaxGo is the portable Argmax.
func argmaxGo(s, w []float32, k, stride int, idx []int32, weff []float32) {
	n := len(idx)
	weff = weff[:n]
	s = s[:n*k]
	switch k {
	case 1:
		clear(idx)
		if stride == 0 {
			for i := range weff {
				weff[i] = w[0]
			}
		} else {
			copy(weff, w[:n])
		}
	case 2:
		for i := range idx {
			ss := (*[2]float32)(s[2*i:])
			b := 0
			if key(ss[1]) > key(ss[0]) {
				b = 1
			}
			idx[i] = int32(b)
			weff[i] = w[i*stride+b]
		}
	case 3:
		for i := range idx {
			ss := (*[3]float32)(s[3*i:])
			b, bk := 0, key(ss[0])
			if k1 := key(ss[1]); k1 > bk {
				b, bk = 1, k1
			}
			if key(ss[2]) > bk {
				b = 2
			}
			idx[i] = int32(b)
			weff[i] = w[i*stride+b]
		}
	case 4:
		for i := range idx {
			ss := (*[4]float32)(s[4*i:])
			b, bk := 0, key(ss[0])
			if k1 := key(ss[1]); k1 > bk {
				b, bk = 1, k1
			}
			if k2 := key(ss[2]); k2 > bk {
				b, bk = 2, k2
			}
			if key(ss[3]) > bk {
				b = 3
			}
			idx[i] = int32(b)
			weff[i] = w[i*stride+b]
		}
	default:
		for i := range idx {
			row := s[i*k : i*k+k]
			bk, b := key(row[0]), 0
			for j := 1; j < len(row); j++ {
				if kj := key(row[j]); kj > bk {
					bk, b = kj, j
				}
			}
			idx[i] = int32(b)
			weff[i] = w[i*stride+b]
		}
	}
}

// sgdGo is the portable SGDStep.
func sgdGo(x, v, g []float32, p SGD) bool {
	lr, mu, wd := p.LR, p.Momentum, p.WeightDecay
	v, g = v[:len(x)], g[:len(x)]
	var bad uint32
	if p.Nesterov {
		for j, xj := range x {
			d := g[j] + float32(wd*xj)
			vj := float32(mu*v[j]) + d
			v[j] = vj
			d = d + float32(mu*vj)
			xj = xj - float32(lr*d)
			x[j] = xj
			bad |= nonFinite(xj)
		}
	} else {
		for j, xj := range x {
			d := g[j] + float32(wd*xj)
			vj := float32(mu*v[j]) + d
			v[j] = vj
			xj = xj - float32(lr*vj)
			x[j] = xj
			bad |= nonFinite(xj)
		}
	}
	return bad&0x80000000 == 0
}
