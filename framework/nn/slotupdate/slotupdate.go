// Package slotupdate holds the hot loops of slot machine training.
//
// Advance, ArgmaxFactored and WriteScores (factored.go) are the kernels of
// the factored scores framework/nn trains with (s_ik = A·s0_ik + Y[2i]·w_ik,
// see nn.SlotLayer): they step the two coefficients per connection, select
// the highest-scoring candidate of every connection from the scores computed
// on the fly, and write the scores out for selectors that need them.
// SGDStep (this file) updates ordinary learned weights.
//
// On amd64 with AVX2 (chosen at run time) these run in assembly
// (factored_amd64.s for the factored kernels, slotupdate_amd64.s for
// SGDStep), and where the CPU has AVX-512F the factored kernels run their
// AVX-512 versions (factored_avx512_amd64.s); SLOTLAB_ISA (package isa)
// forces a narrower path. Builds with the purego tag and other
// architectures run the Go code. All paths compute in float32 with separately rounded multiplies and
// adds in the documented order, so they agree bit for bit (NaN payloads
// aside), and the selection picks the first maximum, ignoring NaN (−0 and +0
// tie; a connection whose K scores are all NaN selects 0).
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

// nonFinite accumulates the evidence of a NaN or ±Inf: bit 31 of
// (bits&0x7fffffff)+0x00800000 is set exactly when the exponent is all ones.
func nonFinite(x float32) uint32 {
	return math.Float32bits(x)&0x7fffffff + 0x00800000
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
