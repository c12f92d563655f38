//go:build amd64 && !purego

#include "textflag.h"

// AVX2 kernel of SGDStep.
//
// sgdAVX2: SI x, DI v, R8 g, CX loop count, BX byte offset into x, v and g,
// R12 flags (1 Nesterov); Y15 lr, Y14 mu, Y13 wd, Y11 the sum of x-x
// (finiteness); Y0-Y4 scratch.

// UPD_N: Nesterov, Y2 = d + mu*v'.
#define UPD_N \
	VMULPS Y2, Y14, Y4; \
	VADDPS Y4, Y0, Y2

// UPD_S: x' = x - lr*Y2 into Y1, stored; accumulates x'-x' into Y11.
#define UPD_S(saddr) \
	VMULPS  Y2, Y15, Y4; \
	VSUBPS  Y4, Y1, Y1; \
	VMOVUPS Y1, saddr; \
	VSUBPS  Y1, Y1, Y4; \
	VADDPS  Y4, Y11, Y11

// func sgdAVX2(x, v, grad *float32, n int, lr, mu, wd float32, flags int) (ok bool)
TEXT ·sgdAVX2(SB), NOSPLIT, $0-57
	MOVQ x+0(FP), SI
	MOVQ v+8(FP), DI
	MOVQ grad+16(FP), R8
	MOVQ n+24(FP), CX
	VBROADCASTSS lr+32(FP), Y15
	VBROADCASTSS mu+36(FP), Y14
	VBROADCASTSS wd+40(FP), Y13
	MOVQ flags+48(FP), R12
	VXORPS Y11, Y11, Y11
	XORQ BX, BX
	SHRQ $3, CX
	JZ   done

loop:
	VMOVUPS (SI)(BX*1), Y1
	VMOVUPS (R8)(BX*1), Y0
	VMULPS  Y1, Y13, Y4
	VADDPS  Y4, Y0, Y0
	VMOVUPS (DI)(BX*1), Y2
	VMULPS  Y2, Y14, Y2
	VADDPS  Y0, Y2, Y2
	VMOVUPS Y2, (DI)(BX*1)
	TESTQ   $1, R12
	JZ      plain
	UPD_N

plain:
	UPD_S((SI)(BX*1))
	ADDQ $32, BX
	DECQ CX
	JNZ  loop

done:
	VPTEST     Y11, Y11
	SETEQ      ok+56(FP)
	VZEROUPPER
	RET
