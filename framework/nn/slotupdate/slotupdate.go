// Package slotupdate holds the hot loops of slot machine training.
//
// Advance, ArgmaxFactored and WriteScores (factored.go) are the kernels of
// the factored scores framework/nn trains with (s_ik = A·s0_ik + Y[2i]·w_ik,
// see nn.SlotLayer): they step the two coefficients per connection, select
// the highest-scoring candidate of every connection from the scores computed
// on the fly, and write the scores out for selectors that need them.
//
// Update and Argmax (slotupdate.go) are the earlier fused kernel over stored
// scores and momenta: one pass over a layer's scores applies the SGD step
// with the straight-through gradient and selects the highest-scoring
// candidate of every connection. SGDStep updates ordinary learned weights.
//
// Layout of Update and Argmax: connection i has K scores s[i*K : i*K+K],
// K momenta v[i*K : i*K+K] and K candidate weights w[i*stride : i*stride+K],
// where stride is K (own weights) or 0 (all connections share w[0:K]). g[i]
// is ∂L/∂W_eff of connection i, so the straight-through gradient of score k
// is g[i]·w[i*stride+k].
//
// On amd64 with AVX2 (chosen at run time) the common cases run in assembly
// (update_amd64.s): K = 1, 2 and 4 several connections per YMM register,
// K a multiple of 8 one connection at a time, both strides. Other K update
// in assembly too, block by block on a gradient expanded to one value per
// score, and select with a generic assembly argmax. Builds with the purego
// tag and other architectures run the Go code of this file. All paths
// compute in float32 with separately rounded multiplies and adds in the
// documented order, so they agree bit for bit (NaN payloads aside), and
// all select the first maximum, ignoring NaN (−0 and +0 tie).
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

// Kernel flags shared with the assembly.
const (
	flagNesterov = 1 << iota // Nesterov momentum
	flagSelect               // write idx and weff
	flagArgmax               // no update, selection only
)

// Update applies one SGD step with the straight-through gradient to the scores of
// connections 0..n-1 (n = len(g)), K scores each, and optionally selects the argmax.
// For each connection i and candidate k (c = i*K + k, weight index wi = i*stride + k):
//
//	d := g[i]*w[wi] + p.WeightDecay*s[c]
//	v[c] = p.Momentum*v[c] + d
//	if p.Nesterov { d = d + p.Momentum*v[c] } else { d = v[c] }
//	s[c] = s[c] - p.LR*d
//
// computed in float32 with separate multiplies and adds, in exactly this order (no FMA), so that the
// assembly and the pure-Go fallback agree bit for bit.
// stride is K (each connection has its own K weights, w has n*K values) or 0 (all connections share
// the same K values, w has K values).
// If idx != nil, it then writes idx[i] = the index of the largest new score of connection i (the first
// one on ties; NaN never wins unless all are NaN, then 0) and weff[i] = w[i*stride + idx[i]].
// It returns false if any new score is NaN or ±Inf.
//
// Only the first n*K elements of s and v and the first n of idx and weff
// are touched; Update panics if a slice is too short or stride is neither K
// nor 0.
func Update(s, v, w, g []float32, k, stride int, p SGD, idx []int32, weff []float32) bool {
	n := len(g)
	checkArgs("Update", len(s), len(w), n, k, stride)
	if len(v) < n*k {
		panic(fmt.Sprintf("slotupdate.Update: len(v) = %d < n*K = %d", len(v), n*k))
	}
	if idx != nil {
		checkOut("Update", n, idx, weff)
	}
	if n == 0 {
		return true
	}
	if useAsm {
		return updateAsm(s, v, w, g, k, stride, p, idx, weff)
	}
	return updateGo(s, v, w, g, k, stride, p, idx, weff)
}

// Argmax writes idx[i] = argmax_k s[i*K+k] (first on ties) and weff[i] = w[i*stride+idx[i]]
// for i in [0, len(idx)) (used to make the initial selection and the evaluated network).
// NaN scores never win unless all scores of a connection are NaN; then
// idx[i] = 0.
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

// goBlock is the number of scores the portable Update updates before it
// selects among them, so that the selection reads them from L1.
const goBlock = 1024

// updateGo is the portable Update, for all K. n = len(g) ≥ 1 and the slices
// have been checked.
func updateGo(s, v, w, g []float32, k, stride int, p SGD, idx []int32, weff []float32) bool {
	n := len(g)
	s, v = s[:n*k], v[:n*k]
	if idx != nil {
		idx, weff = idx[:n], weff[:n]
	}
	switch k {
	case 1:
		return update1Go(s, v, w, g, stride, p, idx, weff)
	case 2:
		return update2Go(s, v, w, g, stride, p, idx, weff)
	}
	if idx == nil {
		return updateRows(s, v, w, g, k, stride, p)
	}
	rows := max(1, goBlock/k)
	ok := true
	for lo := 0; lo < n; lo += rows {
		hi := min(n, lo+rows)
		ok = updateRows(s[lo*k:hi*k], v[lo*k:hi*k], w[lo*stride:], g[lo:hi], k, stride, p) && ok
		argmaxGo(s[lo*k:hi*k], w[lo*stride:], k, stride, idx[lo:hi], weff[lo:hi])
	}
	return ok
}

// updateRows is the update of updateGo without the selection, for K ≥ 2.
func updateRows(s, v, w, g []float32, k, stride int, p SGD) bool {
	lr, mu, wd := p.LR, p.Momentum, p.WeightDecay
	var bad uint32
	if p.Nesterov {
		for i, gi := range g {
			c, wi := i*k, i*stride
			ss := s[c : c+k]
			vv := v[c : c+k]
			ww := w[wi : wi+k]
			vv, ww = vv[:len(ss)], ww[:len(ss)]
			for j, sj := range ss {
				d := float32(gi*ww[j]) + float32(wd*sj)
				vj := float32(mu*vv[j]) + d
				vv[j] = vj
				d = d + float32(mu*vj)
				sj = sj - float32(lr*d)
				ss[j] = sj
				bad |= nonFinite(sj)
			}
		}
	} else {
		for i, gi := range g {
			c, wi := i*k, i*stride
			ss := s[c : c+k]
			vv := v[c : c+k]
			ww := w[wi : wi+k]
			vv, ww = vv[:len(ss)], ww[:len(ss)]
			for j, sj := range ss {
				d := float32(gi*ww[j]) + float32(wd*sj)
				vj := float32(mu*vv[j]) + d
				vv[j] = vj
				sj = sj - float32(lr*vj)
				ss[j] = sj
				bad |= nonFinite(sj)
			}
		}
	}
	return bad&0x80000000 == 0
}

// update1Go is updateGo for K = 1: the selection is always candidate 0.
func update1Go(s, v, w, g []float32, stride int, p SGD, idx []int32, weff []float32) bool {
	lr, mu, wd := p.LR, p.Momentum, p.WeightDecay
	n := len(g)
	s, v = s[:n], v[:n]
	var bad uint32
	if stride == 0 {
		w0 := w[0]
		for i, gi := range g {
			sj := s[i]
			d := float32(gi*w0) + float32(wd*sj)
			vj := float32(mu*v[i]) + d
			v[i] = vj
			if p.Nesterov {
				d = d + float32(mu*vj)
			} else {
				d = vj
			}
			sj = sj - float32(lr*d)
			s[i] = sj
			bad |= nonFinite(sj)
		}
		if idx != nil {
			clear(idx)
			for i := range weff {
				weff[i] = w0
			}
		}
	} else {
		w = w[:n]
		for i, gi := range g {
			sj := s[i]
			d := float32(gi*w[i]) + float32(wd*sj)
			vj := float32(mu*v[i]) + d
			v[i] = vj
			if p.Nesterov {
				d = d + float32(mu*vj)
			} else {
				d = vj
			}
			sj = sj - float32(lr*d)
			s[i] = sj
			bad |= nonFinite(sj)
		}
		if idx != nil {
			clear(idx)
			copy(weff, w)
		}
	}
	return bad&0x80000000 == 0
}

// update2Go is updateGo for K = 2, with the row unrolled.
func update2Go(s, v, w, g []float32, stride int, p SGD, idx []int32, weff []float32) bool {
	lr, mu, wd := p.LR, p.Momentum, p.WeightDecay
	nest := p.Nesterov
	var bad uint32
	for i, gi := range g {
		ss := (*[2]float32)(s[2*i:])
		vv := (*[2]float32)(v[2*i:])
		ww := (*[2]float32)(w[i*stride:])
		s0, s1 := ss[0], ss[1]
		d0 := float32(gi*ww[0]) + float32(wd*s0)
		d1 := float32(gi*ww[1]) + float32(wd*s1)
		v0 := float32(mu*vv[0]) + d0
		v1 := float32(mu*vv[1]) + d1
		vv[0], vv[1] = v0, v1
		if nest {
			d0 = d0 + float32(mu*v0)
			d1 = d1 + float32(mu*v1)
		} else {
			d0, d1 = v0, v1
		}
		s0 = s0 - float32(lr*d0)
		s1 = s1 - float32(lr*d1)
		ss[0], ss[1] = s0, s1
		bad |= nonFinite(s0) | nonFinite(s1)
		if idx != nil {
			b := 0
			if key(s1) > key(s0) {
				b = 1
			}
			idx[i] = int32(b)
			weff[i] = ww[b&1]
		}
	}
	return bad&0x80000000 == 0
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
