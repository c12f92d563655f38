package gemm

import (
	"fmt"
	"math"
	"testing"
)

// packBRef is packB written plainly: panel t holds op(B)[p0+p][j0+t·nr+j]
// at dst[t·nr·kb + p·nr + j], and zeros past nb.
func packBRef(b []float32, ldb int, trans bool, p0, kb, j0, nb, nr int) []float32 {
	dst := make([]float32, roundUp(nb, nr)*kb)
	for jr := 0; jr < nb; jr += nr {
		for p := range kb {
			for j := range nr {
				var v float32
				if jr+j < nb {
					if trans {
						v = b[(j0+jr+j)*ldb+p0+p]
					} else {
						v = b[(p0+p)*ldb+j0+jr+j]
					}
				}
				dst[jr*kb+p*nr+j] = v
			}
		}
	}
	return dst
}

// TestPackB checks packB against packBRef for every width of the last,
// partial panel (nb 1 to 40), depths with and without a kb%8 remainder,
// offsets into B and row strides wider than a row, on the panel width of
// the path in use (16 with assembly). B ends at its last element read
// (a read past it panics or, in assembly, takes values that are not
// there), dst starts as NaN (a panel lane left unwritten shows), and the
// scratch is reused across calls with a stale NaN fill (rows of it left
// uncleared show).
func TestPackB(t *testing.T) {
	nr := active.pnr
	var scratch []float32
	for _, trans := range []bool{false, true} {
		for _, kb := range []int{1, 2, 7, 8, 9, 16, 23} {
			for nb := 1; nb <= 40; nb++ {
				for _, off := range []int{0, 3} {
					name := fmt.Sprintf("trans=%v/kb=%d/nb=%d/off=%d", trans, kb, nb, off)
					p0, j0 := off, 2*off
					rows, cols := p0+kb, j0+nb // op(B)'s extent read
					ld := cols + off
					if trans {
						rows, cols = j0+nb, p0+kb
						ld = cols + off
					}
					b := make([]float32, (rows-1)*ld+cols)
					for i := range b {
						b[i] = float32(i%251) - 125.5
					}
					want := packBRef(b, ld, trans, p0, kb, j0, nb, nr)
					dst := nans(len(want))
					fillNaN(scratch)
					scratch = packB(dst, b, ld, trans, p0, kb, j0, nb, nr, scratch)
					for i := range want {
						if math.Float32bits(dst[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s: dst[%d] = %v, want %v", name, i, dst[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestPackA checks packA against a plain reference for every height of
// the last, partial panel (mb 1 to 20), depths with and without a
// remainder of 4, offsets and row strides wider than a row, on the panel
// height of the path in use (6 with assembly). A ends at its last element
// read, dst starts as NaN, and the scratch is reused with a stale NaN
// fill (rows of it left uncleared show).
func TestPackA(t *testing.T) {
	mr := active.pmr
	var scratch []float32
	for _, trans := range []bool{false, true} {
		for _, kb := range []int{1, 3, 4, 7, 16, 23} {
			for mb := 1; mb <= 20; mb++ {
				for _, off := range []int{0, 3} {
					i0, p0 := off, 2*off
					rows, cols := i0+mb, p0+kb // op(A)'s extent read
					if trans {
						rows, cols = p0+kb, i0+mb
					}
					ld := cols + off
					a := make([]float32, (rows-1)*ld+cols)
					for i := range a {
						a[i] = float32(i%241) - 120.5
					}
					want := make([]float32, roundUp(mb, mr)*kb)
					for ir := 0; ir < mb; ir += mr {
						for p := range kb {
							for r := range mr {
								var v float32
								if ir+r < mb {
									if trans {
										v = a[(p0+p)*ld+i0+ir+r]
									} else {
										v = a[(i0+ir+r)*ld+p0+p]
									}
								}
								want[ir*kb+p*mr+r] = v
							}
						}
					}
					dst := nans(len(want))
					fillNaN(scratch)
					scratch = packA(dst, a, ld, trans, i0, mb, p0, kb, mr, scratch)
					for i := range want {
						if math.Float32bits(dst[i]) != math.Float32bits(want[i]) {
							t.Fatalf("trans=%v kb=%d mb=%d off=%d: dst[%d] = %v, want %v", trans, kb, mb, off, i, dst[i], want[i])
						}
					}
				}
			}
		}
	}
}

// fillNaN sets every element of s to NaN.
func fillNaN(s []float32) {
	for i := range s {
		s[i] = float32(math.NaN())
	}
}

// nans returns n NaNs.
func nans(n int) []float32 {
	s := make([]float32, n)
	fillNaN(s)
	return s
}
