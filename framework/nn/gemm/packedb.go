package gemm

import "fmt"

// A packed B is the k×n operand B of a product C = A·B laid out as Sgemm's
// packing would copy it, so that a caller who produces B anyway (the
// Winograd transforms) can write it there and save the copy: for each k
// block of the product in turn (the blocks depend on k alone), the block's
// rows as consecutive panels of 16 columns. PackedBRow says where a row
// lies. The columns past n of the last panel are read but never reach C,
// so they may hold anything.

// PackedBSupported reports whether SgemmPackedB runs here: on the AVX2 and
// AVX-512 paths of the Go implementation, not the generic one (other
// panels) nor the openblas build.
func PackedBSupported() bool { return override == nil && active.pnr == 16 }

// PackedBLen returns the floats of a packed k×n B: k·⌈n/16⌉·16.
func PackedBLen(k, n int) int { return k * roundUp(n, 16) }

// PackedBRow returns where row r of a packed k×n B lies: its element j is at
// off + (j/16)·stride + j%16.
func PackedBRow(k, n, r int) (off, stride int) {
	kc := kcFor(k)
	pc := r / kc * kc
	kb := min(kc, k-pc)
	return pc*roundUp(n, 16) + (r-pc)*16, 16 * kb
}

// SgemmPackedB computes C = A·B for a row-major m×k A (row stride lda) and a
// k×n B packed as PackedBRow lays it out; C's row stride is ldc and C is
// not read. Its results are bit for bit Sgemm's on the same B. It panics on
// inconsistent sizes, or where PackedBSupported is false.
func SgemmPackedB(m, n, k int, a []float32, lda int, bp []float32, c []float32, ldc int) {
	if !PackedBSupported() {
		panic("gemm: SgemmPackedB on a path without 16-column panels (check PackedBSupported)")
	}
	checkArgs(false, false, m, n, k, a, lda, bp, max(1, n), c, ldc)
	if need := PackedBLen(k, n); k > 0 && len(bp) < need {
		panic(fmt.Sprintf("gemm: len(bp)=%d < %d", len(bp), need))
	}
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scaleC(m, n, 0, c, ldc)
		return
	}
	p := problem{
		shape: active, m: m, n: n, k: k, kc: kcFor(k),
		alpha: 1, a: a, b: bp, c: c, lda: lda, ldb: n, ldc: ldc, packedB: true,
	}
	run(&p, maxParts())
}
