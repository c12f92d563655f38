package kernels

import (
	"math"

	"github.com/slotlab/slotlab/framework/rng"
)

// DropoutForward zeroes each element of x with probability p and scales the
// kept ones by 1/(1−p): element j is kept iff s.Float32(counter+j) ≥ p, so the
// mask is a pure function of (s, counter, j). mask receives the factor
// applied to each element (0 or 1/(1−p)) for DropoutBackward; y = x·mask and
// may be x. p ≤ 0 keeps everything; p ≥ 1 drops everything.
func DropoutForward(x, y []float32, mask []float32, p float32, s rng.Stream, counter uint64) {
	checkLen("dropout y", len(y), len(x))
	checkLen("dropout mask", len(mask), len(x))
	t := eltTasks.Get()
	*t = eltTask{kind: dropoutForward, a: x, b: y, c: mask, p: p, key: s.Key, counter: counter}
	switch {
	case p <= 0:
		t.p, t.scale = 0, 1
	case p < 1:
		t.scale = 1 / (1 - p)
	}
	runElt(t, len(x))
}

// DropoutBackward computes dx = dy·mask with the mask of DropoutForward; dx
// may be dy.
func DropoutBackward(dy, mask, dx []float32) {
	checkLen("dropout mask", len(mask), len(dy))
	checkLen("dropout dx", len(dx), len(dy))
	t := eltTasks.Get()
	*t = eltTask{kind: mulElt, a: dy, b: mask, c: dx}
	runElt(t, len(dy))
}

func (t *eltTask) dropout(lo, hi int) {
	s := rng.Stream{Key: t.key}
	x, y, mask := t.a[lo:hi], t.b[lo:hi], t.c[lo:hi]
	y, mask = y[:len(x)], mask[:len(x)]
	base := t.counter + uint64(lo)
	scale := math.Float32bits(t.scale)
	for i, v := range x {
		var m uint32 // selected without a branch (CMOV)
		if s.Float32(base+uint64(i)) >= t.p {
			m = scale
		}
		f := math.Float32frombits(m)
		mask[i] = f
		y[i] = v * f
	}
}
