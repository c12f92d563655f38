//go:build amd64 && !purego

#include "textflag.h"

// func copyRowsAVX2(dst *float32, ds int, src *float32, ss, rows, cols int)
// dst[r*ds+j] = src[r*ss+j] for r < rows, j < cols; rows, cols > 0.
TEXT ·copyRowsAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ds+8(FP), R8
	SHLQ $2, R8
	MOVQ src+16(FP), SI
	MOVQ ss+24(FP), R9
	SHLQ $2, R9
	MOVQ rows+32(FP), CX
	MOVQ cols+40(FP), DX
	MOVQ DX, BX
	SUBQ $16, BX // last start of a 16-wide step
	MOVQ DX, R10
	SUBQ $8, R10 // last start of an 8-wide step

crow:
	XORQ AX, AX

c16:
	CMPQ AX, BX
	JGT  c8
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS 32(SI)(AX*4), Y1
	VMOVUPS Y0, (DI)(AX*4)
	VMOVUPS Y1, 32(DI)(AX*4)
	ADDQ $16, AX
	JMP  c16

c8:
	CMPQ AX, R10
	JGT  c1
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ $8, AX

c1:
	CMPQ AX, DX
	JGE  cnext
	MOVL (SI)(AX*4), R11
	MOVL R11, (DI)(AX*4)
	INCQ AX
	JMP  c1

cnext:
	ADDQ R8, DI
	ADDQ R9, SI
	DECQ CX
	JNZ  crow
	VZEROUPPER
	RET

// func addRowsAVX2(dst *float32, ds int, src *float32, ss, rows, cols int)
// dst[r*ds+j] += src[r*ss+j] for r < rows, j < cols; rows, cols > 0.
TEXT ·addRowsAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ds+8(FP), R8
	SHLQ $2, R8
	MOVQ src+16(FP), SI
	MOVQ ss+24(FP), R9
	SHLQ $2, R9
	MOVQ rows+32(FP), CX
	MOVQ cols+40(FP), DX
	MOVQ DX, BX
	SUBQ $16, BX
	MOVQ DX, R10
	SUBQ $8, R10

arow:
	XORQ AX, AX

a16:
	CMPQ AX, BX
	JGT  a8
	VMOVUPS (DI)(AX*4), Y0
	VMOVUPS 32(DI)(AX*4), Y1
	VADDPS  (SI)(AX*4), Y0, Y0
	VADDPS  32(SI)(AX*4), Y1, Y1
	VMOVUPS Y0, (DI)(AX*4)
	VMOVUPS Y1, 32(DI)(AX*4)
	ADDQ $16, AX
	JMP  a16

a8:
	CMPQ AX, R10
	JGT  a1
	VMOVUPS (DI)(AX*4), Y0
	VADDPS  (SI)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ $8, AX

a1:
	CMPQ AX, DX
	JGE  anext
	VMOVSS (DI)(AX*4), X0 // VEX-encoded: no SSE/AVX transition penalty
	VADDSS (SI)(AX*4), X0, X0
	VMOVSS X0, (DI)(AX*4)
	INCQ AX
	JMP  a1

anext:
	ADDQ R8, DI
	ADDQ R9, SI
	DECQ CX
	JNZ  arow
	VZEROUPPER
	RET
