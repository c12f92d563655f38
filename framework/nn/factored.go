package nn

import "fmt"

// The loops of the factored score update (see SlotLayer). Products are
// rounded to float32 before they are added (Go never fuses them into FMA on
// amd64), so any vectorised version can match them bit for bit.

// advance takes one step of the per-connection coefficients:
//
//	y0' = m00·y0 + m01·y1 + e0·g      y1' = m10·y0 + m11·y1 + e1·g
//
// with m = {m00, m01, m10, m11, e0, e1}. It reports whether every new value
// is finite.
func advance(y, g []float32, m [6]float32) bool {
	m00, m01, m10, m11, e0, e1 := m[0], m[1], m[2], m[3], m[4], m[5]
	var acc float32
	y = y[:2*len(g)]
	for i, gi := range g {
		y0, y1 := y[2*i], y[2*i+1]
		n0 := m00*y0 + m01*y1 + e0*gi
		n1 := m10*y0 + m11*y1 + e1*gi
		y[2*i], y[2*i+1] = n0, n1
		acc += (n0 - n0) + (n1 - n1)
	}
	return acc == 0
}

// argmaxScores selects, for each connection i, the first k maximising
// a·s0[i·K+k] + y[2i]·w[i·stride+k], and gathers that weight.
func argmaxScores(idx []int32, weff, s0, w, y []float32, a float32, k, stride int) {
	for i := range idx {
		s := s0[i*k : i*k+k]
		wi := w[i*stride : i*stride+k]
		c := y[2*i]
		best, bv := 0, a*s[0]+c*wi[0]
		for j := 1; j < len(s); j++ {
			v := a*s[j] + c*wi[j]
			if v > bv {
				best, bv = j, v
			}
		}
		idx[i] = int32(best)
		weff[i] = wi[best]
	}
}

// writeScores writes the scores a·s0 + y·w of connections into dst.
func writeScores(dst, s0, w, y []float32, a float32, k, stride int) {
	for i := 0; i < len(dst)/k; i++ {
		s := s0[i*k : i*k+k]
		wi := w[i*stride : i*stride+k]
		c := y[2*i]
		d := dst[i*k : i*k+k]
		for j := range d {
			d[j] = a*s[j] + c*wi[j]
		}
	}
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
