//go:build amd64 && !purego

#include "textflag.h"

// AVX2 kernels of SGDStep and Argmax.
//
// sgdAVX2: SI x, DI v, R8 g, CX loop count, BX byte offset into x, v and g,
// R12 flags (1 Nesterov); Y15 lr, Y14 mu, Y13 wd, Y11 the sum of x-x
// (finiteness); Y0-Y4 scratch.
//
// The selection of argmaxKn replaces NaN scores by -Inf (VMAXPS returns its
// second source when either is NaN), takes the maximum M of each
// connection, and picks the first score equal to M; when none is (all NaN)
// it picks 0.

DATA negInf<>+0(SB)/4, $0xff800000
GLOBL negInf<>(SB), RODATA|NOPTR, $4

DATA iota<>+0(SB)/4, $0
DATA iota<>+4(SB)/4, $1
DATA iota<>+8(SB)/4, $2
DATA iota<>+12(SB)/4, $3
DATA iota<>+16(SB)/4, $4
DATA iota<>+20(SB)/4, $5
DATA iota<>+24(SB)/4, $6
DATA iota<>+28(SB)/4, $7
GLOBL iota<>(SB), RODATA|NOPTR, $32

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

// argmaxKn selects in n connections of any K ≥ 2, one connection at a
// time: K/8 full registers and, when K%8 != 0, one more register that
// reads past the connection (into the next one; the caller leaves to Go the
// connections where that would leave [s, s+n*K)), with the lanes past the
// connection set to -Inf for the maximum and masked out of the search.
// w advances by wstep bytes per connection.
//
// func argmaxKn(s, w *float32, idx *int32, weff *float32, n, k, wstep int)
TEXT ·argmaxKn(SB), NOSPLIT, $0-56
	MOVQ s+0(FP), SI
	MOVQ w+8(FP), DX
	MOVQ idx+16(FP), R9
	MOVQ weff+24(FP), R10
	MOVQ k+40(FP), R13
	MOVQ wstep+48(FP), R11
	VBROADCASTSS negInf<>(SB), Y12

	// R8: bytes of the full registers; R12: lanes of the last one; Y7 and
	// DI: those lanes as a vector and a bit mask.
	MOVQ    R13, R8
	ANDQ    $-8, R8
	SHLQ    $2, R8
	MOVQ    R13, R12
	ANDQ    $7, R12
	VMOVDQU iota<>(SB), Y6
	VMOVD   R12, X7
	VPBROADCASTD X7, Y7
	VPCMPGTD Y6, Y7, Y7
	MOVQ    R12, CX
	MOVL    $1, DI
	SHLL    CX, DI
	DECL    DI
	SHLQ    $2, R13
	MOVQ    n+32(FP), CX
	TESTQ   CX, CX
	JZ      done

row:
	VMOVAPS Y12, Y9
	XORQ    BX, BX
	CMPQ    BX, R8
	JAE     partial

full:
	VMOVUPS (SI)(BX*1), Y1
	VMAXPS  Y9, Y1, Y9
	ADDQ    $32, BX
	CMPQ    BX, R8
	JB      full

partial:
	TESTQ     R12, R12
	JZ        reduce
	VMOVUPS   (SI)(BX*1), Y1
	VBLENDVPS Y7, Y1, Y12, Y1
	VMAXPS    Y9, Y1, Y9

reduce:
	VPERMILPS  $0xb1, Y9, Y4
	VMAXPS     Y4, Y9, Y9
	VPERMILPS  $0x4e, Y9, Y4
	VMAXPS     Y4, Y9, Y9
	VPERM2F128 $1, Y9, Y9, Y4
	VMAXPS     Y4, Y9, Y9
	XORQ       BX, BX
	CMPQ       BX, R8
	JAE        scanpart

scan:
	VCMPPS    $0, (SI)(BX*1), Y9, Y0
	VMOVMSKPS Y0, AX
	TESTL     AX, AX
	JNZ       found
	ADDQ      $32, BX
	CMPQ      BX, R8
	JB        scan

scanpart:
	TESTQ     R12, R12
	JZ        none
	VCMPPS    $0, (SI)(BX*1), Y9, Y0
	VMOVMSKPS Y0, AX
	ANDL      DI, AX
	JNZ       found

none:
	XORL AX, AX
	JMP  store

found:
	TZCNTL AX, AX
	SHRQ   $2, BX
	ADDQ   BX, AX

store:
	MOVL AX, (R9)
	MOVL (DX)(AX*4), AX
	MOVL AX, (R10)
	ADDQ $4, R9
	ADDQ $4, R10
	ADDQ R13, SI
	ADDQ R11, DX
	DECQ CX
	JNZ  row

done:
	VZEROUPPER
	RET
