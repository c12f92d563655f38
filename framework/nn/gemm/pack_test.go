package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
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
					dst := make([]float32, len(want))
					for i := range dst {
						dst[i] = float32(math.NaN())
					}
					for i := range scratch {
						scratch[i] = float32(math.NaN())
					}
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

// packBLayout lays a row-major k×n B out as PackedBRow says, with NaN in
// the padding columns of the last panel: a NaN that reached C would show.
func packBLayout(b []float32, k, n int) []float32 {
	bp := make([]float32, PackedBLen(k, n))
	for i := range bp {
		bp[i] = float32(math.NaN())
	}
	for r := range k {
		off, stride := PackedBRow(k, n, r)
		for j := range n {
			bp[off+(j/16)*stride+j%16] = b[r*n+j]
		}
	}
	return bp
}

// TestSgemmPackedB checks SgemmPackedB against Sgemm bit for bit, with B
// laid out by PackedBRow: one and several k blocks (k > 384), partial
// panels and tiles, n past ncMax, products split over the workers and not.
func TestSgemmPackedB(t *testing.T) {
	if !PackedBSupported() {
		t.Skipf("no packed B on the %s path", active.isa)
	}
	rng := rand.New(rand.NewPCG(7, 9))
	for _, m := range []int{1, 7, 12, 64, 150} {
		for _, n := range []int{1, 15, 16, 17, 40, 56, 300, 3100} {
			for _, k := range []int{1, 9, 64, 385, 800} {
				if m*n*k > 40e6 {
					continue
				}
				lda, ldc := k+3, n+2
				a, b := randSlice(rng, (m-1)*lda+k), randSlice(rng, k*n)
				want := make([]float32, (m-1)*ldc+n)
				got := make([]float32, len(want))
				for i := range got {
					got[i] = float32(math.NaN()) // C is not read
				}
				Sgemm(false, false, m, n, k, 1, a, lda, b, n, 0, want, ldc)
				SgemmPackedB(m, n, k, a, lda, packBLayout(b, k, n), got, ldc)
				for i := range want {
					if i%ldc < n && math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("m=%d n=%d k=%d: c[%d] = %v, Sgemm gives %v", m, n, k, i, got[i], want[i])
					}
				}
			}
		}
	}
}
