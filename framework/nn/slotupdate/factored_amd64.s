//go:build amd64 && !purego

#include "textflag.h"

// AVX2 kernels of the factored scores s = a·s0 + c·w, c = y[2i] (see
// factored.go). Every score is VMULPS a, s0; VMULPS c, w; VADDPS: the two
// products rounded, then added, as the Go code does. Register roles:
//
//	R9 idx (or dst), R10 weff, SI s0, DX w, DI y, CX loop count, R11 w step
//	in bytes, Y15 a, Y12 -Inf.
//
// The selection replaces NaN scores by -Inf (VMAXPS returns its second
// source when either is NaN), takes the maximum M of each connection, and
// picks the first score equal to M; when none is (all NaN) it picks 0.

DATA fnegInf<>+0(SB)/4, $0xff800000
GLOBL fnegInf<>(SB), RODATA|NOPTR, $4

DATA fiota<>+0(SB)/4, $0
DATA fiota<>+4(SB)/4, $1
DATA fiota<>+8(SB)/4, $2
DATA fiota<>+12(SB)/4, $3
DATA fiota<>+16(SB)/4, $4
DATA fiota<>+20(SB)/4, $5
DATA fiota<>+24(SB)/4, $6
DATA fiota<>+28(SB)/4, $7
GLOBL fiota<>(SB), RODATA|NOPTR, $32

// advanceAVX2: 4 connections (8 values of y) per register, 8 per loop.
// Y13 = {m00, m10, ...}, Y14 = {m01, m11, ...}, Y15 = {e0, e1, ...} (even
// lanes compute y0', odd lanes y1'); VMOVSLDUP and VMOVSHDUP spread y0 and y1
// over both lanes of their connection, Y12 spreads g (lane l takes g[l/2]).
// Y11 sums y'-y', which is 0 unless some y' is NaN or ±Inf.
//
// func advanceAVX2(y, grad *float32, n int, m *[6]float32) (ok bool)
TEXT ·advanceAVX2(SB), NOSPLIT, $0-33
	MOVQ         y+0(FP), SI
	MOVQ         grad+8(FP), R8
	MOVQ         n+16(FP), CX
	MOVQ         m+24(FP), AX
	VBROADCASTSS 0(AX), Y0
	VBROADCASTSS 8(AX), Y1
	VBLENDPS     $0xaa, Y1, Y0, Y13
	VBROADCASTSS 4(AX), Y0
	VBROADCASTSS 12(AX), Y1
	VBLENDPS     $0xaa, Y1, Y0, Y14
	VBROADCASTSS 16(AX), Y0
	VBROADCASTSS 20(AX), Y1
	VBLENDPS     $0xaa, Y1, Y0, Y15
	VMOVDQU      fiota<>(SB), Y12
	VPSRLD       $1, Y12, Y12
	VXORPS       Y11, Y11, Y11
	VXORPS       Y10, Y10, Y10
	SHRQ         $2, CX
	TESTQ        $1, CX
	JZ           pairs

	// One group of 4 first, so that the rest go 8 at a time.
	VMOVUPS   (SI), Y2
	VMOVUPS   (R8), X3
	VPERMPS   Y3, Y12, Y3
	VMOVSLDUP Y2, Y4
	VMOVSHDUP Y2, Y5
	VMULPS    Y4, Y13, Y4
	VMULPS    Y5, Y14, Y5
	VADDPS    Y5, Y4, Y4
	VMULPS    Y3, Y15, Y3
	VADDPS    Y3, Y4, Y4
	VMOVUPS   Y4, (SI)
	VSUBPS    Y4, Y4, Y5
	VADDPS    Y5, Y11, Y11
	ADDQ      $32, SI
	ADDQ      $16, R8

pairs:
	SHRQ $1, CX
	JZ   done

loop:
	VMOVUPS   (SI), Y2
	VMOVUPS   32(SI), Y6
	VMOVUPS   (R8), X3
	VMOVUPS   16(R8), X7
	VPERMPS   Y3, Y12, Y3
	VPERMPS   Y7, Y12, Y7
	VMOVSLDUP Y2, Y4
	VMOVSHDUP Y2, Y5
	VMOVSLDUP Y6, Y8
	VMOVSHDUP Y6, Y9
	VMULPS    Y4, Y13, Y4
	VMULPS    Y5, Y14, Y5
	VMULPS    Y8, Y13, Y8
	VMULPS    Y9, Y14, Y9
	VADDPS    Y5, Y4, Y4
	VADDPS    Y9, Y8, Y8
	VMULPS    Y3, Y15, Y3
	VMULPS    Y7, Y15, Y7
	VADDPS    Y3, Y4, Y4
	VADDPS    Y7, Y8, Y8
	VMOVUPS   Y4, (SI)
	VMOVUPS   Y8, 32(SI)
	VSUBPS    Y4, Y4, Y5
	VSUBPS    Y8, Y8, Y9
	VADDPS    Y5, Y11, Y11
	VADDPS    Y9, Y10, Y10
	ADDQ      $64, SI
	ADDQ      $32, R8
	DECQ      CX
	JNZ       loop

done:
	VADDPS     Y10, Y11, Y11
	VPTEST     Y11, Y11
	SETEQ      ok+32(FP)
	VZEROUPPER
	RET

// argmaxFK2: 4 connections per register. VMOVSLDUP of 8 values of y gives
// c in both lanes of each connection; X6 holds 2j, the first lane of
// connection j; R13 points to sel2, which maps the equality mask of a
// register to the 4 selections.
//
// func argmaxFK2(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·argmaxFK2(SB), NOSPLIT, $0-68
	MOVQ         idx+0(FP), R9
	MOVQ         weff+8(FP), R10
	MOVQ         s0+16(FP), SI
	MOVQ         w+24(FP), DX
	MOVQ         y+32(FP), DI
	MOVQ         n+40(FP), CX
	MOVQ         wstep+56(FP), R11
	VBROADCASTSS a+64(FP), Y15
	VBROADCASTSS fnegInf<>(SB), Y12
	VMOVDQU      fiota<>(SB), Y9
	VPSLLD       $1, Y9, Y6
	LEAQ         ·sel2(SB), R13
	SHRQ         $2, CX
	JZ           done

loop:
	VMOVUPS   (DX), Y3
	VMOVSLDUP (DI), Y2
	VMULPS    (SI), Y15, Y1
	VMULPS    Y3, Y2, Y2
	VADDPS    Y2, Y1, Y1
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
	ADDQ      $32, SI
	ADDQ      $32, DI
	ADDQ      R11, DX
	DECQ      CX
	JNZ       loop

done:
	VZEROUPPER
	RET

// argmaxFK4: 2 connections per register. Y10 spreads y (lane l takes
// y[2*(l/4)]); X6 holds 4j, the first lane of connection j; R13 points to
// sel4.
//
// func argmaxFK4(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·argmaxFK4(SB), NOSPLIT, $0-68
	MOVQ         idx+0(FP), R9
	MOVQ         weff+8(FP), R10
	MOVQ         s0+16(FP), SI
	MOVQ         w+24(FP), DX
	MOVQ         y+32(FP), DI
	MOVQ         n+40(FP), CX
	MOVQ         wstep+56(FP), R11
	VBROADCASTSS a+64(FP), Y15
	VBROADCASTSS fnegInf<>(SB), Y12
	VMOVDQU      fiota<>(SB), Y9
	VPSRLD       $2, Y9, Y10
	VPSLLD       $1, Y10, Y10
	VPSLLD       $2, Y9, Y6
	LEAQ         ·sel4(SB), R13
	SHRQ         $1, CX
	JZ           done

loop:
	VMOVUPS    (DX), Y3
	VMOVUPS    (DI), X2
	VPERMPS    Y2, Y10, Y2
	VMULPS     (SI), Y15, Y1
	VMULPS     Y3, Y2, Y2
	VADDPS     Y2, Y1, Y1
	VMAXPS     Y12, Y1, Y0
	VPERMILPS  $0xb1, Y0, Y4
	VMAXPS     Y4, Y0, Y0
	VPERMILPS  $0x4e, Y0, Y4
	VMAXPS     Y4, Y0, Y0
	VCMPPS     $0, Y0, Y1, Y0
	VMOVMSKPS  Y0, AX
	VMOVQ      (R13)(AX*8), X0
	VPADDD     X6, X0, X4
	VPERMPS    Y3, Y4, Y3
	VMOVQ      X0, (R9)
	VMOVQ      X3, (R10)
	ADDQ       $8, R9
	ADDQ       $8, R10
	ADDQ       $32, SI
	ADDQ       $16, DI
	ADDQ       R11, DX
	DECQ       CX
	JNZ        loop

done:
	VZEROUPPER
	RET

// PF is how far ahead (in bytes) the streaming kernels prefetch s0 and w:
// in training they are read once per step from memory, not from cache.
#define PF 1024

// ONE8: the selection of one connection of K = 8 (s0 at SI, w at DX, c at
// DI) into AX, with the weights in Y3.
#define ONE8 \
	VMOVUPS      (DX), Y3; \
	VBROADCASTSS (DI), Y2; \
	VMULPS       (SI), Y15, Y1; \
	VMULPS       Y3, Y2, Y2; \
	VADDPS       Y2, Y1, Y1; \
	VMAXPS       Y12, Y1, Y0; \
	VPERMILPS    $0xb1, Y0, Y4; \
	VMAXPS       Y4, Y0, Y0; \
	VPERMILPS    $0x4e, Y0, Y4; \
	VMAXPS       Y4, Y0, Y0; \
	VPERM2F128   $1, Y0, Y0, Y4; \
	VMAXPS       Y4, Y0, Y0; \
	VCMPPS       $0, Y0, Y1, Y0; \
	VMOVMSKPS    Y0, AX; \
	TZCNTL       AX, AX; \
	ANDL         $7, AX

// argmaxFK8: 1 connection per register, two per loop. The selection is the
// lowest set bit of the equality mask, 0 when there is none (TZCNT gives
// 32). The two maxima are reduced together: the halves of both connections
// are paired by VPERM2F128, so one VMAXPS and two shuffle steps serve both.
//
// func argmaxFK8(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·argmaxFK8(SB), NOSPLIT, $0-68
	MOVQ         idx+0(FP), R9
	MOVQ         weff+8(FP), R10
	MOVQ         s0+16(FP), SI
	MOVQ         w+24(FP), DX
	MOVQ         y+32(FP), DI
	MOVQ         n+40(FP), CX
	MOVQ         wstep+56(FP), R11
	VBROADCASTSS a+64(FP), Y15
	VBROADCASTSS fnegInf<>(SB), Y12
	MOVQ         CX, R8
	SHRQ         $1, CX
	JZ           single

pair:
	PREFETCHT0   PF(SI)
	PREFETCHT0   PF(DX)
	VMOVUPS      (DX), Y3
	VMOVUPS      (DX)(R11*1), Y7
	VBROADCASTSS (DI), Y2
	VBROADCASTSS 8(DI), Y6
	VMULPS       (SI), Y15, Y1
	VMULPS       32(SI), Y15, Y5
	VMULPS       Y3, Y2, Y2
	VMULPS       Y7, Y6, Y6
	VADDPS       Y2, Y1, Y1
	VADDPS       Y6, Y5, Y5
	VMAXPS       Y12, Y1, Y0
	VMAXPS       Y12, Y5, Y4
	VPERM2F128   $0x20, Y4, Y0, Y2
	VPERM2F128   $0x31, Y4, Y0, Y6
	VMAXPS       Y6, Y2, Y0
	VPERMILPS    $0x4e, Y0, Y4
	VMAXPS       Y4, Y0, Y0
	VPERMILPS    $0xb1, Y0, Y4
	VMAXPS       Y4, Y0, Y0
	VPERM2F128   $0x00, Y0, Y0, Y2
	VPERM2F128   $0x11, Y0, Y0, Y6
	VCMPPS       $0, Y2, Y1, Y2
	VCMPPS       $0, Y6, Y5, Y6
	VMOVMSKPS    Y2, AX
	VMOVMSKPS    Y6, BX
	TZCNTL       AX, AX
	TZCNTL       BX, BX
	ANDL         $7, AX
	ANDL         $7, BX
	MOVL         AX, (R9)
	MOVL         BX, 4(R9)
	LEAQ         (DX)(R11*1), R12
	MOVL         (DX)(AX*4), AX
	MOVL         (R12)(BX*4), BX
	MOVL         AX, (R10)
	MOVL         BX, 4(R10)
	ADDQ         $8, R9
	ADDQ         $8, R10
	ADDQ         $64, SI
	ADDQ         $16, DI
	LEAQ         (DX)(R11*2), DX
	DECQ         CX
	JNZ          pair

single:
	TESTQ $1, R8
	JZ    done
	ONE8
	MOVL  AX, (R9)
	MOVL  (DX)(AX*4), AX
	MOVL  AX, (R10)

done:
	VZEROUPPER
	RET

// argmaxFK8n: K a multiple of 8, one connection at a time, K/8 registers
// each: a first pass takes the maximum (Y9), a second computes the scores
// again (bit for bit the same) until the first one equal to it. Y10 is c,
// R13 the row length in bytes.
//
// func argmaxFK8n(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·argmaxFK8n(SB), NOSPLIT, $0-68
	MOVQ         idx+0(FP), R9
	MOVQ         weff+8(FP), R10
	MOVQ         s0+16(FP), SI
	MOVQ         w+24(FP), DX
	MOVQ         y+32(FP), DI
	MOVQ         n+40(FP), CX
	MOVQ         k+48(FP), R13
	SHLQ         $2, R13
	MOVQ         wstep+56(FP), R11
	VBROADCASTSS a+64(FP), Y15
	VBROADCASTSS fnegInf<>(SB), Y12
	TESTQ        CX, CX
	JZ           done

conn:
	VBROADCASTSS (DI), Y10
	VMOVAPS      Y12, Y9
	VMOVAPS      Y12, Y8
	XORQ         BX, BX
	TESTQ        $32, R13
	JZ           pass1

	// K/8 odd: one register first, so that the rest go two at a time into
	// two running maxima.
	VMULPS (SI), Y15, Y1
	VMULPS (DX), Y10, Y2
	VADDPS Y2, Y1, Y1
	VMAXPS Y9, Y1, Y9
	MOVQ   $32, BX
	CMPQ   BX, R13
	JAE    reduce

pass1:
	PREFETCHT0 PF(SI)(BX*1)
	PREFETCHT0 PF(DX)(BX*1)
	VMULPS (SI)(BX*1), Y15, Y1
	VMULPS (DX)(BX*1), Y10, Y2
	VMULPS 32(SI)(BX*1), Y15, Y3
	VMULPS 32(DX)(BX*1), Y10, Y4
	VADDPS Y2, Y1, Y1
	VADDPS Y4, Y3, Y3
	VMAXPS Y9, Y1, Y9
	VMAXPS Y8, Y3, Y8
	ADDQ   $64, BX
	CMPQ   BX, R13
	JB     pass1

reduce:
	VMAXPS     Y8, Y9, Y9
	VPERMILPS  $0xb1, Y9, Y4
	VMAXPS     Y4, Y9, Y9
	VPERMILPS  $0x4e, Y9, Y4
	VMAXPS     Y4, Y9, Y9
	VPERM2F128 $1, Y9, Y9, Y4
	VMAXPS     Y4, Y9, Y9
	XORQ       BX, BX

scan:
	VMULPS    (SI)(BX*1), Y15, Y1
	VMULPS    (DX)(BX*1), Y10, Y2
	VADDPS    Y2, Y1, Y1
	VCMPPS    $0, Y9, Y1, Y0
	VMOVMSKPS Y0, AX
	TESTL     AX, AX
	JNZ       found
	ADDQ      $32, BX
	CMPQ      BX, R13
	JB        scan
	XORL      AX, AX
	JMP       store

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

// scoresK1: 8 connections per register; VSHUFPS and VPERMPD gather the c
// of 8 connections (the even values of 16 of y).
//
// func scoresK1(dst, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·scoresK1(SB), NOSPLIT, $0-60
	MOVQ         dst+0(FP), R9
	MOVQ         s0+8(FP), SI
	MOVQ         w+16(FP), DX
	MOVQ         y+24(FP), DI
	MOVQ         n+32(FP), CX
	MOVQ         wstep+48(FP), R11
	VBROADCASTSS a+56(FP), Y15
	SHRQ         $3, CX
	JZ           done

loop:
	VMOVUPS (DI), Y2
	VSHUFPS $0x88, 32(DI), Y2, Y2
	VPERMPD $0xd8, Y2, Y2
	VMULPS  (SI), Y15, Y1
	VMULPS  (DX), Y2, Y2
	VADDPS  Y2, Y1, Y1
	VMOVUPS Y1, (R9)
	ADDQ    $32, R9
	ADDQ    $32, SI
	ADDQ    $64, DI
	ADDQ    R11, DX
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET

// scoresK2: 4 connections per register (VMOVSLDUP spreads c).
//
// func scoresK2(dst, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·scoresK2(SB), NOSPLIT, $0-60
	MOVQ         dst+0(FP), R9
	MOVQ         s0+8(FP), SI
	MOVQ         w+16(FP), DX
	MOVQ         y+24(FP), DI
	MOVQ         n+32(FP), CX
	MOVQ         wstep+48(FP), R11
	VBROADCASTSS a+56(FP), Y15
	SHRQ         $2, CX
	JZ           done

loop:
	VMOVSLDUP (DI), Y2
	VMULPS    (SI), Y15, Y1
	VMULPS    (DX), Y2, Y2
	VADDPS    Y2, Y1, Y1
	VMOVUPS   Y1, (R9)
	ADDQ      $32, R9
	ADDQ      $32, SI
	ADDQ      $32, DI
	ADDQ      R11, DX
	DECQ      CX
	JNZ       loop

done:
	VZEROUPPER
	RET

// scoresK4: 2 connections per register (Y10 spreads c, as in argmaxFK4).
//
// func scoresK4(dst, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·scoresK4(SB), NOSPLIT, $0-60
	MOVQ         dst+0(FP), R9
	MOVQ         s0+8(FP), SI
	MOVQ         w+16(FP), DX
	MOVQ         y+24(FP), DI
	MOVQ         n+32(FP), CX
	MOVQ         wstep+48(FP), R11
	VBROADCASTSS a+56(FP), Y15
	VMOVDQU      fiota<>(SB), Y9
	VPSRLD       $2, Y9, Y10
	VPSLLD       $1, Y10, Y10
	SHRQ         $1, CX
	JZ           done

loop:
	VMOVUPS (DI), X2
	VPERMPS Y2, Y10, Y2
	VMULPS  (SI), Y15, Y1
	VMULPS  (DX), Y2, Y2
	VADDPS  Y2, Y1, Y1
	VMOVUPS Y1, (R9)
	ADDQ    $32, R9
	ADDQ    $32, SI
	ADDQ    $16, DI
	ADDQ    R11, DX
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET

// scoresK8n: K a multiple of 8, one connection at a time.
//
// func scoresK8n(dst, s0, w, y *float32, n, k, wstep int, a float32)
TEXT ·scoresK8n(SB), NOSPLIT, $0-60
	MOVQ         dst+0(FP), R9
	MOVQ         s0+8(FP), SI
	MOVQ         w+16(FP), DX
	MOVQ         y+24(FP), DI
	MOVQ         n+32(FP), CX
	MOVQ         k+40(FP), R13
	SHLQ         $2, R13
	MOVQ         wstep+48(FP), R11
	VBROADCASTSS a+56(FP), Y15
	TESTQ        CX, CX
	JZ           done

conn:
	VBROADCASTSS (DI), Y10
	XORQ         BX, BX

row:
	VMULPS  (SI)(BX*1), Y15, Y1
	VMULPS  (DX)(BX*1), Y10, Y2
	VADDPS  Y2, Y1, Y1
	VMOVUPS Y1, (R9)(BX*1)
	ADDQ    $32, BX
	CMPQ    BX, R13
	JB      row
	ADDQ    R13, R9
	ADDQ    R13, SI
	ADDQ    $8, DI
	ADDQ    R11, DX
	DECQ    CX
	JNZ     conn

done:
	VZEROUPPER
	RET
