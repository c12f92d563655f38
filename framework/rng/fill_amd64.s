//go:build amd64 && !purego

#include "textflag.h"

// fillUniformAVX2: SplitMix64 on 4 64-bit counters per register, two
// registers per loop: Y10 holds the counters of values j, j+2, j+4, j+6 and
// Y9 those of j+1, j+3, j+5, j+7, so that packing the top 24 bits of both
// into one register of 8 int32 (even lanes from Y10, odd from Y9) leaves
// them in order.
//
// A 64×64→64 multiply by a constant C is three VPMULUDQ on 32-bit halves:
// x·C = lo(x)·lo(C) + ((hi(x)·lo(C) + lo(x)·hi(C)) << 32) mod 2^64.
// The last step of the finaliser, z ^= z >> 31, leaves bits 33..63 of z
// unchanged, and only bits 40..63 are used, so it is skipped.

DATA fillConst<>+0(SB)/8, $0xbf58476d1ce4e5b9  // finaliser multiplier 1
DATA fillConst<>+8(SB)/8, $0x94d049bb133111eb  // finaliser multiplier 2
DATA fillConst<>+16(SB)/8, $0xf1bbcdcbfa53e0a8 // 8γ
DATA fillConst<>+24(SB)/4, $0x33800000         // 2^-24
GLOBL fillConst<>(SB), RODATA|NOPTR, $28

// 0, 2γ, 4γ, 6γ and γ, 3γ, 5γ, 7γ.
DATA fillLanes<>+0(SB)/8, $0
DATA fillLanes<>+8(SB)/8, $0x3c6ef372fe94f82a
DATA fillLanes<>+16(SB)/8, $0x78dde6e5fd29f054
DATA fillLanes<>+24(SB)/8, $0xb54cda58fbbee87e
DATA fillLanes<>+32(SB)/8, $0x9e3779b97f4a7c15
DATA fillLanes<>+40(SB)/8, $0xdaa66d2c7ddf743f
DATA fillLanes<>+48(SB)/8, $0x1715609f7c746c69
DATA fillLanes<>+56(SB)/8, $0x538454127b096493
GLOBL fillLanes<>(SB), RODATA|NOPTR, $64

// MUL64(x, c, chi, t1, t2): x = x·c mod 2^64 (c and chi = c>>32 in every
// lane), t1 and t2 scratch.
#define MUL64(x, c, chi, t1, t2) \
	VPSRLQ   $32, x, t1; \
	VPMULUDQ c, t1, t1; \
	VPMULUDQ chi, x, t2; \
	VPADDQ   t2, t1, t1; \
	VPSLLQ   $32, t1, t1; \
	VPMULUDQ c, x, x; \
	VPADDQ   t1, x, x

// XSHR(x, n, t): x ^= x >> n.
#define XSHR(x, n, t) \
	VPSRLQ $n, x, t; \
	VPXOR  t, x, x

// func fillUniformAVX2(dst *float32, n int, z uint64, lo, d, scale float32)
TEXT ·fillUniformAVX2(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         n+8(FP), CX
	VPBROADCASTQ z+16(FP), Y0
	VBROADCASTSS lo+24(FP), Y7
	VBROADCASTSS d+28(FP), Y8
	VBROADCASTSS scale+32(FP), Y6
	VPBROADCASTQ fillConst<>+0(SB), Y15
	VPSRLQ       $32, Y15, Y14
	VPBROADCASTQ fillConst<>+8(SB), Y13
	VPSRLQ       $32, Y13, Y12
	VPBROADCASTQ fillConst<>+16(SB), Y11
	VBROADCASTSS fillConst<>+24(SB), Y5
	VPADDQ       fillLanes<>+0(SB), Y0, Y10
	VPADDQ       fillLanes<>+32(SB), Y0, Y9
	SHRQ         $3, CX
	JZ           done

loop:
	VMOVDQA Y10, Y0
	VMOVDQA Y9, Y3
	VPADDQ  Y11, Y10, Y10
	VPADDQ  Y11, Y9, Y9
	XSHR(Y0, 30, Y1)
	XSHR(Y3, 30, Y4)
	MUL64(Y0, Y15, Y14, Y1, Y2)
	MUL64(Y3, Y15, Y14, Y4, Y2)
	XSHR(Y0, 27, Y1)
	XSHR(Y3, 27, Y4)
	MUL64(Y0, Y13, Y12, Y1, Y2)
	MUL64(Y3, Y13, Y12, Y4, Y2)

	// Bits 40..63: of Y0 into the low int32 of each lane, of Y3 into the
	// high one.
	VPSRLQ    $40, Y0, Y0
	VPSRLQ    $8, Y3, Y3
	VPBLENDD  $0xaa, Y3, Y0, Y0
	VCVTDQ2PS Y0, Y0
	VMULPS    Y5, Y0, Y0
	VMULPS    Y8, Y0, Y0
	VADDPS    Y7, Y0, Y0
	VMULPS    Y6, Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $32, DI
	DECQ      CX
	JNZ       loop

done:
	VZEROUPPER
	RET
