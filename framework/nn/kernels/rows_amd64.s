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

// func winoIn4AVX2(a0, a1, a2, a3, v0, v1, v2, v3 *float32, n int)
// v0 = a0−a2, v1 = a1+a2, v2 = a2−a1, v3 = a1−a3 elementwise; n > 0.
TEXT ·winoIn4AVX2(SB), NOSPLIT, $0-72
	MOVQ a0+0(FP), AX
	MOVQ a1+8(FP), BX
	MOVQ a2+16(FP), CX
	MOVQ a3+24(FP), DX
	MOVQ v0+32(FP), R8
	MOVQ v1+40(FP), R9
	MOVQ v2+48(FP), R10
	MOVQ v3+56(FP), R11
	MOVQ n+64(FP), R12
	XORQ R13, R13
	MOVQ R12, R14
	SUBQ $8, R14 // last start of an 8-wide step

in8:
	CMPQ    R13, R14
	JGT     in1
	VMOVUPS (AX)(R13*4), Y0
	VMOVUPS (BX)(R13*4), Y1
	VMOVUPS (CX)(R13*4), Y2
	VMOVUPS (DX)(R13*4), Y3
	VSUBPS  Y2, Y0, Y4
	VADDPS  Y2, Y1, Y5
	VSUBPS  Y1, Y2, Y6
	VSUBPS  Y3, Y1, Y7
	VMOVUPS Y4, (R8)(R13*4)
	VMOVUPS Y5, (R9)(R13*4)
	VMOVUPS Y6, (R10)(R13*4)
	VMOVUPS Y7, (R11)(R13*4)
	ADDQ    $8, R13
	JMP     in8

in1:
	CMPQ   R13, R12
	JGE    indone
	VMOVSS (AX)(R13*4), X0
	VMOVSS (BX)(R13*4), X1
	VMOVSS (CX)(R13*4), X2
	VMOVSS (DX)(R13*4), X3
	VSUBSS X2, X0, X4
	VADDSS X2, X1, X5
	VSUBSS X1, X2, X6
	VSUBSS X3, X1, X7
	VMOVSS X4, (R8)(R13*4)
	VMOVSS X5, (R9)(R13*4)
	VMOVSS X6, (R10)(R13*4)
	VMOVSS X7, (R11)(R13*4)
	INCQ   R13
	JMP    in1

indone:
	VZEROUPPER
	RET

// func winoOut2AVX2(m0, m1, m2, m3, s0, s1 *float32, n int)
// s0 = (m0+m1)+m2, s1 = (m1−m2)−m3 elementwise; n > 0.
TEXT ·winoOut2AVX2(SB), NOSPLIT, $0-56
	MOVQ m0+0(FP), AX
	MOVQ m1+8(FP), BX
	MOVQ m2+16(FP), CX
	MOVQ m3+24(FP), DX
	MOVQ s0+32(FP), R8
	MOVQ s1+40(FP), R9
	MOVQ n+48(FP), R12
	XORQ R13, R13
	MOVQ R12, R14
	SUBQ $8, R14

out8:
	CMPQ    R13, R14
	JGT     out1
	VMOVUPS (AX)(R13*4), Y0
	VMOVUPS (BX)(R13*4), Y1
	VMOVUPS (CX)(R13*4), Y2
	VMOVUPS (DX)(R13*4), Y3
	VADDPS  Y1, Y0, Y4
	VADDPS  Y2, Y4, Y4
	VSUBPS  Y2, Y1, Y5
	VSUBPS  Y3, Y5, Y5
	VMOVUPS Y4, (R8)(R13*4)
	VMOVUPS Y5, (R9)(R13*4)
	ADDQ    $8, R13
	JMP     out8

out1:
	CMPQ   R13, R12
	JGE    outdone
	VMOVSS (AX)(R13*4), X0
	VMOVSS (BX)(R13*4), X1
	VMOVSS (CX)(R13*4), X2
	VMOVSS (DX)(R13*4), X3
	VADDSS X1, X0, X4
	VADDSS X2, X4, X4
	VSUBSS X2, X1, X5
	VSUBSS X3, X5, X5
	VMOVSS X4, (R8)(R13*4)
	VMOVSS X5, (R9)(R13*4)
	INCQ   R13
	JMP    out1

outdone:
	VZEROUPPER
	RET

// func winoGrad4AVX2(a0, a1, v0, v1, v2, v3 *float32, n int)
// v0 = a0, v1 = a0+a1, v2 = a0−a1, v3 = a1 elementwise; n > 0.
TEXT ·winoGrad4AVX2(SB), NOSPLIT, $0-56
	MOVQ a0+0(FP), AX
	MOVQ a1+8(FP), BX
	MOVQ v0+16(FP), R8
	MOVQ v1+24(FP), R9
	MOVQ v2+32(FP), R10
	MOVQ v3+40(FP), R11
	MOVQ n+48(FP), R12
	XORQ R13, R13
	MOVQ R12, R14
	SUBQ $8, R14

grad8:
	CMPQ    R13, R14
	JGT     grad1
	VMOVUPS (AX)(R13*4), Y0
	VMOVUPS (BX)(R13*4), Y1
	VADDPS  Y1, Y0, Y4
	VSUBPS  Y1, Y0, Y5
	VMOVUPS Y0, (R8)(R13*4)
	VMOVUPS Y4, (R9)(R13*4)
	VMOVUPS Y5, (R10)(R13*4)
	VMOVUPS Y1, (R11)(R13*4)
	ADDQ    $8, R13
	JMP     grad8

grad1:
	CMPQ   R13, R12
	JGE    graddone
	VMOVSS (AX)(R13*4), X0
	VMOVSS (BX)(R13*4), X1
	VADDSS X1, X0, X4
	VSUBSS X1, X0, X5
	VMOVSS X0, (R8)(R13*4)
	VMOVSS X4, (R9)(R13*4)
	VMOVSS X5, (R10)(R13*4)
	VMOVSS X1, (R11)(R13*4)
	INCQ   R13
	JMP    grad1

graddone:
	VZEROUPPER
	RET

// func winoRowGrad4AVX2(y *float32, n int, v0, v1, v2, v3 *float32)
// For tiles q < n, with a_b = y[2q+b]: v0 = a0, v1 = a0+a1, v2 = a0−a1,
// v3 = a1 (winoGrad4 on the two columns of a row of tiles, read from the
// row y of 2n floats); n > 0.
TEXT ·winoRowGrad4AVX2(SB), NOSPLIT, $0-48
	MOVQ y+0(FP), SI
	MOVQ n+8(FP), R12
	MOVQ v0+16(FP), R8
	MOVQ v1+24(FP), R9
	MOVQ v2+32(FP), R10
	MOVQ v3+40(FP), R11
	XORQ R13, R13
	MOVQ R12, R14
	SUBQ $8, R14

rg8:
	CMPQ    R13, R14
	JGT     rg4
	LEAQ    (SI)(R13*8), DI
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VSHUFPS $0x88, Y1, Y0, Y4
	VSHUFPS $0xDD, Y1, Y0, Y5
	VPERMPD $0xD8, Y4, Y4   // a0
	VPERMPD $0xD8, Y5, Y5   // a1
	VADDPS  Y5, Y4, Y8
	VSUBPS  Y5, Y4, Y9
	VMOVUPS Y4, (R8)(R13*4)
	VMOVUPS Y8, (R9)(R13*4)
	VMOVUPS Y9, (R10)(R13*4)
	VMOVUPS Y5, (R11)(R13*4)
	ADDQ    $8, R13
	JMP     rg8

rg4:
	MOVQ    R12, R14
	SUBQ    $4, R14
	CMPQ    R13, R14
	JGT     rg1
	LEAQ    (SI)(R13*8), DI
	VMOVUPS (DI), X0
	VMOVUPS 16(DI), X1
	VSHUFPS $0x88, X1, X0, X4
	VSHUFPS $0xDD, X1, X0, X5
	VADDPS  X5, X4, X8
	VSUBPS  X5, X4, X9
	VMOVUPS X4, (R8)(R13*4)
	VMOVUPS X8, (R9)(R13*4)
	VMOVUPS X9, (R10)(R13*4)
	VMOVUPS X5, (R11)(R13*4)
	ADDQ    $4, R13

rg1:
	CMPQ   R13, R12
	JGE    rgdone
	LEAQ   (SI)(R13*8), DI
	VMOVSS (DI), X0
	VMOVSS 4(DI), X1
	VADDSS X1, X0, X4
	VSUBSS X1, X0, X5
	VMOVSS X0, (R8)(R13*4)
	VMOVSS X4, (R9)(R13*4)
	VMOVSS X5, (R10)(R13*4)
	VMOVSS X1, (R11)(R13*4)
	INCQ   R13
	JMP    rg1

rgdone:
	VZEROUPPER
	RET

// func reluAVX2(x, y *float32, n int)
// y[i] = x[i] if !(x[i] < 0), else +0 (−0 and NaN pass through), for
// i < n, n a positive multiple of 8: the bits of activation.go's Go loop.
TEXT ·reluAVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y15, Y15, Y15
	XORQ AX, AX
	MOVQ CX, BX
	SUBQ $16, BX

r16:
	CMPQ AX, BX
	JGT  r8
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS 32(SI)(AX*4), Y2
	VCMPPS  $1, Y15, Y0, Y1 // Y1 = x < 0 (false for NaN)
	VCMPPS  $1, Y15, Y2, Y3
	VANDNPS Y0, Y1, Y0      // Y0 = ¬(x < 0) ∧ x
	VANDNPS Y2, Y3, Y2
	VMOVUPS Y0, (DI)(AX*4)
	VMOVUPS Y2, 32(DI)(AX*4)
	ADDQ $16, AX
	JMP  r16

r8:
	CMPQ AX, CX
	JGE  rdone
	VMOVUPS (SI)(AX*4), Y0
	VCMPPS  $1, Y15, Y0, Y1
	VANDNPS Y0, Y1, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ $8, AX
	JMP  r8

rdone:
	VZEROUPPER
	RET

// func reluGradAVX2(y, dy, dx *float32, n int)
// dx[i] = dy[i] if y[i] > 0, else +0 (NaN y gives 0), for i < n, n a
// positive multiple of 8: the bits of activation.go's Go loop.
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-32
	MOVQ y+0(FP), SI
	MOVQ dy+8(FP), DX
	MOVQ dx+16(FP), DI
	MOVQ n+24(FP), CX
	VXORPS Y15, Y15, Y15
	XORQ AX, AX
	MOVQ CX, BX
	SUBQ $16, BX

g16:
	CMPQ AX, BX
	JGT  g8
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS 32(SI)(AX*4), Y2
	VCMPPS  $14, Y15, Y0, Y1 // Y1 = y > 0 (false for NaN)
	VCMPPS  $14, Y15, Y2, Y3
	VANDPS  (DX)(AX*4), Y1, Y1
	VANDPS  32(DX)(AX*4), Y3, Y3
	VMOVUPS Y1, (DI)(AX*4)
	VMOVUPS Y3, 32(DI)(AX*4)
	ADDQ $16, AX
	JMP  g16

g8:
	CMPQ AX, CX
	JGE  gdone
	VMOVUPS (SI)(AX*4), Y0
	VCMPPS  $14, Y15, Y0, Y1
	VANDPS  (DX)(AX*4), Y1, Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ $8, AX
	JMP  g8

gdone:
	VZEROUPPER
	RET
