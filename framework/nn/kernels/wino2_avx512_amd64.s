//go:build amd64 && !purego

#include "textflag.h"
#include "wino_amd64.h"

// The F(2×2) elementwise transforms of rows_amd64.s sixteen lanes at a
// time, the last n mod 16 in one masked step (K1), with the AVX2 forms'
// operations lane by lane, so their bits.

// TAILMASK sets K1 to the low n mod 16 bits of n in R12. It uses AX and
// R15.
#define TAILMASK \
	MOVQ R12, R15;  \
	ANDQ $15, R15;  \
	LOWMASK(R15, AX, K1)

// func winoIn4AVX512(a0, a1, a2, a3, v0, v1, v2, v3 *float32, n int)
// v0 = a0−a2, v1 = a1+a2, v2 = a2−a1, v3 = a1−a3 elementwise; n > 0.
TEXT ·winoIn4AVX512(SB), NOSPLIT, $0-72
	MOVQ a0+0(FP), BX
	MOVQ a1+8(FP), CX
	MOVQ a2+16(FP), DX
	MOVQ a3+24(FP), SI
	MOVQ v0+32(FP), R8
	MOVQ v1+40(FP), R9
	MOVQ v2+48(FP), R10
	MOVQ v3+56(FP), R11
	MOVQ n+64(FP), R12
	TAILMASK
	XORQ R13, R13
	MOVQ R12, R14
	SUBQ $16, R14 // last start of a whole step

zin4:
	CMPQ    R13, R14
	JGT     zin4tail
	VMOVUPS (BX)(R13*4), Z0
	VMOVUPS (CX)(R13*4), Z1
	VMOVUPS (DX)(R13*4), Z2
	VMOVUPS (SI)(R13*4), Z3
	VSUBPS  Z2, Z0, Z4
	VADDPS  Z2, Z1, Z5
	VSUBPS  Z1, Z2, Z6
	VSUBPS  Z3, Z1, Z7
	VMOVUPS Z4, (R8)(R13*4)
	VMOVUPS Z5, (R9)(R13*4)
	VMOVUPS Z6, (R10)(R13*4)
	VMOVUPS Z7, (R11)(R13*4)
	ADDQ    $16, R13
	JMP     zin4

zin4tail:
	CMPQ      R13, R12
	JGE       zin4done
	VMOVUPS.Z (BX)(R13*4), K1, Z0
	VMOVUPS.Z (CX)(R13*4), K1, Z1
	VMOVUPS.Z (DX)(R13*4), K1, Z2
	VMOVUPS.Z (SI)(R13*4), K1, Z3
	VSUBPS    Z2, Z0, Z4
	VADDPS    Z2, Z1, Z5
	VSUBPS    Z1, Z2, Z6
	VSUBPS    Z3, Z1, Z7
	VMOVUPS   Z4, K1, (R8)(R13*4)
	VMOVUPS   Z5, K1, (R9)(R13*4)
	VMOVUPS   Z6, K1, (R10)(R13*4)
	VMOVUPS   Z7, K1, (R11)(R13*4)

zin4done:
	VZEROUPPER
	RET

// func winoOut2AVX512(m0, m1, m2, m3, s0, s1 *float32, n int)
// s0 = (m0+m1)+m2, s1 = (m1−m2)−m3 elementwise; n > 0.
TEXT ·winoOut2AVX512(SB), NOSPLIT, $0-56
	MOVQ m0+0(FP), BX
	MOVQ m1+8(FP), CX
	MOVQ m2+16(FP), DX
	MOVQ m3+24(FP), SI
	MOVQ s0+32(FP), R8
	MOVQ s1+40(FP), R9
	MOVQ n+48(FP), R12
	TAILMASK
	XORQ R13, R13
	MOVQ R12, R14
	SUBQ $16, R14

zout2:
	CMPQ    R13, R14
	JGT     zout2tail
	VMOVUPS (BX)(R13*4), Z0
	VMOVUPS (CX)(R13*4), Z1
	VMOVUPS (DX)(R13*4), Z2
	VMOVUPS (SI)(R13*4), Z3
	VADDPS  Z1, Z0, Z4
	VADDPS  Z2, Z4, Z4
	VSUBPS  Z2, Z1, Z5
	VSUBPS  Z3, Z5, Z5
	VMOVUPS Z4, (R8)(R13*4)
	VMOVUPS Z5, (R9)(R13*4)
	ADDQ    $16, R13
	JMP     zout2

zout2tail:
	CMPQ      R13, R12
	JGE       zout2done
	VMOVUPS.Z (BX)(R13*4), K1, Z0
	VMOVUPS.Z (CX)(R13*4), K1, Z1
	VMOVUPS.Z (DX)(R13*4), K1, Z2
	VMOVUPS.Z (SI)(R13*4), K1, Z3
	VADDPS    Z1, Z0, Z4
	VADDPS    Z2, Z4, Z4
	VSUBPS    Z2, Z1, Z5
	VSUBPS    Z3, Z5, Z5
	VMOVUPS   Z4, K1, (R8)(R13*4)
	VMOVUPS   Z5, K1, (R9)(R13*4)

zout2done:
	VZEROUPPER
	RET

// func winoGrad4AVX512(a0, a1, v0, v1, v2, v3 *float32, n int)
// v0 = a0, v1 = a0+a1, v2 = a0−a1, v3 = a1 elementwise; n > 0.
TEXT ·winoGrad4AVX512(SB), NOSPLIT, $0-56
	MOVQ a0+0(FP), BX
	MOVQ a1+8(FP), CX
	MOVQ v0+16(FP), R8
	MOVQ v1+24(FP), R9
	MOVQ v2+32(FP), R10
	MOVQ v3+40(FP), R11
	MOVQ n+48(FP), R12
	TAILMASK
	XORQ R13, R13
	MOVQ R12, R14
	SUBQ $16, R14

zgrad4:
	CMPQ    R13, R14
	JGT     zgrad4tail
	VMOVUPS (BX)(R13*4), Z0
	VMOVUPS (CX)(R13*4), Z1
	VADDPS  Z1, Z0, Z5
	VSUBPS  Z1, Z0, Z6
	VMOVUPS Z0, (R8)(R13*4)
	VMOVUPS Z5, (R9)(R13*4)
	VMOVUPS Z6, (R10)(R13*4)
	VMOVUPS Z1, (R11)(R13*4)
	ADDQ    $16, R13
	JMP     zgrad4

zgrad4tail:
	CMPQ      R13, R12
	JGE       zgrad4done
	VMOVUPS.Z (BX)(R13*4), K1, Z0
	VMOVUPS.Z (CX)(R13*4), K1, Z1
	VADDPS    Z1, Z0, Z5
	VSUBPS    Z1, Z0, Z6
	VMOVUPS   Z0, K1, (R8)(R13*4)
	VMOVUPS   Z5, K1, (R9)(R13*4)
	VMOVUPS   Z6, K1, (R10)(R13*4)
	VMOVUPS   Z1, K1, (R11)(R13*4)

zgrad4done:
	VZEROUPPER
	RET
