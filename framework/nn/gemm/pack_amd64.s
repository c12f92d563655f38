//go:build amd64 && !purego

#include "textflag.h"

// func packA6T(dst, src *float32, ld, kb int)
// dst[6p+i] = src[p*ld+i], p < kb, i < 6.
TEXT ·packA6T(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $2, R8
	MOVQ kb+24(FP), CX
	LEAQ (R8)(R8*2), R9
	SHLQ $2, R9
packA6TLoop:
	PREFETCHT0 (SI)(R9*1)
	VMOVUPS (SI), X0
	VMOVQ 16(SI), X1
	VMOVUPS X0, (DI)
	VMOVQ X1, 16(DI)
	ADDQ R8, SI
	ADDQ $24, DI
	DECQ CX
	JNZ packA6TLoop
	RET

// func packA6N(dst, src *float32, ld, kb int)
// dst[6p+i] = src[i*ld+p], p < kb, i < 6.
TEXT ·packA6N(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $2, R8
	MOVQ kb+24(FP), CX
	LEAQ (SI)(R8*2), R10 // row 2
	LEAQ (R10)(R8*2), R11 // row 4
	MOVQ CX, BX
	SHRQ $2, BX
	ANDQ $3, CX
	TESTQ BX, BX
	JZ packA6NTail
	LEAQ (R8)(R8*2), R9 // 3 rows
	LEAQ (SI)(R9*2), AX // next panel, row 0
	LEAQ (AX)(R8*4), DX // next panel, row 4
packA6NLoop4:
	// Fetch the next panel's rows: they are read in one panel's time.
	PREFETCHT0 (AX)
	PREFETCHT0 (AX)(R8*1)
	PREFETCHT0 (AX)(R8*2)
	PREFETCHT0 (AX)(R9*1)
	PREFETCHT0 (DX)
	PREFETCHT0 (DX)(R8*1)
	ADDQ $16, AX
	ADDQ $16, DX
	VMOVUPS (SI), X0
	VMOVUPS (SI)(R8*1), X1
	VMOVUPS (R10), X2
	VMOVUPS (R10)(R8*1), X3
	VMOVUPS (R11), X4
	VMOVUPS (R11)(R8*1), X5
	VUNPCKLPS X1, X0, X6
	VUNPCKHPS X1, X0, X7
	VUNPCKLPS X3, X2, X8
	VUNPCKHPS X3, X2, X9
	VMOVLHPS X8, X6, X10 // p0: r0..r3
	VMOVHLPS X6, X8, X11 // p1
	VMOVLHPS X9, X7, X12 // p2
	VMOVHLPS X7, X9, X13 // p3
	VUNPCKLPS X5, X4, X14 // r4[0] r5[0] r4[1] r5[1]
	VUNPCKHPS X5, X4, X15 // r4[2] r5[2] r4[3] r5[3]
	VMOVUPS X10, (DI)
	VMOVQ X14, 16(DI)
	VMOVUPS X11, 24(DI)
	VMOVHPS X14, 40(DI)
	VMOVUPS X12, 48(DI)
	VMOVQ X15, 64(DI)
	VMOVUPS X13, 72(DI)
	VMOVHPS X15, 88(DI)
	ADDQ $16, SI
	ADDQ $16, R10
	ADDQ $16, R11
	ADDQ $96, DI
	DECQ BX
	JNZ packA6NLoop4
packA6NTail:
	TESTQ CX, CX
	JZ packA6NDone
packA6NLoop1:
	VMOVSS (SI), X0
	VMOVSS X0, (DI)
	VMOVSS (SI)(R8*1), X0
	VMOVSS X0, 4(DI)
	VMOVSS (R10), X0
	VMOVSS X0, 8(DI)
	VMOVSS (R10)(R8*1), X0
	VMOVSS X0, 12(DI)
	VMOVSS (R11), X0
	VMOVSS X0, 16(DI)
	VMOVSS (R11)(R8*1), X0
	VMOVSS X0, 20(DI)
	ADDQ $4, SI
	ADDQ $4, R10
	ADDQ $4, R11
	ADDQ $24, DI
	DECQ CX
	JNZ packA6NLoop1
packA6NDone:
	VZEROUPPER
	RET

// func packB16T(dst, src *float32, ld, kb int)
// dst[16p+j] = src[j*ld+p], p < kb, j < 16; kb must be a multiple of 8.
TEXT ·packB16T(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $2, R8
	MOVQ kb+24(FP), CX
	SHRQ $3, CX
	LEAQ (R8)(R8*2), R9 // 3 rows
	LEAQ (SI)(R8*4), R12 // row 4
packB16TLoop:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R8*1), Y1
	VMOVUPS (SI)(R8*2), Y2
	VMOVUPS (SI)(R9*1), Y3
	VMOVUPS (R12), Y4
	VMOVUPS (R12)(R8*1), Y5
	VMOVUPS (R12)(R8*2), Y6
	VMOVUPS (R12)(R9*1), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS Y8, 0(DI)
	VMOVUPS Y12, 256(DI)
	VMOVUPS Y9, 64(DI)
	VMOVUPS Y13, 320(DI)
	VMOVUPS Y10, 128(DI)
	VMOVUPS Y14, 384(DI)
	VMOVUPS Y11, 192(DI)
	VMOVUPS Y15, 448(DI)
	LEAQ (SI)(R8*8), R10
	LEAQ (R12)(R8*8), R11
	VMOVUPS (R10), Y0
	VMOVUPS (R10)(R8*1), Y1
	VMOVUPS (R10)(R8*2), Y2
	VMOVUPS (R10)(R9*1), Y3
	VMOVUPS (R11), Y4
	VMOVUPS (R11)(R8*1), Y5
	VMOVUPS (R11)(R8*2), Y6
	VMOVUPS (R11)(R9*1), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS Y8, 32(DI)
	VMOVUPS Y12, 288(DI)
	VMOVUPS Y9, 96(DI)
	VMOVUPS Y13, 352(DI)
	VMOVUPS Y10, 160(DI)
	VMOVUPS Y14, 416(DI)
	VMOVUPS Y11, 224(DI)
	VMOVUPS Y15, 480(DI)
	ADDQ $32, SI
	ADDQ $32, R12
	ADDQ $512, DI
	DECQ CX
	JNZ packB16TLoop
	VZEROUPPER
	RET

// func packB16NRows(dst, src *float32, ld, kb, np int)
// dst[t*16*kb+16p+j] = src[p*ld+16t+j], t < np, p < kb, j < 16: np
// panels of 16 columns, reading B one row at a time.
TEXT ·packB16NRows(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $2, R8
	MOVQ kb+24(FP), CX
	MOVQ np+32(FP), DX
	MOVQ CX, R9
	SHLQ $6, R9 // panel stride in bytes
packB16NRowsP:
	MOVQ SI, R10
	MOVQ DI, R11
	MOVQ DX, BX
packB16NRowsT:
	VMOVUPS (R10), Y0
	VMOVUPS 32(R10), Y1
	VMOVUPS Y0, (R11)
	VMOVUPS Y1, 32(R11)
	ADDQ $64, R10
	ADDQ R9, R11
	DECQ BX
	JNZ packB16NRowsT
	ADDQ R8, SI
	ADDQ $64, DI
	DECQ CX
	JNZ packB16NRowsP
	VZEROUPPER
	RET

// func packB16NTail(dst, src *float32, ld, kb, cols int)
// dst[16p+j] = src[p*ld+j] for j < cols, 0 for cols ≤ j < 16, p < kb:
// a partial panel by masked loads (VMASKMOVPS reads nothing, and faults on
// nothing, in the lanes its mask leaves out). 0 < cols < 16, kb ≥ 1.
TEXT ·packB16NTail(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $2, R8
	MOVQ kb+24(FP), CX
	MOVQ cols+32(FP), DX
	// The mask of lanes j < cols is tailMask's 16 words from 16 - cols.
	LEAQ tailMask<>+64(SB), AX
	SHLQ $2, DX
	SUBQ DX, AX
	VMOVDQU (AX), Y2
	VMOVDQU 32(AX), Y3
packB16NTailP:
	VMASKMOVPS (SI), Y2, Y0
	VMASKMOVPS 32(SI), Y3, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ R8, SI
	ADDQ $64, DI
	DECQ CX
	JNZ packB16NTailP
	VZEROUPPER
	RET

// tailMask is 16 words of all ones, then 16 of zeros.
DATA tailMask<>+0(SB)/8, $-1
DATA tailMask<>+8(SB)/8, $-1
DATA tailMask<>+16(SB)/8, $-1
DATA tailMask<>+24(SB)/8, $-1
DATA tailMask<>+32(SB)/8, $-1
DATA tailMask<>+40(SB)/8, $-1
DATA tailMask<>+48(SB)/8, $-1
DATA tailMask<>+56(SB)/8, $-1
DATA tailMask<>+64(SB)/8, $0
DATA tailMask<>+72(SB)/8, $0
DATA tailMask<>+80(SB)/8, $0
DATA tailMask<>+88(SB)/8, $0
DATA tailMask<>+96(SB)/8, $0
DATA tailMask<>+104(SB)/8, $0
DATA tailMask<>+112(SB)/8, $0
DATA tailMask<>+120(SB)/8, $0
GLOBL tailMask<>(SB), RODATA|NOPTR, $128
