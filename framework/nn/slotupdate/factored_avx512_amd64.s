//go:build amd64 && !purego

#include "textflag.h"

// AVX-512 kernels of the factored scores s = a·s0 + c·w, c = y[2i] (see
// factored.go and the AVX2 kernels of factored_amd64.s, whose register
// roles and arithmetic these follow). Only AVX-512F instructions are used
// (with the VEX-encoded AVX2 and TZCNT that every AVX-512 processor has);
// every score is VMULPS a, s0; VMULPS c, w; VADDPS, the two products
// rounded, then added, never fused, so the scores are bit for bit those of
// the Go code and the AVX2 kernels.
//
// The selection replaces NaN scores by -Inf (VMAXPS returns its second
// source when either is NaN), takes the maximum M of each connection, and
// picks the first score equal to M (VCMPPS EQ into a mask register: -0 and
// +0 are equal, NaN equals nothing); when none is (all NaN) it picks 0.

DATA znegInf<>+0(SB)/4, $0xff800000
GLOBL znegInf<>(SB), RODATA|NOPTR, $4

// zc8<>: VPERMPS indexes that spread the c of 4 connections of K = 8 (the
// even values of 8 of y) over two registers of 2 connections each: lanes
// 0-7 take y[0], 8-15 y[2] (first 16), then y[4] and y[6] (next 16).
DATA zc8<>+0(SB)/4, $0
DATA zc8<>+4(SB)/4, $0
DATA zc8<>+8(SB)/4, $0
DATA zc8<>+12(SB)/4, $0
DATA zc8<>+16(SB)/4, $0
DATA zc8<>+20(SB)/4, $0
DATA zc8<>+24(SB)/4, $0
DATA zc8<>+28(SB)/4, $0
DATA zc8<>+32(SB)/4, $2
DATA zc8<>+36(SB)/4, $2
DATA zc8<>+40(SB)/4, $2
DATA zc8<>+44(SB)/4, $2
DATA zc8<>+48(SB)/4, $2
DATA zc8<>+52(SB)/4, $2
DATA zc8<>+56(SB)/4, $2
DATA zc8<>+60(SB)/4, $2
DATA zc8<>+64(SB)/4, $4
DATA zc8<>+68(SB)/4, $4
DATA zc8<>+72(SB)/4, $4
DATA zc8<>+76(SB)/4, $4
DATA zc8<>+80(SB)/4, $4
DATA zc8<>+84(SB)/4, $4
DATA zc8<>+88(SB)/4, $4
DATA zc8<>+92(SB)/4, $4
DATA zc8<>+96(SB)/4, $6
DATA zc8<>+100(SB)/4, $6
DATA zc8<>+104(SB)/4, $6
DATA zc8<>+108(SB)/4, $6
DATA zc8<>+112(SB)/4, $6
DATA zc8<>+116(SB)/4, $6
DATA zc8<>+120(SB)/4, $6
DATA zc8<>+124(SB)/4, $6
GLOBL zc8<>(SB), RODATA|NOPTR, $128

// PF is how far ahead (in bytes) the streaming kernels prefetch s0 and w,
// as in factored_amd64.s.
#define PF 1024

// SEL2 turns the 16-bit equality mask in m (bits 0-7 connection 0, 8-15
// connection 1) into the two selections, m (connection 0) and h
// (connection 1): the lowest set bit of each byte, 0 when the byte is 0
// (TZCNT of 0 gives 32, and 32 & 7 = 0).
#define SEL2(m, h) \
	MOVL   m, h; \
	SHRL   $8, h; \
	ANDL   $0xff, m; \
	TZCNTL m, m; \
	TZCNTL h, h; \
	ANDL   $7, m; \
	ANDL   $7, h

// argmaxFK8Z: K = 8, two connections per register (lanes 0-7 and 8-15),
// four per loop. The maxima of the four are reduced together: VSHUFF32X4
// gathers the low 128-bit halves of the four connections into one register
// and the high halves into another, so that one VMAXPS and two in-lane
// shuffle steps serve all four, and two more VSHUFF32X4 spread each maximum
// back over its connection's 8 lanes. Then 2, then 1 connection(s) for the
// remainder of n (any n).
//
// Registers: R9 idx, R10 weff, SI s0, DX w, DI y, CX loop count, R8 n,
// R11 w step in bytes per connection; Z15 a, Z12 -Inf, Z13 and Z14 the
// indexes zc8.
//
// func argmaxFK8Z(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·argmaxFK8Z(SB), NOSPLIT, $0-68
	MOVQ         idx+0(FP), R9
	MOVQ         weff+8(FP), R10
	MOVQ         s0+16(FP), SI
	MOVQ         w+24(FP), DX
	MOVQ         y+32(FP), DI
	MOVQ         n+40(FP), CX
	MOVQ         wstep+56(FP), R11
	VBROADCASTSS a+64(FP), Z15
	VBROADCASTSS znegInf<>(SB), Z12
	VMOVUPS      zc8<>+0(SB), Z13
	VMOVUPS      zc8<>+64(SB), Z14
	MOVQ         CX, R8
	SHRQ         $2, CX
	JZ           rest

quad:
	PREFETCHT0   PF(SI)
	PREFETCHT0   PF+64(SI)
	PREFETCHT0   PF(DX)
	PREFETCHT0   PF+64(DX)
	LEAQ         (DX)(R11*2), R12
	VMOVUPS      (DX), Y3
	VINSERTF64X4 $1, (DX)(R11*1), Z3, Z3
	VMOVUPS      (R12), Y7
	VINSERTF64X4 $1, (R12)(R11*1), Z7, Z7
	VMOVUPS      (DI), Y2
	VPERMPS      Z2, Z14, Z6
	VPERMPS      Z2, Z13, Z2
	VMULPS       (SI), Z15, Z1
	VMULPS       64(SI), Z15, Z5
	VMULPS       Z3, Z2, Z2
	VMULPS       Z7, Z6, Z6
	VADDPS       Z2, Z1, Z1
	VADDPS       Z6, Z5, Z5
	VMAXPS       Z12, Z1, Z0
	VMAXPS       Z12, Z5, Z4
	VSHUFF32X4   $0x88, Z4, Z0, Z2
	VSHUFF32X4   $0xdd, Z4, Z0, Z6
	VMAXPS       Z6, Z2, Z2
	VPERMILPS    $0x4e, Z2, Z6
	VMAXPS       Z6, Z2, Z2
	VPERMILPS    $0xb1, Z2, Z6
	VMAXPS       Z6, Z2, Z2
	VSHUFF32X4   $0x50, Z2, Z2, Z6
	VSHUFF32X4   $0xfa, Z2, Z2, Z2
	VCMPPS       $0, Z6, Z1, K1
	VCMPPS       $0, Z2, Z5, K2
	KMOVW        K1, AX
	KMOVW        K2, BX
	SEL2(AX, R13)
	MOVL         AX, (R9)
	MOVL         R13, 4(R9)
	MOVL         (DX)(AX*4), AX
	ADDQ         R11, DX
	MOVL         (DX)(R13*4), R13
	MOVL         AX, (R10)
	MOVL         R13, 4(R10)
	SEL2(BX, R13)
	MOVL         BX, 8(R9)
	MOVL         R13, 12(R9)
	MOVL         (R12)(BX*4), BX
	ADDQ         R11, R12
	MOVL         (R12)(R13*4), R13
	MOVL         BX, 8(R10)
	MOVL         R13, 12(R10)
	LEAQ         (R12)(R11*1), DX
	ADDQ         $16, R9
	ADDQ         $16, R10
	ADDQ         $128, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          quad

rest:
	TESTQ        $2, R8
	JZ           single
	VMOVUPS      (DX), Y3
	VINSERTF64X4 $1, (DX)(R11*1), Z3, Z3
	VMOVUPS      (DI), X2
	VPERMPS      Z2, Z13, Z2
	VMULPS       (SI), Z15, Z1
	VMULPS       Z3, Z2, Z2
	VADDPS       Z2, Z1, Z1
	VMAXPS       Z12, Z1, Z0
	VSHUFF32X4   $0xb1, Z0, Z0, Z4
	VMAXPS       Z4, Z0, Z0
	VPERMILPS    $0x4e, Z0, Z4
	VMAXPS       Z4, Z0, Z0
	VPERMILPS    $0xb1, Z0, Z4
	VMAXPS       Z4, Z0, Z0
	VCMPPS       $0, Z0, Z1, K1
	KMOVW        K1, AX
	SEL2(AX, R13)
	MOVL         AX, (R9)
	MOVL         R13, 4(R9)
	MOVL         (DX)(AX*4), AX
	ADDQ         R11, DX
	MOVL         (DX)(R13*4), R13
	MOVL         AX, (R10)
	MOVL         R13, 4(R10)
	ADDQ         R11, DX
	ADDQ         $8, R9
	ADDQ         $8, R10
	ADDQ         $64, SI
	ADDQ         $16, DI

single:
	TESTQ        $1, R8
	JZ           done
	VMOVUPS      (DX), Y3
	VBROADCASTSS (DI), Y2
	VMULPS       (SI), Y15, Y1
	VMULPS       Y3, Y2, Y2
	VADDPS       Y2, Y1, Y1
	VMAXPS       Y12, Y1, Y0
	VPERMILPS    $0xb1, Y0, Y4
	VMAXPS       Y4, Y0, Y0
	VPERMILPS    $0x4e, Y0, Y4
	VMAXPS       Y4, Y0, Y0
	VPERM2F128   $1, Y0, Y0, Y4
	VMAXPS       Y4, Y0, Y0
	VCMPPS       $0, Y0, Y1, Y0
	VMOVMSKPS    Y0, AX
	TZCNTL       AX, AX
	ANDL         $7, AX
	MOVL         AX, (R9)
	MOVL         (DX)(AX*4), AX
	MOVL         AX, (R10)

done:
	VZEROUPPER
	RET

// argmaxFK8nZ: K a multiple of 8 (above 8), one connection at a time, 16
// scores per register: a first pass takes the maximum (Z9, Z8 two running
// maxima), a second computes the scores again (bit for bit the same) until
// the first one equal to it. When K/8 is odd the first 8 scores of the row
// are taken in the low half of a register (VEX loads of 32 bytes; K3 =
// 0x00ff masks the upper lanes out of the maximum and the comparison), so
// that no load reaches past the row. Z10 is c, R13 the row length in
// bytes.
//
// func argmaxFK8nZ(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·argmaxFK8nZ(SB), NOSPLIT, $0-68
	MOVQ         idx+0(FP), R9
	MOVQ         weff+8(FP), R10
	MOVQ         s0+16(FP), SI
	MOVQ         w+24(FP), DX
	MOVQ         y+32(FP), DI
	MOVQ         n+40(FP), CX
	MOVQ         k+48(FP), R13
	SHLQ         $2, R13
	MOVQ         wstep+56(FP), R11
	VBROADCASTSS a+64(FP), Z15
	VBROADCASTSS znegInf<>(SB), Z12
	MOVL         $0xff, AX
	KMOVW        AX, K3
	TESTQ        CX, CX
	JZ           done

conn:
	VBROADCASTSS (DI), Z10
	VMOVAPS      Z12, Z9
	VMOVAPS      Z12, Z8
	XORQ         BX, BX
	TESTQ        $32, R13
	JZ           even

	// K/8 odd: the first 8 scores in the low lanes.
	VMULPS (SI), Y15, Y1
	VMULPS (DX), Y10, Y2
	VADDPS Y2, Y1, Y1
	VMAXPS Z9, Z1, K3, Z9
	MOVQ   $32, BX

even:
	// An odd number of registers of 16 left: one first, into Z8, so that
	// the rest go two at a time.
	MOVQ   R13, AX
	SUBQ   BX, AX
	TESTQ  $64, AX
	JZ     pairs
	VMULPS (SI)(BX*1), Z15, Z1
	VMULPS (DX)(BX*1), Z10, Z2
	VADDPS Z2, Z1, Z1
	VMAXPS Z8, Z1, Z8
	ADDQ   $64, BX

pairs:
	CMPQ BX, R13
	JAE  reduce

pass1:
	PREFETCHT0 PF(SI)(BX*1)
	PREFETCHT0 PF+64(SI)(BX*1)
	PREFETCHT0 PF(DX)(BX*1)
	PREFETCHT0 PF+64(DX)(BX*1)
	VMULPS     (SI)(BX*1), Z15, Z1
	VMULPS     (DX)(BX*1), Z10, Z2
	VMULPS     64(SI)(BX*1), Z15, Z3
	VMULPS     64(DX)(BX*1), Z10, Z4
	VADDPS     Z2, Z1, Z1
	VADDPS     Z4, Z3, Z3
	VMAXPS     Z9, Z1, Z9
	VMAXPS     Z8, Z3, Z8
	ADDQ       $128, BX
	CMPQ       BX, R13
	JB         pass1

reduce:
	VMAXPS     Z8, Z9, Z9
	VSHUFF32X4 $0x4e, Z9, Z9, Z4
	VMAXPS     Z4, Z9, Z9
	VSHUFF32X4 $0xb1, Z9, Z9, Z4
	VMAXPS     Z4, Z9, Z9
	VPERMILPS  $0x4e, Z9, Z4
	VMAXPS     Z4, Z9, Z9
	VPERMILPS  $0xb1, Z9, Z4
	VMAXPS     Z4, Z9, Z9
	XORQ       BX, BX
	TESTQ      $32, R13
	JZ         scan

	VMULPS (SI), Y15, Y1
	VMULPS (DX), Y10, Y2
	VADDPS Y2, Y1, Y1
	VCMPPS $0, Z9, Z1, K3, K1
	KMOVW  K1, AX
	TESTL  AX, AX
	JNZ    found
	MOVQ   $32, BX
	CMPQ   BX, R13
	JAE    none

scan:
	VMULPS (SI)(BX*1), Z15, Z1
	VMULPS (DX)(BX*1), Z10, Z2
	VADDPS Z2, Z1, Z1
	VCMPPS $0, Z9, Z1, K1
	KMOVW  K1, AX
	TESTL  AX, AX
	JNZ    found
	ADDQ   $64, BX
	CMPQ   BX, R13
	JB     scan

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
	ADDQ $8, DI
	ADDQ R11, DX
	DECQ CX
	JNZ  conn

done:
	VZEROUPPER
	RET

// zeven<>: lane l takes 2l (VPERMT2PS of two registers: the even values of
// 32 of y, the c of 16 connections of K = 1).
DATA zeven<>+0(SB)/4, $0
DATA zeven<>+4(SB)/4, $2
DATA zeven<>+8(SB)/4, $4
DATA zeven<>+12(SB)/4, $6
DATA zeven<>+16(SB)/4, $8
DATA zeven<>+20(SB)/4, $10
DATA zeven<>+24(SB)/4, $12
DATA zeven<>+28(SB)/4, $14
DATA zeven<>+32(SB)/4, $16
DATA zeven<>+36(SB)/4, $18
DATA zeven<>+40(SB)/4, $20
DATA zeven<>+44(SB)/4, $22
DATA zeven<>+48(SB)/4, $24
DATA zeven<>+52(SB)/4, $26
DATA zeven<>+56(SB)/4, $28
DATA zeven<>+60(SB)/4, $30
GLOBL zeven<>(SB), RODATA|NOPTR, $64

// zc4<>: lane l takes 2*(l/4) (the c of 4 connections of K = 4 from 8 of
// y); its low 8 lanes, 0 0 0 0 2 2 2 2, also serve 2 connections.
DATA zc4<>+0(SB)/4, $0
DATA zc4<>+4(SB)/4, $0
DATA zc4<>+8(SB)/4, $0
DATA zc4<>+12(SB)/4, $0
DATA zc4<>+16(SB)/4, $2
DATA zc4<>+20(SB)/4, $2
DATA zc4<>+24(SB)/4, $2
DATA zc4<>+28(SB)/4, $2
DATA zc4<>+32(SB)/4, $4
DATA zc4<>+36(SB)/4, $4
DATA zc4<>+40(SB)/4, $4
DATA zc4<>+44(SB)/4, $4
DATA zc4<>+48(SB)/4, $6
DATA zc4<>+52(SB)/4, $6
DATA zc4<>+56(SB)/4, $6
DATA zc4<>+60(SB)/4, $6
GLOBL zc4<>(SB), RODATA|NOPTR, $64

// zfirst<>: the first lane of each connection: 2j for 8 connections of
// K = 2 (32 bytes), then 4j for 4 connections of K = 4 (16 bytes).
DATA zfirst<>+0(SB)/4, $0
DATA zfirst<>+4(SB)/4, $2
DATA zfirst<>+8(SB)/4, $4
DATA zfirst<>+12(SB)/4, $6
DATA zfirst<>+16(SB)/4, $8
DATA zfirst<>+20(SB)/4, $10
DATA zfirst<>+24(SB)/4, $12
DATA zfirst<>+28(SB)/4, $14
DATA zfirst<>+32(SB)/4, $0
DATA zfirst<>+36(SB)/4, $4
DATA zfirst<>+40(SB)/4, $8
DATA zfirst<>+44(SB)/4, $12
GLOBL zfirst<>(SB), RODATA|NOPTR, $48

// zhalf<>: lane l takes l/2 (g of 8 connections spread over their two
// lanes of y).
DATA zhalf<>+0(SB)/4, $0
DATA zhalf<>+4(SB)/4, $0
DATA zhalf<>+8(SB)/4, $1
DATA zhalf<>+12(SB)/4, $1
DATA zhalf<>+16(SB)/4, $2
DATA zhalf<>+20(SB)/4, $2
DATA zhalf<>+24(SB)/4, $3
DATA zhalf<>+28(SB)/4, $3
DATA zhalf<>+32(SB)/4, $4
DATA zhalf<>+36(SB)/4, $4
DATA zhalf<>+40(SB)/4, $5
DATA zhalf<>+44(SB)/4, $5
DATA zhalf<>+48(SB)/4, $6
DATA zhalf<>+52(SB)/4, $6
DATA zhalf<>+56(SB)/4, $7
DATA zhalf<>+60(SB)/4, $7
GLOBL zhalf<>(SB), RODATA|NOPTR, $64

// WZ loads the 16 weights of one register into Z3: 8 at DX and 8 at
// DX+R11 (the same 8 when the step R11 is 0), as the AVX2 kernels step w
// by R11 per 8 scores.
#define WZ \
	VMOVUPS      (DX), Y3; \
	VINSERTF64X4 $1, (DX)(R11*1), Z3, Z3

// argmaxFK2Z: 8 connections per register (VMOVSLDUP of 16 values of y
// spreads c); the two bytes of the equality mask each index sel2 (4
// selections); VPERMPS picks the weights. n must be a multiple of 8.
//
// func argmaxFK2Z(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·argmaxFK2Z(SB), NOSPLIT, $0-68
	MOVQ         idx+0(FP), R9
	MOVQ         weff+8(FP), R10
	MOVQ         s0+16(FP), SI
	MOVQ         w+24(FP), DX
	MOVQ         y+32(FP), DI
	MOVQ         n+40(FP), CX
	MOVQ         wstep+56(FP), R11
	VBROADCASTSS a+64(FP), Z15
	VBROADCASTSS znegInf<>(SB), Z12
	VMOVDQU      zfirst<>+0(SB), Y6
	LEAQ         ·sel2(SB), R13
	SHRQ         $3, CX
	JZ           done

loop:
	WZ
	VMOVSLDUP    (DI), Z2
	VMULPS       (SI), Z15, Z1
	VMULPS       Z3, Z2, Z2
	VADDPS       Z2, Z1, Z1
	VMAXPS       Z12, Z1, Z0
	VPERMILPS    $0xb1, Z0, Z4
	VMAXPS       Z4, Z0, Z0
	VCMPPS       $0, Z0, Z1, K1
	KMOVW        K1, AX
	MOVL         AX, BX
	SHRL         $8, BX
	ANDL         $0xff, AX
	SHLQ         $4, AX
	SHLQ         $4, BX
	VMOVDQU      (R13)(AX*1), X0
	VINSERTI128  $1, (R13)(BX*1), Y0, Y0
	VPADDD       Y6, Y0, Y4
	VPERMPS      Z3, Z4, Z3
	VMOVDQU      Y0, (R9)
	VMOVUPS      Y3, (R10)
	ADDQ         $32, R9
	ADDQ         $32, R10
	ADDQ         $64, SI
	ADDQ         $64, DI
	LEAQ         (DX)(R11*2), DX
	DECQ         CX
	JNZ          loop

done:
	VZEROUPPER
	RET

// argmaxFK4Z: 4 connections per register (Z10 spreads c); the two bytes of
// the equality mask each index sel4 (2 selections). n must be a multiple
// of 4.
//
// func argmaxFK4Z(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·argmaxFK4Z(SB), NOSPLIT, $0-68
	MOVQ         idx+0(FP), R9
	MOVQ         weff+8(FP), R10
	MOVQ         s0+16(FP), SI
	MOVQ         w+24(FP), DX
	MOVQ         y+32(FP), DI
	MOVQ         n+40(FP), CX
	MOVQ         wstep+56(FP), R11
	VBROADCASTSS a+64(FP), Z15
	VBROADCASTSS znegInf<>(SB), Z12
	VMOVUPS      zc4<>(SB), Z10
	VMOVDQU      zfirst<>+32(SB), X6
	LEAQ         ·sel4(SB), R13
	SHRQ         $2, CX
	JZ           done

loop:
	WZ
	VMOVUPS      (DI), Y2
	VPERMPS      Z2, Z10, Z2
	VMULPS       (SI), Z15, Z1
	VMULPS       Z3, Z2, Z2
	VADDPS       Z2, Z1, Z1
	VMAXPS       Z12, Z1, Z0
	VPERMILPS    $0xb1, Z0, Z4
	VMAXPS       Z4, Z0, Z0
	VPERMILPS    $0x4e, Z0, Z4
	VMAXPS       Z4, Z0, Z0
	VCMPPS       $0, Z0, Z1, K1
	KMOVW        K1, AX
	MOVL         AX, BX
	SHRL         $8, BX
	ANDL         $0xff, AX
	VMOVQ        (R13)(AX*8), X0
	VPINSRQ      $1, (R13)(BX*8), X0, X0
	VPADDD       X6, X0, X4
	VPERMPS      Z3, Z4, Z3
	VMOVDQU      X0, (R9)
	VMOVUPS      X3, (R10)
	ADDQ         $16, R9
	ADDQ         $16, R10
	ADDQ         $64, SI
	ADDQ         $32, DI
	LEAQ         (DX)(R11*2), DX
	DECQ         CX
	JNZ          loop

done:
	VZEROUPPER
	RET

// scoresK1Z: 16 connections per register (VPERMT2PS gathers the c of 16
// connections, the even values of 32 of y). n must be a multiple of 16.
//
// func scoresK1Z(dst, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·scoresK1Z(SB), NOSPLIT, $0-60
	MOVQ         dst+0(FP), R9
	MOVQ         s0+8(FP), SI
	MOVQ         w+16(FP), DX
	MOVQ         y+24(FP), DI
	MOVQ         n+32(FP), CX
	MOVQ         wstep+48(FP), R11
	VBROADCASTSS a+56(FP), Z15
	VMOVUPS      zeven<>(SB), Z11
	SHRQ         $4, CX
	JZ           done

loop:
	WZ
	VMOVUPS   (DI), Z2
	VPERMT2PS 64(DI), Z11, Z2
	VMULPS    (SI), Z15, Z1
	VMULPS    Z3, Z2, Z2
	VADDPS    Z2, Z1, Z1
	VMOVUPS   Z1, (R9)
	ADDQ      $64, R9
	ADDQ      $64, SI
	ADDQ      $128, DI
	LEAQ      (DX)(R11*2), DX
	DECQ      CX
	JNZ       loop

done:
	VZEROUPPER
	RET

// scoresK2Z: 8 connections per register (VMOVSLDUP spreads c). n must be
// a multiple of 8.
//
// func scoresK2Z(dst, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·scoresK2Z(SB), NOSPLIT, $0-60
	MOVQ         dst+0(FP), R9
	MOVQ         s0+8(FP), SI
	MOVQ         w+16(FP), DX
	MOVQ         y+24(FP), DI
	MOVQ         n+32(FP), CX
	MOVQ         wstep+48(FP), R11
	VBROADCASTSS a+56(FP), Z15
	SHRQ         $3, CX
	JZ           done

loop:
	WZ
	VMOVSLDUP (DI), Z2
	VMULPS    (SI), Z15, Z1
	VMULPS    Z3, Z2, Z2
	VADDPS    Z2, Z1, Z1
	VMOVUPS   Z1, (R9)
	ADDQ      $64, R9
	ADDQ      $64, SI
	ADDQ      $64, DI
	LEAQ      (DX)(R11*2), DX
	DECQ      CX
	JNZ       loop

done:
	VZEROUPPER
	RET

// scoresK4Z: 4 connections per register (Z10 spreads c). n must be a
// multiple of 4.
//
// func scoresK4Z(dst, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·scoresK4Z(SB), NOSPLIT, $0-60
	MOVQ         dst+0(FP), R9
	MOVQ         s0+8(FP), SI
	MOVQ         w+16(FP), DX
	MOVQ         y+24(FP), DI
	MOVQ         n+32(FP), CX
	MOVQ         wstep+48(FP), R11
	VBROADCASTSS a+56(FP), Z15
	VMOVUPS      zc4<>(SB), Z10
	SHRQ         $2, CX
	JZ           done

loop:
	WZ
	VMOVUPS (DI), Y2
	VPERMPS Z2, Z10, Z2
	VMULPS  (SI), Z15, Z1
	VMULPS  Z3, Z2, Z2
	VADDPS  Z2, Z1, Z1
	VMOVUPS Z1, (R9)
	ADDQ    $64, R9
	ADDQ    $64, SI
	ADDQ    $32, DI
	LEAQ    (DX)(R11*2), DX
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET

// scoresK8nZ: K a multiple of 8, one connection at a time, 16 scores per
// register; when K/8 is odd the first 8 go in a VEX register of 8.
//
// func scoresK8nZ(dst, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·scoresK8nZ(SB), NOSPLIT, $0-60
	MOVQ         dst+0(FP), R9
	MOVQ         s0+8(FP), SI
	MOVQ         w+16(FP), DX
	MOVQ         y+24(FP), DI
	MOVQ         n+32(FP), CX
	MOVQ         k+40(FP), R13
	SHLQ         $2, R13
	MOVQ         wstep+48(FP), R11
	VBROADCASTSS a+56(FP), Z15
	TESTQ        CX, CX
	JZ           done

conn:
	VBROADCASTSS (DI), Z10
	XORQ         BX, BX
	TESTQ        $32, R13
	JZ           row
	VMULPS       (SI), Y15, Y1
	VMULPS       (DX), Y10, Y2
	VADDPS       Y2, Y1, Y1
	VMOVUPS      Y1, (R9)
	MOVQ         $32, BX
	CMPQ         BX, R13
	JAE          next

row:
	VMULPS  (SI)(BX*1), Z15, Z1
	VMULPS  (DX)(BX*1), Z10, Z2
	VADDPS  Z2, Z1, Z1
	VMOVUPS Z1, (R9)(BX*1)
	ADDQ    $64, BX
	CMPQ    BX, R13
	JB      row

next:
	ADDQ R13, R9
	ADDQ R13, SI
	ADDQ $8, DI
	ADDQ R11, DX
	DECQ CX
	JNZ  conn

done:
	VZEROUPPER
	RET

// advanceZ is advanceAVX2 with 8 connections (16 values of y) per
// register: Z13 = {m00, m10, ...}, Z14 = {m01, m11, ...}, Z9 = {e0, e1,
// ...}, Z8 spreads g (lane l takes g[l/2]); Z11 sums y'-y'. n must be a
// multiple of 8.
//
// func advanceZ(y, grad *float32, n int, m *[6]float32) (ok bool)
TEXT ·advanceZ(SB), NOSPLIT, $0-33
	MOVQ         y+0(FP), SI
	MOVQ         grad+8(FP), R8
	MOVQ         n+16(FP), CX
	MOVQ         m+24(FP), AX
	MOVL         $0xaaaa, BX
	KMOVW        BX, K4
	VBROADCASTSS 0(AX), Z0
	VBROADCASTSS 8(AX), Z1
	VBLENDMPS    Z1, Z0, K4, Z13
	VBROADCASTSS 4(AX), Z0
	VBROADCASTSS 12(AX), Z1
	VBLENDMPS    Z1, Z0, K4, Z14
	VBROADCASTSS 16(AX), Z0
	VBROADCASTSS 20(AX), Z1
	VBLENDMPS    Z1, Z0, K4, Z9
	VMOVUPS      zhalf<>(SB), Z8
	VPXORD       Z11, Z11, Z11
	SHRQ         $3, CX
	JZ           done

loop:
	VMOVUPS   (SI), Z2
	VMOVUPS   (R8), Y3
	VPERMPS   Z3, Z8, Z3
	VMOVSLDUP Z2, Z4
	VMOVSHDUP Z2, Z5
	VMULPS    Z4, Z13, Z4
	VMULPS    Z5, Z14, Z5
	VADDPS    Z5, Z4, Z4
	VMULPS    Z3, Z9, Z3
	VADDPS    Z3, Z4, Z4
	VMOVUPS   Z4, (SI)
	VSUBPS    Z4, Z4, Z5
	VADDPS    Z5, Z11, Z11
	ADDQ      $64, SI
	ADDQ      $32, R8
	DECQ      CX
	JNZ       loop

done:
	VEXTRACTF64X4 $1, Z11, Y10
	VADDPS        Y10, Y11, Y11
	VPTEST        Y11, Y11
	SETEQ         ok+32(FP)
	VZEROUPPER
	RET
