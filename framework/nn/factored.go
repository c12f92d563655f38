package nn

import (
	"fmt"

	"github.com/slotlab/slotlab/framework/nn/slotupdate"
)

// The loops of the factored score update (see SlotLayer), run by the
// kernels of package slotupdate (AVX2 on amd64 for K = 1, 2, 4 and
// multiples of 8; Go otherwise). Products are rounded to float32 before
// they are added and the sums taken left to right, so every path gives the
// same bits; factored_test.go holds the plain loops they are checked
// against.

// advance takes one step of the per-connection coefficients:
//
//	y0' = m00·y0 + m01·y1 + e0·g      y1' = m10·y0 + m11·y1 + e1·g
//
// with m = {m00, m01, m10, m11, e0, e1}. It reports whether every new value
// is finite.
func advance(y, g []float32, m [6]float32) bool {
	return slotupdate.Advance(y, g, m)
}

// argmaxScores selects, for each connection i, the first k maximising
// a·s0[i·K+k] + y[2i]·w[i·stride+k] (NaN never wins unless all K are NaN,
// then 0; −0 and +0 tie), and gathers that weight.
func argmaxScores(idx []int32, weff, s0, w, y []float32, a float32, k, stride int) {
	slotupdate.ArgmaxFactored(idx, weff, s0, w, y, a, k, stride)
}

// writeScores writes the scores a·s0 + y·w of connections into dst.
func writeScores(dst, s0, w, y []float32, a float32, k, stride int) {
	slotupdate.WriteScores(dst, s0, w, y, a, k, stride)
}

// gather writes the selected weights of connections lo.. into dst, checking
// that every index is a real candidate.
func gather(dst []float32, idx []int32, w []float32, stride, lo, k int) error {
	for j, c := range idx {
		if uint32(c) >= uint32(k) {
			return fmt.Errorf("selector chose candidate %d for connection %d, but only 0..%d exist", c, lo+j, k-1)
		}
		dst[j] = w[j*stride+int(c)]
	}
	return nil
}
