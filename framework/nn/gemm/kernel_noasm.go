//go:build !amd64 || purego

package gemm

// hasAVX2 and hasAVX512 are false: this build has no assembly
// micro-kernel.
const (
	hasAVX2   = false
	hasAVX512 = false
)

// kernel6x16 is never called in this build.
func kernel6x16(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles int) {
	panic("gemm: no assembly kernel in this build")
}

// kernel6x16D is never called in this build.
func kernel6x16D(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int) {
	panic("gemm: no assembly kernel in this build")
}

// The packing routines of pack_amd64.s are never called in this build.

func packB16T(dst, src *float32, ld, kb int) { panic("gemm: no assembly in this build") }
func packA6T(dst, src *float32, ld, kb int)  { panic("gemm: no assembly in this build") }
func packA6N(dst, src *float32, ld, kb int)  { panic("gemm: no assembly in this build") }
func packB16NRows(dst, src *float32, ld, kb, np int) {
	panic("gemm: no assembly in this build")
}
func packB16NTail(dst, src *float32, ld, kb, cols int) {
	panic("gemm: no assembly in this build")
}

// The AVX-512F micro-kernels of kernel_avx512_amd64.s are never called in
// this build.

func kernel12x32Z(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel12x16Z(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel6x32Z(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel6x16Z(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel12x32ZD(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel12x16ZD(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel6x32ZD(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel6x16ZD(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel12x32ZB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, ldb int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel12x16ZB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, ldb int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel6x32ZB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, ldb int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel6x16ZB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, ldb int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel12x32ZDB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel12x16ZDB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel6x32ZDB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel6x16ZDB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel12x32ZT(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel12x32ZTB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel12x16ZT(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel12x16ZTB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel6x32ZT(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel6x32ZTB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel6x16ZT(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int) {
	panic("gemm: no assembly kernel in this build")
}

func kernel6x16ZTB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int) {
	panic("gemm: no assembly kernel in this build")
}
