//go:build amd64 && !purego

#include "textflag.h"

// AVX2 kernels of Update, Argmax and SGDStep. Register roles in the update
// kernels:
//
//	SI s, DI v, DX w, R8 g, R9 idx, R10 weff, CX loop count, BX byte offset
//	into s and v, R11 w step in bytes, R12 flags (1 Nesterov, 2 select,
//	4 selection only).
//	Y15 lr, Y14 mu, Y13 wd, Y12 -Inf, Y11 the sum of s-s (finiteness).
//	Y0-Y5 scratch; Y6-Y10 per-kernel constants.
//
// The selection replaces NaN scores by -Inf (VMAXPS returns its second
// source when either is NaN), takes the maximum M of each connection, and
// picks the first score equal to M; when none is (all NaN) it picks 0.

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

// UPD_V: with g (expanded) in Y0, s in Y1 and w in Y3, computes
// d = g*w + wd*s into Y0 and v' = mu*v + d into Y2, and stores v'.
#define UPD_V(vaddr) \
	VMULPS  Y3, Y0, Y0; \
	VMULPS  Y1, Y13, Y4; \
	VADDPS  Y4, Y0, Y0; \
	VMOVUPS vaddr, Y2; \
	VMULPS  Y2, Y14, Y2; \
	VADDPS  Y0, Y2, Y2; \
	VMOVUPS Y2, vaddr

// UPD_N: Nesterov, Y2 = d + mu*v'.
#define UPD_N \
	VMULPS Y2, Y14, Y4; \
	VADDPS Y4, Y0, Y2

// UPD_S: s' = s - lr*Y2 into Y1, stored; accumulates s'-s' into Y11.
#define UPD_S(saddr) \
	VMULPS  Y2, Y15, Y4; \
	VSUBPS  Y4, Y1, Y1; \
	VMOVUPS Y1, saddr; \
	VSUBPS  Y1, Y1, Y4; \
	VADDPS  Y4, Y11, Y11

// func updateK1(s, v, w, grad *float32, idx *int32, weff *float32, n, k, wstep int, lr, mu, wd float32, flags int) (ok bool)
TEXT ·updateK1(SB), NOSPLIT, $0-97
	MOVQ s+0(FP), SI
	MOVQ v+8(FP), DI
	MOVQ w+16(FP), DX
	MOVQ grad+24(FP), R8
	MOVQ idx+32(FP), R9
	MOVQ weff+40(FP), R10
	MOVQ n+48(FP), CX
	MOVQ wstep+64(FP), R11
	VBROADCASTSS lr+72(FP), Y15
	VBROADCASTSS mu+76(FP), Y14
	VBROADCASTSS wd+80(FP), Y13
	MOVQ flags+88(FP), R12
	VXORPS Y11, Y11, Y11
	VXORPS Y10, Y10, Y10
	XORQ BX, BX
	SHRQ $3, CX
	JZ   done

loop:
	VMOVUPS (SI)(BX*1), Y1
	VMOVUPS (DX), Y3
	TESTQ   $4, R12
	JNZ     sel
	VMOVUPS (R8)(BX*1), Y0
	UPD_V((DI)(BX*1))
	TESTQ   $1, R12
	JZ      plain
	UPD_N

plain:
	UPD_S((SI)(BX*1))

sel:
	TESTQ   $2, R12
	JZ      next
	VMOVDQU Y10, (R9)(BX*1)
	VMOVUPS Y3, (R10)(BX*1)

next:
	ADDQ $32, BX
	ADDQ R11, DX
	DECQ CX
	JNZ  loop

done:
	VPTEST     Y11, Y11
	SETEQ      ok+96(FP)
	VZEROUPPER
	RET

// updateK2: 4 connections per YMM register. Y10 expands g (lane l takes
// g[l/2]), X6 holds 2j, the first lane of connection j; R13 points to
// sel2, which maps the equality mask of a register to the 4 selections.
//
// func updateK2(s, v, w, grad *float32, idx *int32, weff *float32, n, k, wstep int, lr, mu, wd float32, flags int) (ok bool)
TEXT ·updateK2(SB), NOSPLIT, $0-97
	MOVQ s+0(FP), SI
	MOVQ v+8(FP), DI
	MOVQ w+16(FP), DX
	MOVQ grad+24(FP), R8
	MOVQ idx+32(FP), R9
	MOVQ weff+40(FP), R10
	MOVQ n+48(FP), CX
	MOVQ wstep+64(FP), R11
	VBROADCASTSS lr+72(FP), Y15
	VBROADCASTSS mu+76(FP), Y14
	VBROADCASTSS wd+80(FP), Y13
	MOVQ flags+88(FP), R12
	VBROADCASTSS negInf<>(SB), Y12
	VXORPS Y11, Y11, Y11
	VMOVDQU iota<>(SB), Y9
	VPSRLD  $1, Y9, Y10
	VPSLLD  $1, Y9, Y6
	LEAQ    ·sel2(SB), R13
	XORQ    BX, BX
	SHRQ    $2, CX
	JZ      done

loop:
	VMOVUPS (SI)(BX*1), Y1
	VMOVUPS (DX), Y3
	TESTQ   $4, R12
	JNZ     sel
	VMOVUPS (R8), X0
	VPERMPS Y0, Y10, Y0
	UPD_V((DI)(BX*1))
	TESTQ   $1, R12
	JZ      plain
	UPD_N

plain:
	UPD_S((SI)(BX*1))

sel:
	TESTQ     $2, R12
	JZ        next
	VMAXPS    Y12, Y1, Y0
	VPERMILPS $0xb1, Y0, Y4
	VMAXPS    Y4, Y0, Y0
	VCMPPS    $0, Y0, Y1, Y0
	VMOVMSKPS Y0, AX
	SHLQ      $4, AX
	VMOVDQU   (R13)(AX*1), X0
	VPADDD    X6, X0, X4
	VPERMPS   Y3, Y4, Y3
	VMOVDQU   X0, (R9)
	VMOVUPS   X3, (R10)
	ADDQ      $16, R9
	ADDQ      $16, R10

next:
	ADDQ $32, BX
	ADDQ R11, DX
	ADDQ $16, R8
	DECQ CX
	JNZ  loop

done:
	VPTEST     Y11, Y11
	SETEQ      ok+96(FP)
	VZEROUPPER
	RET

// updateK4: 2 connections per YMM register. Y10 expands g (lane l takes
// g[l/4]), X6 holds 4j, the first lane of connection j; R13 points to
// sel4, which maps the equality mask of a register to the 2 selections.
//
// func updateK4(s, v, w, grad *float32, idx *int32, weff *float32, n, k, wstep int, lr, mu, wd float32, flags int) (ok bool)
TEXT ·updateK4(SB), NOSPLIT, $0-97
	MOVQ s+0(FP), SI
	MOVQ v+8(FP), DI
	MOVQ w+16(FP), DX
	MOVQ grad+24(FP), R8
	MOVQ idx+32(FP), R9
	MOVQ weff+40(FP), R10
	MOVQ n+48(FP), CX
	MOVQ wstep+64(FP), R11
	VBROADCASTSS lr+72(FP), Y15
	VBROADCASTSS mu+76(FP), Y14
	VBROADCASTSS wd+80(FP), Y13
	MOVQ flags+88(FP), R12
	VBROADCASTSS negInf<>(SB), Y12
	VXORPS Y11, Y11, Y11
	VMOVDQU iota<>(SB), Y9
	VPSRLD  $2, Y9, Y10
	VPSLLD  $2, Y9, Y6
	LEAQ    ·sel4(SB), R13
	XORQ    BX, BX
	SHRQ    $1, CX
	JZ      done

loop:
	VMOVUPS (SI)(BX*1), Y1
	VMOVUPS (DX), Y3
	TESTQ   $4, R12
	JNZ     sel
	VMOVQ   (R8), X0
	VPERMPS Y0, Y10, Y0
	UPD_V((DI)(BX*1))
	TESTQ   $1, R12
	JZ      plain
	UPD_N

plain:
	UPD_S((SI)(BX*1))

sel:
	TESTQ     $2, R12
	JZ        next
	VMAXPS    Y12, Y1, Y0
	VPERMILPS $0xb1, Y0, Y4
	VMAXPS    Y4, Y0, Y0
	VPERMILPS $0x4e, Y0, Y4
	VMAXPS    Y4, Y0, Y0
	VCMPPS    $0, Y0, Y1, Y0
	VMOVMSKPS Y0, AX
	VMOVQ     (R13)(AX*8), X0
	VPADDD    X6, X0, X4
	VPERMPS   Y3, Y4, Y3
	VMOVQ     X0, (R9)
	VMOVQ     X3, (R10)
	ADDQ      $8, R9
	ADDQ      $8, R10

next:
	ADDQ $32, BX
	ADDQ R11, DX
	ADDQ $8, R8
	DECQ CX
	JNZ  loop

done:
	VPTEST     Y11, Y11
	SETEQ      ok+96(FP)
	VZEROUPPER
	RET

// updateK8: 1 connection per YMM register. The selection is the lowest
// set bit of the equality mask, 0 when there is none (TZCNT gives 32).
//
// func updateK8(s, v, w, grad *float32, idx *int32, weff *float32, n, k, wstep int, lr, mu, wd float32, flags int) (ok bool)
TEXT ·updateK8(SB), NOSPLIT, $0-97
	MOVQ s+0(FP), SI
	MOVQ v+8(FP), DI
	MOVQ w+16(FP), DX
	MOVQ grad+24(FP), R8
	MOVQ idx+32(FP), R9
	MOVQ weff+40(FP), R10
	MOVQ n+48(FP), CX
	MOVQ wstep+64(FP), R11
	VBROADCASTSS lr+72(FP), Y15
	VBROADCASTSS mu+76(FP), Y14
	VBROADCASTSS wd+80(FP), Y13
	MOVQ flags+88(FP), R12
	VBROADCASTSS negInf<>(SB), Y12
	VXORPS Y11, Y11, Y11
	XORQ    BX, BX
	TESTQ   CX, CX
	JZ      done

loop:
	VMOVUPS (SI)(BX*1), Y1
	VMOVUPS (DX), Y3
	TESTQ   $4, R12
	JNZ     sel
	VBROADCASTSS (R8), Y0
	UPD_V((DI)(BX*1))
	TESTQ   $1, R12
	JZ      plain
	UPD_N

plain:
	UPD_S((SI)(BX*1))

sel:
	TESTQ     $2, R12
	JZ        next
	VMAXPS     Y12, Y1, Y0
	VPERMILPS  $0xb1, Y0, Y4
	VMAXPS     Y4, Y0, Y0
	VPERMILPS  $0x4e, Y0, Y4
	VMAXPS     Y4, Y0, Y0
	VPERM2F128 $1, Y0, Y0, Y4
	VMAXPS     Y4, Y0, Y0
	VCMPPS     $0, Y0, Y1, Y0
	VMOVMSKPS  Y0, AX
	TZCNTL     AX, AX
	ANDL       $7, AX
	MOVL       AX, (R9)
	MOVL       (DX)(AX*4), AX
	MOVL       AX, (R10)
	ADDQ       $4, R9
	ADDQ       $4, R10

next:
	ADDQ $32, BX
	ADDQ R11, DX
	ADDQ $4, R8
	DECQ CX
	JNZ  loop

done:
	VPTEST     Y11, Y11
	SETEQ      ok+96(FP)
	VZEROUPPER
	RET

// updateK8n: K a multiple of 8, one connection at a time, K/8 registers
// each. Y10 is g, Y9 the running maximum; R13 the row length in bytes.
// The selection scans the new row (in L1) for the first score equal to the
// maximum.
//
// func updateK8n(s, v, w, grad *float32, idx *int32, weff *float32, n, k, wstep int, lr, mu, wd float32, flags int) (ok bool)
TEXT ·updateK8n(SB), NOSPLIT, $0-97
	MOVQ s+0(FP), SI
	MOVQ v+8(FP), DI
	MOVQ w+16(FP), DX
	MOVQ grad+24(FP), R8
	MOVQ idx+32(FP), R9
	MOVQ weff+40(FP), R10
	MOVQ n+48(FP), CX
	MOVQ k+56(FP), R13
	SHLQ $2, R13
	MOVQ wstep+64(FP), R11
	VBROADCASTSS lr+72(FP), Y15
	VBROADCASTSS mu+76(FP), Y14
	VBROADCASTSS wd+80(FP), Y13
	MOVQ flags+88(FP), R12
	VBROADCASTSS negInf<>(SB), Y12
	VXORPS Y11, Y11, Y11
	TESTQ CX, CX
	JZ    done

conn:
	VMOVAPS Y12, Y9
	XORQ    BX, BX
	TESTQ   $4, R12
	JNZ     maxonly
	VBROADCASTSS (R8), Y10

inner:
	VMOVUPS (SI)(BX*1), Y1
	VMOVUPS (DX)(BX*1), Y3
	VMOVAPS Y10, Y0
	UPD_V((DI)(BX*1))
	TESTQ   $1, R12
	JZ      plain
	UPD_N

plain:
	UPD_S((SI)(BX*1))
	VMAXPS  Y9, Y1, Y9
	ADDQ    $32, BX
	CMPQ    BX, R13
	JB      inner
	JMP     reduce

maxonly:
	VMOVUPS (SI)(BX*1), Y1
	VMAXPS  Y9, Y1, Y9
	ADDQ    $32, BX
	CMPQ    BX, R13
	JB      maxonly

reduce:
	TESTQ      $2, R12
	JZ         next
	VPERMILPS  $0xb1, Y9, Y4
	VMAXPS     Y4, Y9, Y9
	VPERMILPS  $0x4e, Y9, Y4
	VMAXPS     Y4, Y9, Y9
	VPERM2F128 $1, Y9, Y9, Y4
	VMAXPS     Y4, Y9, Y9
	XORQ       BX, BX

scan:
	VCMPPS    $0, (SI)(BX*1), Y9, Y0
	VMOVMSKPS Y0, AX
	TESTL     AX, AX
	JNZ       found
	ADDQ      $32, BX
	CMPQ      BX, R13
	JB        scan
	XORL      AX, AX
	JMP       store

found:
	BSFL AX, AX
	SHRQ $2, BX
	ADDQ BX, AX

store:
	MOVL AX, (R9)
	MOVL (DX)(AX*4), BX
	MOVL BX, (R10)
	ADDQ $4, R9
	ADDQ $4, R10

next:
	ADDQ R13, SI
	ADDQ R13, DI
	ADDQ R11, DX
	ADDQ $4, R8
	DECQ CX
	JNZ  conn

done:
	VPTEST     Y11, Y11
	SETEQ      ok+96(FP)
	VZEROUPPER
	RET

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
