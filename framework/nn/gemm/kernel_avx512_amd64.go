//go:build amd64 && !purego

package gemm

import "github.com/slotlab/slotlab/framework/internal/isa"

//go:generate go run ./internal/asmgen -o kernel_avx512_amd64.s

// hasAVX512 reports whether the AVX-512F micro-kernels can run here.
var hasAVX512 = isa.Supported(isa.AVX512)

// The AVX-512F micro-kernels, generated into kernel_avx512_amd64.s by
// internal/asmgen. kernelRxCZ computes tiles R×C tiles of C, one below the
// other, from R/6 consecutive packed 6×k micro-panels of A per tile
// (starting at a) and C/16 consecutive packed k×16 micro-panels of B
// (starting at b): C = alpha·A·B, + C when mode is modeBeta1, + beta·C
// when mode is modeGeneral. The D variants read A in place, row r of tile
// t at a+(Rt+r)·lda; the B variants read B in place, row p of the tile's
// columns at b+p·ldb (ZDB: both). The T variants read A in place
// transposed (op(A) = Aᵀ of an A stored k×m): row r, step p of tile t at
// a+(Rt+r)+p·lda (ZTB: and B in place). Every element of C goes through the same operations
// in the same order as in kernel6x16, so all of these and the AVX2 kernels
// give bit-identical results.

//go:noescape
func kernel12x32Z(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles int)

//go:noescape
func kernel12x16Z(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles int)

//go:noescape
func kernel6x32Z(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles int)

//go:noescape
func kernel6x16Z(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles int)

//go:noescape
func kernel12x32ZD(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int)

//go:noescape
func kernel12x16ZD(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int)

//go:noescape
func kernel6x32ZD(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int)

//go:noescape
func kernel6x16ZD(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int)

//go:noescape
func kernel12x32ZB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, ldb int)

//go:noescape
func kernel12x16ZB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, ldb int)

//go:noescape
func kernel6x32ZB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, ldb int)

//go:noescape
func kernel6x16ZB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, ldb int)

//go:noescape
func kernel12x32ZDB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int)

//go:noescape
func kernel12x16ZDB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int)

//go:noescape
func kernel6x32ZDB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int)

//go:noescape
func kernel6x16ZDB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int)

//go:noescape
func kernel12x32ZT(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int)

//go:noescape
func kernel12x32ZTB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int)

//go:noescape
func kernel12x16ZT(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int)

//go:noescape
func kernel12x16ZTB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int)

//go:noescape
func kernel6x32ZT(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int)

//go:noescape
func kernel6x32ZTB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int)

//go:noescape
func kernel6x16ZT(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int)

//go:noescape
func kernel6x16ZTB(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int)
