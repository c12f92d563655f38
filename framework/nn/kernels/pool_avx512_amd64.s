//go:build amd64 && !purego

#include "textflag.h"

// Lane indices for the 2×2 max pool: 0, 2, …, 30 (the even elements of two
// registers, and each window's first input relative to the first's), and
// 1, 3, …, 31 (the odd elements).
DATA peven<>+0(SB)/4, $0
DATA peven<>+4(SB)/4, $2
DATA peven<>+8(SB)/4, $4
DATA peven<>+12(SB)/4, $6
DATA peven<>+16(SB)/4, $8
DATA peven<>+20(SB)/4, $10
DATA peven<>+24(SB)/4, $12
DATA peven<>+28(SB)/4, $14
DATA peven<>+32(SB)/4, $16
DATA peven<>+36(SB)/4, $18
DATA peven<>+40(SB)/4, $20
DATA peven<>+44(SB)/4, $22
DATA peven<>+48(SB)/4, $24
DATA peven<>+52(SB)/4, $26
DATA peven<>+56(SB)/4, $28
DATA peven<>+60(SB)/4, $30
GLOBL peven<>(SB), RODATA|NOPTR, $64

DATA podd<>+0(SB)/4, $1
DATA podd<>+4(SB)/4, $3
DATA podd<>+8(SB)/4, $5
DATA podd<>+12(SB)/4, $7
DATA podd<>+16(SB)/4, $9
DATA podd<>+20(SB)/4, $11
DATA podd<>+24(SB)/4, $13
DATA podd<>+28(SB)/4, $15
DATA podd<>+32(SB)/4, $17
DATA podd<>+36(SB)/4, $19
DATA podd<>+40(SB)/4, $21
DATA podd<>+44(SB)/4, $23
DATA podd<>+48(SB)/4, $25
DATA podd<>+52(SB)/4, $27
DATA podd<>+56(SB)/4, $29
DATA podd<>+60(SB)/4, $31
GLOBL podd<>(SB), RODATA|NOPTR, $64

// func maxPool2x2AVX512(x *float32, w int, y *float32, arg *int32, oh, ow int) uint32
// maxPlane2x2 on one plane, sixteen windows at a time, a row's last
// ow mod 16 in one masked step: window (i, j) reads v0 = x[2i][2j],
// v1 = x[2i][2j+1], v2 = x[2i+1][2j], v3 = x[2i+1][2j+1] (rows of w), and
// keeps (m, a) = (v0, b), then (v, b') wherever v > m (ordered, so ties
// keep the first), for v1, v2, v3 in turn, b = 2i·w + 2j; y[i·ow + j] = m,
// arg[i·ow + j] = a. It returns the lanes where the sum of every v−v is
// zero: all sixteen set unless the plane holds a NaN or an infinity, for
// which the caller reruns the plane in Go. oh, ow > 0, 2·ow ≤ w.
TEXT ·maxPool2x2AVX512(SB), NOSPLIT, $0-52
	MOVQ x+0(FP), R13
	MOVQ w+8(FP), BX
	MOVQ y+16(FP), R14
	MOVQ arg+24(FP), R15
	MOVQ oh+32(FP), DX
	MOVQ ow+40(FP), R12
	VMOVDQU32    peven<>(SB), Z20
	VMOVDQU32    podd<>(SB), Z21
	MOVL         $1, AX
	VPBROADCASTD AX, Z23         // 1
	VPBROADCASTD BX, Z24         // w
	LEAQ         1(BX), AX
	VPBROADCASTD AX, Z25         // w+1
	VPXORD       Z30, Z30, Z30   // Σ v−v
	VPXORD       Z31, Z31, Z31
	XORQ         R10, R10        // 2i·w
	SHLQ         $2, BX          // a row in bytes

prow:
	MOVQ R13, SI
	LEAQ (R13)(BX*1), DI
	MOVQ R14, R8
	MOVQ R15, R9
	MOVQ R12, CX
	MOVQ R10, AX
	VPBROADCASTD AX, Z9
	VPADDD Z20, Z9, Z9           // b of the first sixteen windows

pstep:
	// m = min(CX, 16) windows: K1, K2 their 2m inputs of a row, K3 their
	// outputs.
	MOVQ   $16, R11
	CMPQ   CX, R11
	CMOVQLT CX, R11
	MOVQ   $1, AX
	SHLXQ  R11, AX, AX
	DECQ   AX
	KMOVW  AX, K3
	ADDQ   R11, R11
	MOVQ   $1, AX
	SHLXQ  R11, AX, AX
	DECQ   AX
	KMOVW  AX, K1
	SHRQ   $16, AX
	KMOVW  AX, K2
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VMOVUPS.Z (DI), K1, Z2
	VMOVUPS.Z 64(DI), K2, Z3
	VMOVAPS   Z0, Z4
	VPERMT2PS Z1, Z20, Z4        // v0
	VMOVAPS   Z0, Z5
	VPERMT2PS Z1, Z21, Z5        // v1
	VMOVAPS   Z2, Z6
	VPERMT2PS Z3, Z20, Z6        // v2
	VMOVAPS   Z2, Z7
	VPERMT2PS Z3, Z21, Z7        // v3
	VSUBPS    Z4, Z4, Z8
	VADDPS    Z8, Z30, Z30
	VSUBPS    Z5, Z5, Z8
	VADDPS    Z8, Z30, Z30
	VSUBPS    Z6, Z6, Z8
	VADDPS    Z8, Z30, Z30
	VSUBPS    Z7, Z7, Z8
	VADDPS    Z8, Z30, Z30
	VMOVDQA32 Z9, Z11            // a = b
	VCMPPS    $0x1e, Z4, Z5, K4  // v1 > m
	VMOVAPS   Z5, K4, Z4
	VPADDD    Z23, Z9, Z10
	VMOVDQA32 Z10, K4, Z11
	VCMPPS    $0x1e, Z4, Z6, K4  // v2 > m
	VMOVAPS   Z6, K4, Z4
	VPADDD    Z24, Z9, Z10
	VMOVDQA32 Z10, K4, Z11
	VCMPPS    $0x1e, Z4, Z7, K4  // v3 > m
	VMOVAPS   Z7, K4, Z4
	VPADDD    Z25, Z9, Z10
	VMOVDQA32 Z10, K4, Z11
	VMOVUPS   Z4, K3, (R8)
	VMOVDQU32 Z11, K3, (R9)
	ADDQ      $128, SI
	ADDQ      $128, DI
	ADDQ      $64, R8
	ADDQ      $64, R9
	MOVL      $32, AX
	VPBROADCASTD AX, Z10
	VPADDD    Z10, Z9, Z9        // b of the next sixteen
	SUBQ      $16, CX
	JGT       pstep

	LEAQ (R13)(BX*2), R13        // two input rows on
	LEAQ (R14)(R12*4), R14
	LEAQ (R15)(R12*4), R15
	MOVQ BX, AX
	SHRQ $1, AX                  // 2w
	ADDQ AX, R10
	DECQ DX
	JNZ  prow

	VCMPPS $0, Z31, Z30, K1      // Σ v−v == 0 (ordered: NaN fails)
	KMOVW  K1, AX
	MOVL   AX, ret+48(FP)
	VZEROUPPER
	RET
