// Package gemm provides the single-precision matrix multiply every dense and
// convolution kernel of slotlab is built on.
//
// Sgemm is a GotoBLAS/BLIS-style blocked implementation: panels of op(A) and
// op(B) are packed into contiguous buffers (the transposes are resolved while
// packing), the packed panels are multiplied by a register-tiled
// micro-kernel (AVX2+FMA assembly on amd64 when the CPU has it, portable Go
// otherwise), and the output C is split between cores. The work is never
// split along k, and the k blocking depends on k alone, so every element of
// C is computed by the same sequence of floating-point operations whatever
// GOMAXPROCS is: results are bit-for-bit reproducible.
//
// Build with the tag openblas to call cblas_sgemm from OpenBLAS instead.
package gemm

import (
	"fmt"

	"github.com/slotlab/slotlab/framework/internal/isa"
)

// Cache blocking, sized for 32 KiB L1d and 512 KiB L2 per core: a kc×16
// micro-panel of packed B (24 KiB at kc=384) stays in L1 while the
// micro-panels of an mc×kc block of packed A (216 KiB) stream past it from
// L2; the packed kc×nc block of B lives in L2/L3. Speed depends little on
// the exact values (±5% from kc 256-512, mc 72-480).
const (
	kcMax = 384
	mcMax = 144
	ncMax = 3072
)

// kernelShape describes a micro-kernel path: the kernel computes an mr×nr
// tile of C from packed micro-panels of pmr rows of A and pnr columns of B
// (mr and nr are multiples of them). directMaxN is the widest block of C
// for which an assembly path reads a non-transposed A in place, in tiles
// of pmr rows, rather than packed: with few B panels per A panel, packing
// A costs more than it saves (0: never).
type kernelShape struct {
	isa        isa.Level
	mr, nr     int
	pmr, pnr   int
	directMaxN int
}

var (
	genericShape = kernelShape{isa: isa.Generic, mr: genericMR, nr: genericNR, pmr: genericMR, pnr: genericNR}
	avx2Shape    = kernelShape{isa: isa.AVX2, mr: 6, nr: 16, pmr: 6, pnr: 16, directMaxN: 128}
	avx512Shape  = kernelShape{isa: isa.AVX512, mr: 12, nr: 32, pmr: 6, pnr: 16, directMaxN: 128}
)

// shapeFor returns the widest micro-kernel at or below level l that this
// CPU and this build can run.
func shapeFor(l isa.Level) kernelShape {
	switch {
	case l >= isa.AVX512 && hasAVX512:
		return avx512Shape
	case l >= isa.AVX2 && hasAVX2:
		return avx2Shape
	}
	return genericShape
}

// active is the micro-kernel Sgemm uses, chosen once at start-up: the
// widest the CPU supports, or the one SLOTLAB_ISA forces (see package isa).
var active = shapeFor(isa.Selected())

// backendName is what Backend reports; the openblas build replaces it.
var backendName = "go-" + active.isa.String()

// Backend names the implementation Sgemm uses: "go-avx512" (Go assembly,
// AVX-512F), "go-avx2" (Go assembly, AVX2+FMA), "go-generic" (portable
// Go) or "openblas" (cgo, build tag openblas).
func Backend() string { return backendName }

// ISA names the instruction-set path of the Go micro-kernel in use:
// "avx512", "avx2" or "generic", as SLOTLAB_ISA spells them. With the
// openblas build tag, Sgemm does not use it.
func ISA() string { return active.isa.String() }

// override, when set (build tag openblas), replaces the Go implementation.
var override func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices,
// where op(A) is m×k, op(B) is k×n and C is m×n; op(X) is X or Xᵀ as
// transA/transB say. lda, ldb and ldc are the row strides of A, B and C as
// stored. When beta is zero C is not read, so it may hold anything (NaN
// included). Sgemm panics on inconsistent sizes, like gonum's Sgemm.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if override != nil {
		override(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	sgemmGo(active, maxParts(), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// checkArgs panics unless the sizes, strides and slice lengths agree.
func checkArgs(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("gemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}
	if lda < max(1, colsA) {
		panic(fmt.Sprintf("gemm: lda=%d < %d", lda, max(1, colsA)))
	}
	if ldb < max(1, colsB) {
		panic(fmt.Sprintf("gemm: ldb=%d < %d", ldb, max(1, colsB)))
	}
	if ldc < max(1, n) {
		panic(fmt.Sprintf("gemm: ldc=%d < %d", ldc, max(1, n)))
	}
	if m == 0 || n == 0 {
		return
	}
	if k > 0 {
		if need := lda*(rowsA-1) + colsA; len(a) < need {
			panic(fmt.Sprintf("gemm: len(a)=%d < %d", len(a), need))
		}
		if need := ldb*(rowsB-1) + colsB; len(b) < need {
			panic(fmt.Sprintf("gemm: len(b)=%d < %d", len(b), need))
		}
	}
	if need := ldc*(m-1) + n; len(c) < need {
		panic(fmt.Sprintf("gemm: len(c)=%d < %d", len(c), need))
	}
}

// problem is one Sgemm call, shared read-only by the goroutines working on
// it.
type problem struct {
	shape          kernelShape
	transA, transB bool
	m, n, k        int
	kc             int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
}

// sgemmGo runs the blocked algorithm with the given micro-kernel on at most
// parts goroutines. Arguments must have been checked.
func sgemmGo(shape kernelShape, parts int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	p := problem{
		shape: shape, transA: transA, transB: transB,
		m: m, n: n, k: k, kc: kcFor(k),
		alpha: alpha, beta: beta,
		a: a, b: b, c: c, lda: lda, ldb: ldb, ldc: ldc,
	}
	run(&p, parts)
}

// kcFor returns the k block size: k itself when it fits, otherwise k split
// into equal blocks of at most kcMax, rounded up to a multiple of 8. It
// depends on k alone, never on how the work is divided, which keeps the
// summation order, and so the result, independent of the number of threads.
func kcFor(k int) int {
	if k <= kcMax {
		return k
	}
	nb := (k + kcMax - 1) / kcMax
	kc := (k + nb - 1) / nb
	return (kc + 7) &^ 7
}

// scaleC sets C = beta·C, writing zeros without reading C when beta is 0.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// buffers holds one goroutine's packing buffers.
type buffers struct {
	a, b []float32
}

// grow returns s resized to n elements, reallocating only when it is too
// small.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// roundUp rounds x up to a multiple of r.
func roundUp(x, r int) int { return (x + r - 1) / r * r }

// runPart computes rows [i0,i1) and columns [j0,j1) of C.
func (p *problem) runPart(i0, i1, j0, j1 int, buf *buffers) {
	mr, nr := p.shape.mr, p.shape.nr
	pmr, pnr := p.shape.pmr, p.shape.pnr
	for jc := j0; jc < j1; jc += ncMax {
		nb := min(ncMax, j1-jc)
		direct := !p.transA && nb <= p.shape.directMaxN
		for pc := 0; pc < p.k; pc += p.kc {
			kb := min(p.kc, p.k-pc)
			buf.b = grow(buf.b, roundUp(nb, nr)*kb)
			packB(buf.b, p.b, p.ldb, p.transB, pc, kb, jc, nb, pnr)
			beta := p.beta
			if pc > 0 {
				beta = 1
			}
			for ic := i0; ic < i1; ic += mcMax {
				mb := min(mcMax, i1-ic)
				buf.a = grow(buf.a, roundUp(mb, mr)*kb)
				packed := 0 // rows of the block read in place
				if direct {
					packed = mb / pmr * pmr
				}
				packA(buf.a[packed*kb:], p.a, p.lda, p.transA, ic+packed, mb-packed, pc, kb, pmr)
				switch p.shape.isa {
				case isa.AVX512:
					p.macroAVX512(buf.a, buf.b, mb, nb, kb, ic, jc, pc, packed, beta)
				default:
					p.macro(buf.a, buf.b, mb, nb, kb, ic, jc, pc, direct, beta)
				}
			}
		}
	}
}

// macro multiplies an mb×kb block of A, packed (or, when direct, packed
// only in its last partial micro-panel), by a packed kb×nb block of B into
// C[ic:ic+mb, jc:jc+nb] one micro-tile at a time.
func (p *problem) macro(ap, bp []float32, mb, nb, kb, ic, jc, pc int, direct bool, beta float32) {
	mr, nr := p.shape.mr, p.shape.nr
	alpha, c, ldc := p.alpha, p.c, p.ldc
	if p.shape.isa == isa.Generic {
		for jr := 0; jr < nb; jr += nr {
			bpan := bp[jr*kb : (jr+nr)*kb]
			for ir := 0; ir < mb; ir += mr {
				kernelGeneric(kb, ap[ir*kb:(ir+mr)*kb], bpan, c[(ic+ir)*ldc+jc+jr:], ldc,
					min(mr, mb-ir), min(nr, nb-jr), alpha, beta)
			}
		}
		return
	}
	mode := storeMode(beta)
	full := mb / mr // row tiles without an edge
	a, lda := p.a, p.lda
	if direct && full > 0 {
		_ = a[(ic+full*mr-1)*lda+pc+kb-1] // the kernel reads up to here
	}
	var tile [6 * 16]float32
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		bpan := &bp[jr*kb]
		ir := 0
		if cols == nr && full > 0 {
			off := ic*ldc + jc + jr
			_ = c[off+(full*mr-1)*ldc+nr-1] // the kernel writes up to here
			if direct {
				kernel6x16D(kb, &a[ic*lda+pc], bpan, &c[off], ldc, alpha, beta, mode, full, lda)
			} else {
				kernel6x16(kb, &ap[0], bpan, &c[off], ldc, alpha, beta, mode, full)
			}
			ir = full * mr
		}
		// Edge tiles: run the same kernel on a full-size scratch tile so
		// that the arithmetic is identical to that of an interior tile.
		for ; ir < mb; ir += mr {
			rows := min(mr, mb-ir)
			off := (ic+ir)*ldc + jc + jr
			if mode != modeBeta0 {
				for r := range rows {
					copy(tile[r*16:r*16+cols], c[off+r*ldc:off+r*ldc+cols])
				}
			}
			if direct && rows == mr {
				kernel6x16D(kb, &a[(ic+ir)*lda+pc], bpan, &tile[0], 16, alpha, beta, mode, 1, lda)
			} else {
				kernel6x16(kb, &ap[ir*kb], bpan, &tile[0], 16, alpha, beta, mode, 1)
			}
			for r := range rows {
				copy(c[off+r*ldc:off+r*ldc+cols], tile[r*16:r*16+cols])
			}
		}
	}
}

// storeMode returns the assembly micro-kernels' store mode for beta.
func storeMode(beta float32) int {
	switch beta {
	case 0:
		return modeBeta0
	case 1:
		return modeBeta1
	}
	return modeGeneral
}

// Store modes of the assembly micro-kernel.
const (
	modeBeta0   = 0 // C = alpha·AB, C not read
	modeBeta1   = 1 // C = alpha·AB + C
	modeGeneral = 2 // C = alpha·AB + beta·C
)
