//go:build amd64 && !purego

#include "textflag.h"
#include "wino_amd64.h"

// MASKS sets the masks of a step over m = min(CX, 16) windows: K3 their
// lanes (one per window), K1 and K2 the 2m floats of a row they span, by
// sixteens. It uses AX and R11.
#define MASKS \
	MOVQ    $16, R11;         \
	CMPQ    CX, R11;          \
	CMOVQLT CX, R11;          \
	LOWMASK(R11, AX, K3); \
	ADDQ    R11, R11;         \
	LOWMASK(R11, AX, K1); \
	SHRQ    $16, AX;          \
	KMOVW   AX, K2

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
	VMOVDQU32    ·zeven(SB), Z20 // 0, 2, …, 30: the even elements, and b's lanes
	VMOVDQU32    ·zodd(SB), Z21
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
	MASKS
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

// func maxUnpool2x2AVX512(dy *float32, arg *int32, dx *float32, w, oh, ow int)
// MaxPoolBackward's plane for 2×2 windows with stride 2, sixteen windows a
// step, a row's last ow mod 16 in one masked step: window (i, j), b =
// 2i·w + 2j, writes dx[b+o] = 0 + dy[i·ow + j] where arg[i·ow + j] = b+o
// and +0 elsewhere, o = 0, 1, w, w+1: rows 0..2·oh−1, columns 0..2·ow−1
// of dx, densely; the caller clears the rest. This is the Go loop's
// result (dx cleared, then dx[a] += dy), −0 made +0 included. oh, ow > 0,
// 2·ow ≤ w.
TEXT ·maxUnpool2x2AVX512(SB), NOSPLIT, $0-48
	MOVQ dy+0(FP), SI
	MOVQ arg+8(FP), R9
	MOVQ dx+16(FP), R13
	MOVQ w+24(FP), BX
	MOVQ oh+32(FP), DX
	MOVQ ow+40(FP), R12
	VMOVDQU32    ·zeven(SB), Z20
	VMOVDQU32    ·zlo(SB), Z26
	VMOVDQU32    ·zhi(SB), Z27
	MOVL         $1, AX
	VPBROADCASTD AX, Z23         // 1
	VPBROADCASTD BX, Z24         // w
	LEAQ         1(BX), AX
	VPBROADCASTD AX, Z25         // w+1
	MOVL         $32, AX
	VPBROADCASTD AX, Z22         // 32: b sixteen windows on
	VPXORD       Z31, Z31, Z31
	XORQ         R10, R10        // 2i·w
	SHLQ         $2, BX          // a row in bytes

urow:
	MOVQ R13, DI
	MOVQ R12, CX
	MOVQ R10, AX
	VPBROADCASTD AX, Z9
	VPADDD Z20, Z9, Z9           // b of the first sixteen windows

ustep:
	MASKS
	VMOVUPS.Z   (SI), K3, Z0
	VADDPS      Z0, Z31, Z0      // 0 + dy
	VMOVDQU32.Z (R9), K3, Z1     // a
	VPCMPEQD    Z9, Z1, K4
	VMOVAPS.Z   Z0, K4, Z4       // row 2i, even columns
	VPADDD      Z23, Z9, Z10
	VPCMPEQD    Z10, Z1, K4
	VMOVAPS.Z   Z0, K4, Z5       // row 2i, odd columns
	VPADDD      Z24, Z9, Z10
	VPCMPEQD    Z10, Z1, K4
	VMOVAPS.Z   Z0, K4, Z6       // row 2i+1, even columns
	VPADDD      Z25, Z9, Z10
	VPCMPEQD    Z10, Z1, K4
	VMOVAPS.Z   Z0, K4, Z7       // row 2i+1, odd columns
	VMOVAPS     Z4, Z8
	VPERMT2PS   Z5, Z26, Z8
	VMOVAPS     Z4, Z12
	VPERMT2PS   Z5, Z27, Z12
	VMOVAPS     Z6, Z13
	VPERMT2PS   Z7, Z26, Z13
	VMOVAPS     Z6, Z14
	VPERMT2PS   Z7, Z27, Z14
	VMOVUPS     Z8, K1, (DI)
	VMOVUPS     Z12, K2, 64(DI)
	VMOVUPS     Z13, K1, (DI)(BX*1)
	VMOVUPS     Z14, K2, 64(DI)(BX*1)
	ADDQ        $64, SI
	ADDQ        $64, R9
	ADDQ        $128, DI
	VPADDD      Z22, Z9, Z9
	SUBQ        $16, CX
	JGT         ustep

	// dy and arg went on by whole steps: back to the next row's start.
	MOVQ R12, AX
	ADDQ $15, AX
	SHRQ $4, AX
	SHLQ $6, AX                  // bytes of the steps taken
	SUBQ AX, SI
	SUBQ AX, R9
	LEAQ (SI)(R12*4), SI
	LEAQ (R9)(R12*4), R9
	LEAQ (R13)(BX*2), R13        // two output rows on
	MOVQ BX, AX
	SHRQ $1, AX                  // 2w
	ADDQ AX, R10
	DECQ DX
	JNZ  urow
	VZEROUPPER
	RET
