// Command asmgen writes kernel_avx512_amd64.s, the AVX-512F micro-kernels
// of package gemm. Run it through go generate in framework/nn/gemm:
//
//	go generate ./framework/nn/gemm
//
// The kernels are regular (one FMA sequence repeated over rows, columns and
// unrolled k steps), which is why they are generated rather than written
// out by hand; TestGenerated checks that the committed file is this
// program's output.
//
// Every kernel reads A as packed 6-row micro-panels (or, for the D
// variants, in place) and B as packed 16-column micro-panels: the layouts
// of the AVX2 kernel's packing routines, so both paths share them. A
// kernel of R = 6·rp rows and C = 16·cp columns reads rp consecutive A
// panels and cp consecutive B panels. Each element of C is computed by the
// same operations in the same order as in the AVX2 kernel kernel6x16 (a
// chain of fused multiply-adds over k from zero, then the same store
// formula), so the two paths give bit-identical results.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
)

// kernel describes one generated micro-kernel.
type kernel struct {
	rp, cp  int  // A panels (6 rows each) and B panels (16 columns each)
	direct  bool // A read in place, row stride lda, instead of packed
	trans   bool // A read in place transposed: step p's rows at p·lda
	bdirect bool // B read in place, row stride ldb, instead of packed
}

// kernels lists the generated micro-kernels: the 12×32 tile Sgemm uses
// inside C, the smaller ones for the edges of C, the in-place variants
// for a non-transposed A (D) and for a transposed one (T), and all of
// those again reading a non-transposed B in place.
var kernels = []kernel{
	{rp: 2, cp: 2}, {rp: 2, cp: 1}, {rp: 1, cp: 2}, {rp: 1, cp: 1},
	{rp: 2, cp: 2, direct: true}, {rp: 2, cp: 1, direct: true},
	{rp: 1, cp: 2, direct: true}, {rp: 1, cp: 1, direct: true},
	{rp: 2, cp: 2, bdirect: true}, {rp: 2, cp: 1, bdirect: true},
	{rp: 1, cp: 2, bdirect: true}, {rp: 1, cp: 1, bdirect: true},
	{rp: 2, cp: 2, direct: true, bdirect: true}, {rp: 2, cp: 1, direct: true, bdirect: true},
	{rp: 1, cp: 2, direct: true, bdirect: true}, {rp: 1, cp: 1, direct: true, bdirect: true},
	{rp: 2, cp: 2, trans: true}, {rp: 2, cp: 1, trans: true},
	{rp: 1, cp: 2, trans: true}, {rp: 1, cp: 1, trans: true},
	{rp: 2, cp: 2, trans: true, bdirect: true}, {rp: 2, cp: 1, trans: true, bdirect: true},
	{rp: 1, cp: 2, trans: true, bdirect: true}, {rp: 1, cp: 1, trans: true, bdirect: true},
}

func (k kernel) rows() int { return 6 * k.rp }
func (k kernel) cols() int { return 16 * k.cp }

func (k kernel) name() string {
	s := fmt.Sprintf("kernel%dx%dZ", k.rows(), k.cols())
	if k.direct {
		s += "D"
	}
	if k.trans {
		s += "T"
	}
	if k.bdirect {
		s += "B"
	}
	return s
}

// Register use. Z0..Z(cp-1) hold a row of B, two broadcast registers
// alternate between rows of A, and the accumulators follow; at the store
// Z0, Z1 and Z2 hold alpha, beta and a temporary.
func (k kernel) bReg(j int) string { return fmt.Sprintf("Z%d", j) }
func (k kernel) bcReg(r int) string {
	return fmt.Sprintf("Z%d", k.cp+r%2)
}
func (k kernel) acc(r, j int) string {
	return fmt.Sprintf("Z%d", k.cp+2+r*k.cp+j)
}

// General-purpose registers:
//
//	R12 the current tile's A, R13 its C, R8 ldc in bytes, R11 tiles left
//	SI  A (panel 0, or row 0 in place), R14 24·k: offset of A panel 1
//	R10, R14, R15 rows 3, 6 and 9 of A in place, AX lda in bytes; for A
//	    in place transposed, SI the current step's row of A (the tile's
//	    rows are its consecutive values), moved two steps on after every
//	    second step
//	DI  B (panel 0), R9 64·k: offset of the next B panel; for B in
//	    place, DI the current row and R9 ldb in bytes
//	BX  loop counter, CX and DX prefetch pointers and C rows at the store
type gen struct {
	buf bytes.Buffer
}

func (g *gen) p(format string, args ...any) {
	fmt.Fprintf(&g.buf, format, args...)
	g.buf.WriteByte('\n')
}

func (g *gen) i(format string, args ...any) {
	g.buf.WriteByte('\t')
	g.p(format, args...)
}

// aAddr returns the address of A[r][step u] relative to SI.
func (k kernel) aAddr(r, u int) string {
	if k.trans {
		if u%2 == 0 {
			return fmt.Sprintf("%d(SI)", 4*r)
		}
		return fmt.Sprintf("%d(SI)(AX*1)", 4*r)
	}
	if k.direct {
		base := []string{"SI", "R10", "R14", "R15"}[r/3]
		switch r % 3 {
		case 0:
			return fmt.Sprintf("%d(%s)", 4*u, base)
		case 1:
			return fmt.Sprintf("%d(%s)(AX*1)", 4*u, base)
		default:
			return fmt.Sprintf("%d(%s)(AX*2)", 4*u, base)
		}
	}
	off := 24*u + 4*(r%6)
	if r < 6 {
		return fmt.Sprintf("%d(SI)", off)
	}
	return fmt.Sprintf("%d(SI)(R14*1)", off)
}

// bAddr returns the address of B panel j at step u relative to DI. In
// place, panel j is the row's 16 columns from 16j, and DI moves two rows
// on after every second step.
func (k kernel) bAddr(j, u int) string {
	if k.bdirect {
		if u%2 == 0 {
			return fmt.Sprintf("%d(DI)", 64*j)
		}
		return fmt.Sprintf("%d(DI)(R9*1)", 64*j)
	}
	switch j {
	case 0:
		return fmt.Sprintf("%d(DI)", 64*u)
	case 1:
		return fmt.Sprintf("%d(DI)(R9*1)", 64*u)
	default:
		return fmt.Sprintf("%d(DI)(R9*%d)", 64*u, j)
	}
}

// step emits the multiply-adds of one k step.
func (g *gen) step(k kernel, u int) {
	for j := range k.cp {
		g.i("VMOVUPS %s, %s", k.bAddr(j, u), k.bReg(j))
	}
	for r := range k.rows() {
		g.i("VBROADCASTSS %s, %s", k.aAddr(r, u), k.bcReg(r))
		for j := range k.cp {
			g.i("VFMADD231PS %s, %s, %s", k.bReg(j), k.bcReg(r), k.acc(r, j))
		}
	}
}

// prefetchC emits prefetches of the R rows of C starting at DX, leaving
// DX past them.
func (g *gen) prefetchC(k kernel) {
	for range k.rows() {
		for off := 0; off < 64*k.cp; off += 64 {
			g.i("PREFETCHT0 %d(DX)", off)
		}
		g.i("PREFETCHT0 %d(DX)", 64*k.cp-4)
		g.i("ADDQ R8, DX")
	}
}

func (g *gen) kernel(k kernel) {
	n := k.name()
	l := func(s string) string { return s + n } // labels are per function
	args, frame := "k int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles int", 64
	if k.direct || k.trans {
		args, frame = args+", lda int", frame+8
	}
	if k.bdirect {
		args, frame = args+", ldb int", frame+8
	}
	g.p("")
	switch {
	case k.direct:
		g.p("// %s computes a column of 'tiles' %d×%d tiles of C, reading", n, k.rows(), k.cols())
		g.p("// A in place: row r of tile t starts at a+4·(%dt+r)·lda bytes. See", k.rows())
		g.p("// kernel_avx512_amd64.go.")
	case k.trans:
		g.p("// %s computes a column of 'tiles' %d×%d tiles of C, reading", n, k.rows(), k.cols())
		g.p("// A in place transposed: row r, step p of tile t at a+4·(%dt+r+p·lda)", k.rows())
		g.p("// bytes. See kernel_avx512_amd64.go.")
	default:
		g.p("// %s computes a column of 'tiles' %d×%d tiles of C from", n, k.rows(), k.cols())
		g.p("// packed A panels starting at a and %d packed B panel(s) at b. See", k.cp)
		g.p("// kernel_avx512_amd64.go.")
	}
	if k.bdirect {
		g.p("// B is read in place: row p of the tile's columns at b+4·p·ldb bytes.")
	}
	g.p("//")
	g.p("// func %s(%s)", n, args)
	g.p("TEXT ·%s(SB), NOSPLIT, $0-%d", n, frame)
	g.i("MOVQ a+8(FP), R12")
	g.i("MOVQ c+24(FP), R13")
	g.i("MOVQ ldc+32(FP), R8")
	g.i("SHLQ $2, R8")
	g.i("MOVQ tiles+56(FP), R11")
	g.i("MOVQ k+0(FP), BX")
	if k.bdirect {
		g.i("MOVQ ldb+%d(FP), R9", frame-8)
		g.i("SHLQ $2, R9 // row stride of B in bytes")
	} else if k.cp > 1 {
		g.i("MOVQ BX, R9")
		g.i("SHLQ $6, R9 // 64·k: bytes of a B panel")
	}
	if k.rp > 1 && !k.trans {
		g.i("LEAQ (BX)(BX*2), R14")
		g.i("SHLQ $3, R14 // 24·k: bytes of an A panel")
	}
	if k.direct || k.trans {
		g.i("MOVQ lda+64(FP), AX")
		g.i("SHLQ $2, AX // row stride of A in bytes")
	}
	g.p("")
	g.i("// Warm the first C tile.")
	g.i("MOVQ R13, DX")
	g.prefetchC(k)
	g.p("")
	g.p("%s:", l("tile"))
	g.i("MOVQ R12, SI")
	if k.direct {
		g.i("LEAQ (SI)(AX*2), R10")
		g.i("ADDQ AX, R10 // row 3")
		if k.rp > 1 {
			g.i("LEAQ (R10)(AX*2), R14")
			g.i("ADDQ AX, R14 // row 6")
			g.i("LEAQ (R14)(AX*2), R15")
			g.i("ADDQ AX, R15 // row 9")
		}
	}
	g.i("MOVQ b+16(FP), DI")
	g.i("// Warm the next C tile while this one computes.")
	g.i("CMPQ R11, $1")
	g.i("JEQ %s", l("nopf"))
	// DX = R13 + rows·ldc bytes.
	g.i("MOVQ R8, DX")
	g.i("IMULQ $%d, DX", k.rows())
	g.i("ADDQ R13, DX")
	g.prefetchC(k)
	g.p("%s:", l("nopf"))
	for r := range k.rows() {
		for j := range k.cp {
			g.i("VPXORD %s, %s, %s", k.acc(r, j), k.acc(r, j), k.acc(r, j))
		}
	}
	g.p("")
	g.i("MOVQ k+0(FP), BX")
	g.i("SHRQ $2, BX")
	g.i("JZ %s", l("tail"))
	if k.direct && k.rp == 1 {
		g.i("// CX, DX: rows 0 and 3 of the next tile's A, fetched ahead.")
		g.i("LEAQ (SI)(AX*4), CX")
		g.i("LEAQ (CX)(AX*2), CX")
		g.i("LEAQ (R10)(AX*4), DX")
		g.i("LEAQ (DX)(AX*2), DX")
	}
	g.p("")
	g.p("%s:", l("loop4"))
	if k.direct && k.rp == 1 {
		g.i("PREFETCHT0 (CX)")
		g.i("PREFETCHT0 (CX)(AX*1)")
		g.i("PREFETCHT0 (CX)(AX*2)")
		g.i("PREFETCHT0 (DX)")
		g.i("PREFETCHT0 (DX)(AX*1)")
		g.i("PREFETCHT0 (DX)(AX*2)")
		g.i("ADDQ $16, CX")
		g.i("ADDQ $16, DX")
	} else if k.trans {
		g.i("PREFETCHT0 (SI)(AX*8)")
		if k.rp > 1 {
			g.i("PREFETCHT0 44(SI)(AX*8)")
		}
	} else if !k.direct {
		g.i("PREFETCHT0 384(SI)")
		if k.rp > 1 {
			g.i("PREFETCHT0 384(SI)(R14*1)")
		}
	}
	for u := range 4 {
		g.step(k, u)
		if k.bdirect && u%2 == 1 {
			g.i("LEAQ (DI)(R9*2), DI")
		}
		if k.trans && u%2 == 1 {
			g.i("LEAQ (SI)(AX*2), SI")
		}
	}
	switch { // transposed, SI moved on with the steps
	case k.direct:
		g.i("ADDQ $16, SI")
		g.i("ADDQ $16, R10")
		if k.rp > 1 {
			g.i("ADDQ $16, R14")
			g.i("ADDQ $16, R15")
		}
	case !k.trans:
		g.i("ADDQ $96, SI")
	}
	if !k.bdirect {
		g.i("ADDQ $256, DI")
	}
	g.i("DECQ BX")
	g.i("JNZ %s", l("loop4"))
	g.p("")
	g.p("%s:", l("tail"))
	g.i("MOVQ k+0(FP), BX")
	g.i("ANDQ $3, BX")
	g.i("JZ %s", l("store"))
	g.p("")
	g.p("%s:", l("loop1"))
	g.step(k, 0)
	if k.trans {
		g.i("ADDQ AX, SI")
	} else if k.direct {
		g.i("ADDQ $4, SI")
		g.i("ADDQ $4, R10")
		if k.rp > 1 {
			g.i("ADDQ $4, R14")
			g.i("ADDQ $4, R15")
		}
	} else {
		g.i("ADDQ $24, SI")
	}
	if k.bdirect {
		g.i("ADDQ R9, DI")
	} else {
		g.i("ADDQ $64, DI")
	}
	g.i("DECQ BX")
	g.i("JNZ %s", l("loop1"))
	g.p("")
	g.p("%s:", l("store"))
	switch {
	case k.trans:
		g.i("ADDQ $%d, R12 // the next tile's A starts %d values on", 4*k.rows(), k.rows())
	case k.direct && k.rp > 1:
		g.i("LEAQ (R12)(AX*8), R12")
		g.i("LEAQ (R12)(AX*4), R12 // the next tile's A starts 12 rows down")
	case k.direct:
		g.i("LEAQ (R12)(AX*4), R12")
		g.i("LEAQ (R12)(AX*2), R12 // the next tile's A starts 6 rows down")
	case k.rp > 1:
		g.i("LEAQ (SI)(R14*1), R12 // the next tile's A panels follow this one's")
	default:
		g.i("MOVQ SI, R12 // the next A panel follows this one")
	}
	g.i("MOVQ R13, DX")
	g.i("VBROADCASTSS alpha+40(FP), Z0")
	g.i("VBROADCASTSS beta+44(FP), Z1")
	g.i("MOVQ mode+48(FP), BX")
	g.i("CMPQ BX, $1")
	g.i("JEQ %s", l("beta1"))
	g.i("JGT %s", l("general"))
	g.p("")
	g.i("// mode 0: C = alpha·AB")
	for r := range k.rows() {
		for j := range k.cp {
			a := k.acc(r, j)
			g.i("VMULPS Z0, %s, %s", a, a)
			g.i("VMOVUPS %s, %d(DX)", a, 64*j)
		}
		g.i("ADDQ R8, DX")
	}
	g.i("JMP %s", l("next"))
	g.p("")
	g.p("%s:", l("beta1"))
	g.i("// mode 1: C = alpha·AB + C")
	for r := range k.rows() {
		for j := range k.cp {
			a := k.acc(r, j)
			g.i("VFMADD213PS %d(DX), Z0, %s", 64*j, a)
			g.i("VMOVUPS %s, %d(DX)", a, 64*j)
		}
		g.i("ADDQ R8, DX")
	}
	g.i("JMP %s", l("next"))
	g.p("")
	g.p("%s:", l("general"))
	g.i("// mode 2: C = alpha·AB + beta·C")
	for r := range k.rows() {
		for j := range k.cp {
			a := k.acc(r, j)
			g.i("VMULPS %d(DX), Z1, Z2", 64*j)
			g.i("VFMADD213PS Z2, Z0, %s", a)
			g.i("VMOVUPS %s, %d(DX)", a, 64*j)
		}
		g.i("ADDQ R8, DX")
	}
	g.p("")
	g.p("%s:", l("next"))
	g.i("MOVQ DX, R13 // the next tile starts %d rows down", k.rows())
	g.i("DECQ R11")
	g.i("JNZ %s", l("tile"))
	g.i("VZEROUPPER")
	g.i("RET")
}

// generate returns the assembly source of all kernels.
func generate() []byte {
	var g gen
	g.p("// Code generated by internal/asmgen; DO NOT EDIT.")
	g.p("")
	g.p("//go:build amd64 && !purego")
	g.p("")
	g.p("#include \"textflag.h\"")
	g.p("")
	g.p("// AVX-512F micro-kernels: B rows in Z0.., A broadcasts alternating in")
	g.p("// two registers, the accumulators after them (row r, panel j). Only")
	g.p("// AVX-512F instructions are used (VPXORD, not VXORPS, to clear).")
	for _, k := range kernels {
		g.kernel(k)
	}
	return g.buf.Bytes()
}

func main() {
	out := flag.String("o", "", "output file (default standard output)")
	flag.Parse()
	src := generate()
	if *out == "" {
		os.Stdout.Write(src)
		return
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}
