//go:build amd64 && !purego

#include "textflag.h"

// AVX2 kernel of SampleSoftmax (sample.go): the same float32 operations in
// the same order as sampleSoftmaxGo and Exp32, eight scores per register.
//
// Registers: R9 idx, SI s, R8 u, R10 scratch, CX connections left, BX K,
// R11 bytes per connection (4K); Y15 log2e, Y14 0.5, Y13 ln2hi, Y12 ln2lo,
// Y11 1/720, Y10 1/120, Y9 1/24, Y8 1/6, Y6 1, Y5 −87; Y7 the running
// prefix sum (carry); Y0–Y4 scratch.

#include "sample_consts_amd64.h"

// Permutation indexes that move lane i to i+d (lanes below d are masked).
DATA shl1<>+0(SB)/4, $0
DATA shl1<>+4(SB)/4, $0
DATA shl1<>+8(SB)/4, $1
DATA shl1<>+12(SB)/4, $2
DATA shl1<>+16(SB)/4, $3
DATA shl1<>+20(SB)/4, $4
DATA shl1<>+24(SB)/4, $5
DATA shl1<>+28(SB)/4, $6
GLOBL shl1<>(SB), RODATA|NOPTR, $32

DATA shl2<>+0(SB)/4, $0
DATA shl2<>+4(SB)/4, $0
DATA shl2<>+8(SB)/4, $0
DATA shl2<>+12(SB)/4, $1
DATA shl2<>+16(SB)/4, $2
DATA shl2<>+20(SB)/4, $3
DATA shl2<>+24(SB)/4, $4
DATA shl2<>+28(SB)/4, $5
GLOBL shl2<>(SB), RODATA|NOPTR, $32

DATA shl4<>+0(SB)/4, $0
DATA shl4<>+4(SB)/4, $0
DATA shl4<>+8(SB)/4, $0
DATA shl4<>+12(SB)/4, $0
DATA shl4<>+16(SB)/4, $0
DATA shl4<>+20(SB)/4, $1
DATA shl4<>+24(SB)/4, $2
DATA shl4<>+28(SB)/4, $3
GLOBL shl4<>(SB), RODATA|NOPTR, $32

DATA lane7<>+0(SB)/4, $7
DATA lane7<>+4(SB)/4, $7
DATA lane7<>+8(SB)/4, $7
DATA lane7<>+12(SB)/4, $7
DATA lane7<>+16(SB)/4, $7
DATA lane7<>+20(SB)/4, $7
DATA lane7<>+24(SB)/4, $7
DATA lane7<>+28(SB)/4, $7
GLOBL lane7<>(SB), RODATA|NOPTR, $32

// Masks keeping lanes ≥ 1, ≥ 2, ≥ 4.
DATA mask1<>+0(SB)/4, $0
DATA mask1<>+4(SB)/4, $0xffffffff
DATA mask1<>+8(SB)/4, $0xffffffff
DATA mask1<>+12(SB)/4, $0xffffffff
DATA mask1<>+16(SB)/4, $0xffffffff
DATA mask1<>+20(SB)/4, $0xffffffff
DATA mask1<>+24(SB)/4, $0xffffffff
DATA mask1<>+28(SB)/4, $0xffffffff
GLOBL mask1<>(SB), RODATA|NOPTR, $32

DATA mask2<>+0(SB)/4, $0
DATA mask2<>+4(SB)/4, $0
DATA mask2<>+8(SB)/4, $0xffffffff
DATA mask2<>+12(SB)/4, $0xffffffff
DATA mask2<>+16(SB)/4, $0xffffffff
DATA mask2<>+20(SB)/4, $0xffffffff
DATA mask2<>+24(SB)/4, $0xffffffff
DATA mask2<>+28(SB)/4, $0xffffffff
GLOBL mask2<>(SB), RODATA|NOPTR, $32

DATA mask4<>+0(SB)/4, $0
DATA mask4<>+4(SB)/4, $0
DATA mask4<>+8(SB)/4, $0
DATA mask4<>+12(SB)/4, $0
DATA mask4<>+16(SB)/4, $0xffffffff
DATA mask4<>+20(SB)/4, $0xffffffff
DATA mask4<>+24(SB)/4, $0xffffffff
DATA mask4<>+28(SB)/4, $0xffffffff
GLOBL mask4<>(SB), RODATA|NOPTR, $32

// func sampleK8nAVX2(idx *int32, s, u, scratch *float32, n, k int)
TEXT ·sampleK8nAVX2(SB), NOSPLIT, $0-48
	MOVQ         idx+0(FP), R9
	MOVQ         s+8(FP), SI
	MOVQ         u+16(FP), R8
	MOVQ         scratch+24(FP), R10
	MOVQ         n+32(FP), CX
	MOVQ         k+40(FP), BX
	LEAQ         (BX*4), R11
	VBROADCASTSS cLog2e<>(SB), Y15
	VBROADCASTSS cHalf<>(SB), Y14
	VBROADCASTSS cLn2hi<>(SB), Y13
	VBROADCASTSS cLn2lo<>(SB), Y12
	VBROADCASTSS c720<>(SB), Y11
	VBROADCASTSS c120<>(SB), Y10
	VBROADCASTSS c24<>(SB), Y9
	VBROADCASTSS c6<>(SB), Y8
	VBROADCASTSS cOne<>(SB), Y6
	VBROADCASTSS cM87<>(SB), Y5
	TESTQ        CX, CX
	JZ           done

conn:
	// Y0 = the maximum of the row, in every lane.
	VMOVUPS    (SI), Y0
	MOVQ       $32, DX

rowmax:
	CMPQ       DX, R11
	JGE        rowmaxed
	VMAXPS     (SI)(DX*1), Y0, Y0
	ADDQ       $32, DX
	JMP        rowmax

rowmaxed:
	VPERMILPS  $0xb1, Y0, Y4
	VMAXPS     Y4, Y0, Y0
	VPERMILPS  $0x4e, Y0, Y4
	VMAXPS     Y4, Y0, Y0
	VPERM2F128 $1, Y0, Y0, Y4
	VMAXPS     Y4, Y0, Y0

	// Exponentials and prefix sums, block by block, into scratch.
	VXORPS     Y7, Y7, Y7
	XORQ       DX, DX

block:
	VMOVUPS    (SI)(DX*1), Y1
	VSUBPS     Y0, Y1, Y1
	VMULPS     Y15, Y1, Y2
	VSUBPS     Y14, Y2, Y2
	VCVTTPS2DQ Y2, Y2
	VCVTDQ2PS  Y2, Y3
	VMULPS     Y13, Y3, Y4
	VSUBPS     Y4, Y1, Y4
	VMULPS     Y12, Y3, Y3
	VSUBPS     Y3, Y4, Y4
	VMULPS     Y11, Y4, Y3
	VADDPS     Y10, Y3, Y3
	VMULPS     Y3, Y4, Y3
	VADDPS     Y9, Y3, Y3
	VMULPS     Y3, Y4, Y3
	VADDPS     Y8, Y3, Y3
	VMULPS     Y3, Y4, Y3
	VADDPS     Y14, Y3, Y3
	VMULPS     Y3, Y4, Y3
	VADDPS     Y6, Y3, Y3
	VMULPS     Y3, Y4, Y3
	VADDPS     Y6, Y3, Y3
	VPBROADCASTD cBias<>(SB), Y4
	VPADDD     Y4, Y2, Y2
	VPSLLD     $23, Y2, Y2
	VMULPS     Y2, Y3, Y3
	VCMPPS     $1, Y5, Y1, Y2
	VANDNPS    Y3, Y2, Y3

	VMOVDQU    shl1<>(SB), Y4
	VPERMPS    Y3, Y4, Y2
	VANDPS     mask1<>(SB), Y2, Y2
	VADDPS     Y2, Y3, Y3
	VMOVDQU    shl2<>(SB), Y4
	VPERMPS    Y3, Y4, Y2
	VANDPS     mask2<>(SB), Y2, Y2
	VADDPS     Y2, Y3, Y3
	VMOVDQU    shl4<>(SB), Y4
	VPERMPS    Y3, Y4, Y2
	VANDPS     mask4<>(SB), Y2, Y2
	VADDPS     Y2, Y3, Y3
	VADDPS     Y7, Y3, Y3
	VMOVUPS    Y3, (R10)(DX*1)
	VMOVDQU    lane7<>(SB), Y4
	VPERMPS    Y3, Y4, Y7
	ADDQ       $32, DX
	CMPQ       DX, R11
	JLT        block

	// target = u·total; the first prefix sum above it.
	VBROADCASTSS (R8), Y4
	VMULPS     Y7, Y4, Y4
	CMPQ       BX, $64
	JGT        findloop

	// K ≤ 64: the compare masks of all blocks, last to first, in one
	// word, bit K-1 set: its lowest set bit is the draw, with no branch
	// on the data.
	LEAQ       -32(R11), DX
	XORQ       DI, DI

gather:
	VCMPPS     $1, (R10)(DX*1), Y4, Y2
	VMOVMSKPS  Y2, AX
	SHLQ       $8, DI
	ORQ        AX, DI
	SUBQ       $32, DX
	JGE        gather
	LEAQ       -1(BX), AX
	BTSQ       AX, DI
	TZCNTQ     DI, AX
	JMP        store

findloop:
	XORQ       DX, DX
	XORQ       DI, DI

find:
	VCMPPS     $1, (R10)(DX*1), Y4, Y2
	VMOVMSKPS  Y2, AX
	TESTL      AX, AX
	JNZ        found
	ADDQ       $8, DI
	ADDQ       $32, DX
	CMPQ       DX, R11
	JLT        find
	LEAQ       -1(BX), AX
	JMP        store

found:
	TZCNTL     AX, AX
	ADDQ       DI, AX

store:
	MOVL       AX, (R9)
	ADDQ       $4, R9
	ADDQ       $4, R8
	ADDQ       R11, SI
	DECQ       CX
	JNZ        conn

done:
	VZEROUPPER
	RET
