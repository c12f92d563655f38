package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The plain loops of the factored score update, the reference for the
// slotupdate kernels that advance, argmaxScores and writeScores run.
// Products are converted to float32 before they are added, so that no
// compiler fuses them into FMA.

func refAdvance(y, g []float32, m [6]float32) bool {
	m00, m01, m10, m11, e0, e1 := m[0], m[1], m[2], m[3], m[4], m[5]
	var acc float32
	for i, gi := range g {
		y0, y1 := y[2*i], y[2*i+1]
		n0 := float32(m00*y0) + float32(m01*y1) + float32(e0*gi)
		n1 := float32(m10*y0) + float32(m11*y1) + float32(e1*gi)
		y[2*i], y[2*i+1] = n0, n1
		acc += (n0 - n0) + (n1 - n1)
	}
	return acc == 0
}

// refArgmaxScores: the first maximum; NaN scores are skipped, and a
// connection whose scores are all NaN selects 0.
func refArgmaxScores(idx []int32, weff, s0, w, y []float32, a float32, k, stride int) {
	for i := range idx {
		s := s0[i*k : i*k+k]
		wi := w[i*stride : i*stride+k]
		c := y[2*i]
		best, bv := -1, float32(0)
		for j := range s {
			v := float32(a*s[j]) + float32(c*wi[j])
			if v != v {
				continue
			}
			if best < 0 || v > bv {
				best, bv = j, v
			}
		}
		best = max(best, 0)
		idx[i] = int32(best)
		weff[i] = wi[best]
	}
}

func refWriteScores(dst, s0, w, y []float32, a float32, k, stride int) {
	for i := 0; i < len(dst)/k; i++ {
		s := s0[i*k : i*k+k]
		wi := w[i*stride : i*stride+k]
		c := y[2*i]
		d := dst[i*k : i*k+k]
		for j := range d {
			d[j] = float32(a*s[j]) + float32(c*wi[j])
		}
	}
}

// TestFactoredMatchesReference checks advance, argmaxScores and
// writeScores against the plain loops, bit for bit, on random, tied and
// non-finite inputs.
func TestFactoredMatchesReference(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, k := range []int{1, 2, 3, 4, 5, 8, 12, 16, 24, 64} {
		for _, stride := range []int{k, 0} {
			for _, n := range []int{1, 3, 7, 8, 9, 100, 1000} {
				for kind := range 3 {
					r := rand.New(rand.NewPCG(uint64(k*10000+n), uint64(kind*2+min(stride, 1))))
					val := func() float32 {
						switch kind {
						case 1:
							return []float32{-1, 0, 1, 0.5}[r.IntN(4)]
						case 2:
							if r.IntN(5) == 0 {
								return []float32{nan, inf, -inf, float32(math.Copysign(0, -1)), 3e38}[r.IntN(5)]
							}
						}
						return r.Float32()*2 - 1
					}
					nw := k
					if stride != 0 {
						nw = n * k
					}
					s0, w, y, g := make([]float32, n*k), make([]float32, nw), make([]float32, 2*n), make([]float32, n)
					for _, x := range [][]float32{s0, w, y, g} {
						for i := range x {
							x[i] = val()
						}
					}
					a := float32(1)
					if kind != 1 {
						a = 0.5 + r.Float32()
					}
					m := [6]float32{0.99999, -0.09, 1e-4, 0.9, -0.1, 1}

					wantY := append([]float32(nil), y...)
					wantOK := refAdvance(wantY, g, m)
					gotY := append([]float32(nil), y...)
					if ok := advance(gotY, g, m); ok != wantOK {
						t.Fatalf("K%d stride%d n%d kind%d: advance ok = %v, want %v", k, stride, n, kind, ok, wantOK)
					}
					sameBits(t, "advance y", gotY, wantY)

					wantIdx, wantW := make([]int32, n), make([]float32, n)
					refArgmaxScores(wantIdx, wantW, s0, w, y, a, k, stride)
					gotIdx, gotW := make([]int32, n), make([]float32, n)
					argmaxScores(gotIdx, gotW, s0, w, y, a, k, stride)
					for i := range wantIdx {
						if gotIdx[i] != wantIdx[i] || math.Float32bits(gotW[i]) != math.Float32bits(wantW[i]) {
							t.Fatalf("K%d stride%d n%d kind%d: connection %d selects %d (%v), want %d (%v)", k, stride, n, kind, i, gotIdx[i], gotW[i], wantIdx[i], wantW[i])
						}
					}

					want, got := make([]float32, n*k), make([]float32, n*k)
					refWriteScores(want, s0, w, y, a, k, stride)
					writeScores(got, s0, w, y, a, k, stride)
					sameBits(t, "writeScores", got, want)
				}
			}
		}
	}
}

// sameBits fails unless got and want are equal bit for bit, except that
// any two NaNs are equal.
func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
			t.Fatalf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}
