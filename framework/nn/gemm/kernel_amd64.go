//go:build amd64 && !purego

package gemm

import "github.com/slotlab/slotlab/framework/internal/isa"

// hasAVX2 reports whether the AVX2+FMA micro-kernel can run here.
var hasAVX2 = isa.Supported(isa.AVX2)

// kernel6x16 computes tiles 6×16 tiles of C, one below the other, from
// consecutive packed 6×k micro-panels of A starting at a and one packed
// k×16 micro-panel of B: C = alpha·A·B, + C when mode is modeBeta1,
// + beta·C when mode is modeGeneral. Implemented in kernel_amd64.s with
// AVX2 and FMA.
//
//go:noescape
func kernel6x16(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles int)

// kernel6x16D is kernel6x16 reading A in place: the rows of tile t start
// at a+(6t+r)·lda. Its results are identical to kernel6x16's.
//
//go:noescape
func kernel6x16D(k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda int)

// Packing routines for the 6×16 kernel, in pack_amd64.s.

// packB16T transposes: dst[16p+j] = src[j*ld+p], j < 16, for kb a
// multiple of 8.
//
//go:noescape
func packB16T(dst, src *float32, ld, kb int)

// packA6T copies kb rows of 6 values at stride ld: dst[6p+i] = src[p*ld+i].
//
//go:noescape
func packA6T(dst, src *float32, ld, kb int)

// packA6N interleaves 6 rows: dst[6p+i] = src[i*ld+p], i < 6.
//
//go:noescape
func packA6N(dst, src *float32, ld, kb int)

// packB16NRows packs np panels of 16 columns reading B row by row:
// dst[t*16*kb+16p+j] = src[p*ld+16t+j].
//
//go:noescape
func packB16NRows(dst, src *float32, ld, kb, np int)

// packB16NTail packs the last, partial panel of cols columns (0 < cols <
// 16) by masked loads, which read nothing past a row's cols values:
// dst[16p+j] = src[p*ld+j] for j < cols, 0 for cols ≤ j < 16, p < kb
// (kb ≥ 1).
//
//go:noescape
func packB16NTail(dst, src *float32, ld, kb, cols int)
