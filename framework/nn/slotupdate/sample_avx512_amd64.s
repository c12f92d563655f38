//go:build amd64 && !purego

#include "textflag.h"

// AVX-512 kernels of SampleSoftmax (sample.go): the same float32 operations
// in the same order as sampleSoftmaxGo, Exp32 and the AVX2 kernel
// sampleK8nAVX2 (sample_amd64.s), so the same bits, sixteen scores per
// register. Only AVX-512F instructions are used, with TZCNT.
//
// A register holds two blocks of 8 scores, one per 256-bit half: two
// connections of K = 8 (sampleK8Z), or two blocks of one connection
// (sampleK16nZ). The prefix sums of each half are taken as in the Go code
// (shift by 1, 2, 4 lanes within the half, a VPERMPS, then a VADDPS merged
// into the lanes at or above the shift). Lanes a shift leaves alone keep
// their value where the Go code adds nothing and the AVX2 kernel adds +0:
// the same bits, since no exponential is -0. For K > 8 the low half then
// takes the carry of the blocks before it (+0 before the first, b + 0 =
// b), the high half the last sum of the low half.
//
// The draw: the compare target < p sets one bit per score; with the bit
// of the last score K-1 set as well, the lowest set bit is the first prefix
// sum above the target, or K-1 if there is none, as in the Go code. No
// branch depends on the data.
//
// Constants: Z31 log2e, Z30 0.5, Z29 ln2hi, Z28 ln2lo, Z27 1/720, Z26
// 1/120, Z25 1/24, Z24 1/6, Z23 1, Z22 -87, Z21 127 (int), Z20, Z19, Z18 the
// in-half shifts by 1, 2, 4; K1, K2, K3 the lanes of each half at or
// above 1, 2, 4; K4 the high half, K5 the low half.

#include "sample_consts_amd64.h"

// zshl1, zshl2, zshl4: VPERMPS indexes that move lane i to i+d within each
// 256-bit half (the lanes below d of each half are masked off by K1-K3).
DATA zshl1<>+0(SB)/4, $0
DATA zshl1<>+4(SB)/4, $0
DATA zshl1<>+8(SB)/4, $1
DATA zshl1<>+12(SB)/4, $2
DATA zshl1<>+16(SB)/4, $3
DATA zshl1<>+20(SB)/4, $4
DATA zshl1<>+24(SB)/4, $5
DATA zshl1<>+28(SB)/4, $6
DATA zshl1<>+32(SB)/4, $8
DATA zshl1<>+36(SB)/4, $8
DATA zshl1<>+40(SB)/4, $9
DATA zshl1<>+44(SB)/4, $10
DATA zshl1<>+48(SB)/4, $11
DATA zshl1<>+52(SB)/4, $12
DATA zshl1<>+56(SB)/4, $13
DATA zshl1<>+60(SB)/4, $14
GLOBL zshl1<>(SB), RODATA|NOPTR, $64
DATA zshl2<>+0(SB)/4, $0
DATA zshl2<>+4(SB)/4, $0
DATA zshl2<>+8(SB)/4, $0
DATA zshl2<>+12(SB)/4, $1
DATA zshl2<>+16(SB)/4, $2
DATA zshl2<>+20(SB)/4, $3
DATA zshl2<>+24(SB)/4, $4
DATA zshl2<>+28(SB)/4, $5
DATA zshl2<>+32(SB)/4, $8
DATA zshl2<>+36(SB)/4, $8
DATA zshl2<>+40(SB)/4, $8
DATA zshl2<>+44(SB)/4, $9
DATA zshl2<>+48(SB)/4, $10
DATA zshl2<>+52(SB)/4, $11
DATA zshl2<>+56(SB)/4, $12
DATA zshl2<>+60(SB)/4, $13
GLOBL zshl2<>(SB), RODATA|NOPTR, $64
DATA zshl4<>+0(SB)/4, $0
DATA zshl4<>+4(SB)/4, $0
DATA zshl4<>+8(SB)/4, $0
DATA zshl4<>+12(SB)/4, $0
DATA zshl4<>+16(SB)/4, $0
DATA zshl4<>+20(SB)/4, $1
DATA zshl4<>+24(SB)/4, $2
DATA zshl4<>+28(SB)/4, $3
DATA zshl4<>+32(SB)/4, $8
DATA zshl4<>+36(SB)/4, $8
DATA zshl4<>+40(SB)/4, $8
DATA zshl4<>+44(SB)/4, $8
DATA zshl4<>+48(SB)/4, $8
DATA zshl4<>+52(SB)/4, $9
DATA zshl4<>+56(SB)/4, $10
DATA zshl4<>+60(SB)/4, $11
GLOBL zshl4<>(SB), RODATA|NOPTR, $64
// z7, z15: lane 7, lane 15 into every lane.
DATA z7<>+0(SB)/4, $7
DATA z7<>+4(SB)/4, $7
DATA z7<>+8(SB)/4, $7
DATA z7<>+12(SB)/4, $7
DATA z7<>+16(SB)/4, $7
DATA z7<>+20(SB)/4, $7
DATA z7<>+24(SB)/4, $7
DATA z7<>+28(SB)/4, $7
DATA z7<>+32(SB)/4, $7
DATA z7<>+36(SB)/4, $7
DATA z7<>+40(SB)/4, $7
DATA z7<>+44(SB)/4, $7
DATA z7<>+48(SB)/4, $7
DATA z7<>+52(SB)/4, $7
DATA z7<>+56(SB)/4, $7
DATA z7<>+60(SB)/4, $7
GLOBL z7<>(SB), RODATA|NOPTR, $64
DATA z15<>+0(SB)/4, $15
DATA z15<>+4(SB)/4, $15
DATA z15<>+8(SB)/4, $15
DATA z15<>+12(SB)/4, $15
DATA z15<>+16(SB)/4, $15
DATA z15<>+20(SB)/4, $15
DATA z15<>+24(SB)/4, $15
DATA z15<>+28(SB)/4, $15
DATA z15<>+32(SB)/4, $15
DATA z15<>+36(SB)/4, $15
DATA z15<>+40(SB)/4, $15
DATA z15<>+44(SB)/4, $15
DATA z15<>+48(SB)/4, $15
DATA z15<>+52(SB)/4, $15
DATA z15<>+56(SB)/4, $15
DATA z15<>+60(SB)/4, $15
GLOBL z15<>(SB), RODATA|NOPTR, $64
// zlast8: the last lane of each half into its half (the totals of two
// connections of K = 8).
DATA zlast8<>+0(SB)/4, $7
DATA zlast8<>+4(SB)/4, $7
DATA zlast8<>+8(SB)/4, $7
DATA zlast8<>+12(SB)/4, $7
DATA zlast8<>+16(SB)/4, $7
DATA zlast8<>+20(SB)/4, $7
DATA zlast8<>+24(SB)/4, $7
DATA zlast8<>+28(SB)/4, $7
DATA zlast8<>+32(SB)/4, $15
DATA zlast8<>+36(SB)/4, $15
DATA zlast8<>+40(SB)/4, $15
DATA zlast8<>+44(SB)/4, $15
DATA zlast8<>+48(SB)/4, $15
DATA zlast8<>+52(SB)/4, $15
DATA zlast8<>+56(SB)/4, $15
DATA zlast8<>+60(SB)/4, $15
GLOBL zlast8<>(SB), RODATA|NOPTR, $64
// zu01, zu23: u of connection 0 (2) into the low half, 1 (3) into the high.
DATA zu01<>+0(SB)/4, $0
DATA zu01<>+4(SB)/4, $0
DATA zu01<>+8(SB)/4, $0
DATA zu01<>+12(SB)/4, $0
DATA zu01<>+16(SB)/4, $0
DATA zu01<>+20(SB)/4, $0
DATA zu01<>+24(SB)/4, $0
DATA zu01<>+28(SB)/4, $0
DATA zu01<>+32(SB)/4, $1
DATA zu01<>+36(SB)/4, $1
DATA zu01<>+40(SB)/4, $1
DATA zu01<>+44(SB)/4, $1
DATA zu01<>+48(SB)/4, $1
DATA zu01<>+52(SB)/4, $1
DATA zu01<>+56(SB)/4, $1
DATA zu01<>+60(SB)/4, $1
GLOBL zu01<>(SB), RODATA|NOPTR, $64
DATA zu23<>+0(SB)/4, $2
DATA zu23<>+4(SB)/4, $2
DATA zu23<>+8(SB)/4, $2
DATA zu23<>+12(SB)/4, $2
DATA zu23<>+16(SB)/4, $2
DATA zu23<>+20(SB)/4, $2
DATA zu23<>+24(SB)/4, $2
DATA zu23<>+28(SB)/4, $2
DATA zu23<>+32(SB)/4, $3
DATA zu23<>+36(SB)/4, $3
DATA zu23<>+40(SB)/4, $3
DATA zu23<>+44(SB)/4, $3
DATA zu23<>+48(SB)/4, $3
DATA zu23<>+52(SB)/4, $3
DATA zu23<>+56(SB)/4, $3
DATA zu23<>+60(SB)/4, $3
GLOBL zu23<>(SB), RODATA|NOPTR, $64

// ZCONSTS loads the constants and masks named above.
#define ZCONSTS \
	VBROADCASTSS cLog2e<>(SB), Z31; \
	VBROADCASTSS cHalf<>(SB), Z30; \
	VBROADCASTSS cLn2hi<>(SB), Z29; \
	VBROADCASTSS cLn2lo<>(SB), Z28; \
	VBROADCASTSS c720<>(SB), Z27; \
	VBROADCASTSS c120<>(SB), Z26; \
	VBROADCASTSS c24<>(SB), Z25; \
	VBROADCASTSS c6<>(SB), Z24; \
	VBROADCASTSS cOne<>(SB), Z23; \
	VBROADCASTSS cM87<>(SB), Z22; \
	VPBROADCASTD cBias<>(SB), Z21; \
	VMOVDQU32    zshl1<>(SB), Z20; \
	VMOVDQU32    zshl2<>(SB), Z19; \
	VMOVDQU32    zshl4<>(SB), Z18; \
	MOVL         $0xfefe, AX; \
	KMOVW        AX, K1; \
	MOVL         $0xfcfc, AX; \
	KMOVW        AX, K2; \
	MOVL         $0xf0f0, AX; \
	KMOVW        AX, K3; \
	MOVL         $0xff00, AX; \
	KMOVW        AX, K4; \
	MOVL         $0x00ff, AX; \
	KMOVW        AX, K5

// EXPZ sets t to Exp32(x) in every lane (0 where x < -87), as Exp32 and
// the AVX2 kernel compute it; n and r are scratch, kk a scratch mask.
#define EXPZ(x, n, t, r, kk) \
	VMULPS     Z31, x, n; \
	VSUBPS     Z30, n, n; \
	VCVTTPS2DQ n, n; \
	VCVTDQ2PS  n, t; \
	VMULPS     Z29, t, r; \
	VSUBPS     r, x, r; \
	VMULPS     Z28, t, t; \
	VSUBPS     t, r, r; \
	VMULPS     Z27, r, t; \
	VADDPS     Z26, t, t; \
	VMULPS     t, r, t; \
	VADDPS     Z25, t, t; \
	VMULPS     t, r, t; \
	VADDPS     Z24, t, t; \
	VMULPS     t, r, t; \
	VADDPS     Z30, t, t; \
	VMULPS     t, r, t; \
	VADDPS     Z23, t, t; \
	VMULPS     t, r, t; \
	VADDPS     Z23, t, t; \
	VPADDD     Z21, n, n; \
	VPSLLD     $23, n, n; \
	VCMPPS     $5, Z22, x, kk; \
	VMULPS.Z   n, t, kk, t

// PREFIX turns the 8 values of each half of t into their prefix sums
// (Hillis-Steele: shifts by 1, 2, 4); w is scratch.
#define PREFIX(t, w) \
	VPERMPS t, Z20, w; \
	VADDPS  w, t, K1, t; \
	VPERMPS t, Z19, w; \
	VADDPS  w, t, K2, t; \
	VPERMPS t, Z18, w; \
	VADDPS  w, t, K3, t

// PAIR8 takes two connections of K = 8 in x (one per half) and leaves the
// prefix sums of each in its half of t; x, m, n and r are scratch (m the
// maximum of each half), kk a scratch mask.
#define PAIR8(x, m, n, t, r, kk) \
	VSHUFF32X4 $0xb1, x, x, m; \
	VMAXPS     m, x, m; \
	VPERMILPS  $0x4e, m, r; \
	VMAXPS     r, m, m; \
	VPERMILPS  $0xb1, m, r; \
	VMAXPS     r, m, m; \
	VSUBPS     m, x, x; \
	EXPZ(x, n, t, r, kk); \
	PREFIX(t, r)

// DRAW8 sets kk to target < p for the two connections whose prefix sums
// are in t, their u in the halves of u (overwritten with the target); m is
// scratch.
#define DRAW8(t, u, m, kk) \
	VPERMPS t, Z17, m; \
	VMULPS  m, u, u; \
	VCMPPS  $1, t, u, kk

// FIRST8 turns the 16-bit mask in a (bits 0-7 the first connection, 8-15
// the second) into the two draws, a and b: the lowest set bit of each
// byte, 7 (K-1) when the byte has none.
#define FIRST8(a, b) \
	ORL    $0x8080, a; \
	MOVL   a, b; \
	SHRL   $8, b; \
	TZCNTL a, a; \
	TZCNTL b, b

// func sampleK8Z(idx *int32, s, u *float32, n int)
//
// K = 8: two connections per register, two registers per step; then one
// pair and one connection for the rest of n (any n).
//
// Registers: R9 idx, SI s, R8 u, CX n; Z17 the indexes zlast8, Z16 zu01,
// Z15 zu23.
TEXT ·sampleK8Z(SB), NOSPLIT, $0-32
	MOVQ      idx+0(FP), R9
	MOVQ      s+8(FP), SI
	MOVQ      u+16(FP), R8
	MOVQ      n+24(FP), CX
	ZCONSTS
	VMOVDQU32 zlast8<>(SB), Z17
	VMOVDQU32 zu01<>(SB), Z16
	VMOVDQU32 zu23<>(SB), Z15
	MOVQ      CX, R10
	SHRQ      $2, CX
	JZ        pair

quad:
	VMOVUPS  (SI), Z0
	VMOVUPS  64(SI), Z5
	VMOVUPS  (R8), X10
	PAIR8(Z0, Z1, Z2, Z3, Z4, K6)
	PAIR8(Z5, Z6, Z7, Z8, Z9, K7)
	VPERMPS  Z10, Z16, Z11
	VPERMPS  Z10, Z15, Z12
	DRAW8(Z3, Z11, Z1, K6)
	DRAW8(Z8, Z12, Z6, K7)
	KMOVW    K6, AX
	KMOVW    K7, BX
	FIRST8(AX, DX)
	FIRST8(BX, DI)
	MOVL     AX, (R9)
	MOVL     DX, 4(R9)
	MOVL     BX, 8(R9)
	MOVL     DI, 12(R9)
	ADDQ     $128, SI
	ADDQ     $16, R8
	ADDQ     $16, R9
	DECQ     CX
	JNZ      quad

pair:
	TESTQ    $2, R10
	JZ       single
	VMOVUPS  (SI), Z0
	VMOVSD   (R8), X10
	PAIR8(Z0, Z1, Z2, Z3, Z4, K6)
	VPERMPS  Z10, Z16, Z11
	DRAW8(Z3, Z11, Z1, K6)
	KMOVW    K6, AX
	FIRST8(AX, DX)
	MOVL     AX, (R9)
	MOVL     DX, 4(R9)
	ADDQ     $64, SI
	ADDQ     $8, R8
	ADDQ     $8, R9

single:
	// The low half only: the load reads nothing past the connection, the
	// high half computes on zeros and is dropped.
	TESTQ     $1, R10
	JZ        done
	VMOVUPS.Z (SI), K5, Z0
	VMOVSS    (R8), X10
	PAIR8(Z0, Z1, Z2, Z3, Z4, K6)
	VPERMPS   Z10, Z16, Z11
	DRAW8(Z3, Z11, Z1, K6)
	KMOVW     K6, AX
	FIRST8(AX, DX)
	MOVL      AX, (R9)

done:
	VZEROUPPER
	RET

// HMAX16 sets every lane of m to the maximum of its 16 lanes; w is
// scratch.
#define HMAX16(m, w) \
	VSHUFF32X4 $0x4e, m, m, w; \
	VMAXPS     w, m, m; \
	VSHUFF32X4 $0xb1, m, m, w; \
	VMAXPS     w, m, m; \
	VPERMILPS  $0x4e, m, w; \
	VMAXPS     w, m, m; \
	VPERMILPS  $0xb1, m, w; \
	VMAXPS     w, m, m

// BLOCK16 stores at dst the prefix sums of the 16 scores x (two blocks of
// 8) of a row whose maximum is m, the carry c of the blocks before them
// added, and sets c to the last of them; n, t, r are scratch, kk a
// scratch mask.
#define BLOCK16(x, m, c, dst, n, t, r, kk) \
	VSUBPS  m, x, x; \
	EXPZ(x, n, t, r, kk); \
	PREFIX(t, r); \
	VADDPS  c, t, K5, t; \
	VPERMPS t, Z17, r; \
	VADDPS  r, t, K4, t; \
	VMOVUPS t, dst; \
	VPERMPS t, Z16, c

// BLOCK8 is BLOCK16 for the last 8 scores of a row, in the low half of x
// (the high half's sums, stored past the row's, are never read).
#define BLOCK8(x, m, c, dst, n, t, r, kk) \
	VSUBPS  m, x, x; \
	EXPZ(x, n, t, r, kk); \
	PREFIX(t, r); \
	VADDPS  c, t, K5, t; \
	VMOVUPS t, dst; \
	VPERMPS t, Z17, c

// FIND draws for the connection whose prefix sums are at p(DX*1), their
// total in every lane of c, u at up: target = u·total, one compare per 16
// sums from the last (DX = DI) to the first, the masks gathered in R12,
// bit K-1 set; the lowest set bit is stored at out. c, AX, DX, R12 and
// K6 are overwritten.
#define FIND(p, c, up, out) \
	VMULPS.BCST up, c, c; \
	MOVQ        DI, DX; \
	XORQ        R12, R12; \
	VCMPPS      $1, p(DX*1), c, K6; \
	KMOVW       K6, AX; \
	SHLQ        $16, R12; \
	ORQ         AX, R12; \
	SUBQ        $64, DX; \
	JGE         -5(PC); \
	BTSQ        BX, R12; \
	TZCNTQ      R12, AX; \
	MOVL        AX, out

// func sampleK16nZ(idx *int32, s, u, scratch *float32, n, k int)
//
// K a multiple of 8 from 16 to 64, 16 scores per register, two connections
// per step (the second's scratch 288 bytes after the first's), then one
// for the rest of n: the maximum over the row (the last 16 scores read
// again where K/8 is odd: the maximum does not mind), then the
// exponentials and prefix sums 16 at a time into scratch, the last 8 alone
// where K/8 is odd (a masked load), then the draw.
//
// Registers: R9 idx, SI s (the first row of the step), R13 the second row,
// R8 u, R10 scratch, CX steps left, BX K-1, R11 bytes per row (4K),
// R14 the bytes of the whole registers of a row (4K rounded down to 64),
// DI the offset of the last register of a row; Z0, Z8 the maxima, Z7, Z15
// the carries, Z17 the indexes z7, Z16 z15.
TEXT ·sampleK16nZ(SB), NOSPLIT, $0-48
	MOVQ      idx+0(FP), R9
	MOVQ      s+8(FP), SI
	MOVQ      u+16(FP), R8
	MOVQ      scratch+24(FP), R10
	MOVQ      n+32(FP), CX
	MOVQ      k+40(FP), BX
	ZCONSTS
	VMOVDQU32 z7<>(SB), Z17
	VMOVDQU32 z15<>(SB), Z16
	LEAQ      (BX*4), R11
	MOVQ      R11, R14
	ANDQ      $-64, R14
	LEAQ      -1(R11), DI
	ANDQ      $-64, DI
	DECQ      BX
	SHRQ      $1, CX
	JZ        one

two:
	LEAQ    (SI)(R11*1), R13
	VMOVUPS (SI), Z0
	VMAXPS  -64(SI)(R11*1), Z0, Z0
	VMOVUPS (R13), Z8
	VMAXPS  -64(R13)(R11*1), Z8, Z8
	MOVQ    $64, DX

rowmax2:
	LEAQ    64(DX), AX
	CMPQ    AX, R11
	JGE     rowmaxed2
	VMAXPS  (SI)(DX*1), Z0, Z0
	VMAXPS  (R13)(DX*1), Z8, Z8
	MOVQ    AX, DX
	JMP     rowmax2

rowmaxed2:
	HMAX16(Z0, Z1)
	HMAX16(Z8, Z9)
	VPXORD  Z7, Z7, Z7
	VPXORD  Z15, Z15, Z15
	XORQ    DX, DX

block2:
	CMPQ    DX, R14
	JGE     tail2
	VMOVUPS (SI)(DX*1), Z1
	VMOVUPS (R13)(DX*1), Z9
	BLOCK16(Z1, Z0, Z7, (R10)(DX*1), Z2, Z3, Z4, K6)
	BLOCK16(Z9, Z8, Z15, 288(R10)(DX*1), Z10, Z11, Z12, K7)
	ADDQ    $64, DX
	JMP     block2

tail2:
	CMPQ      DX, R11
	JGE       draw2
	VMOVUPS.Z (SI)(DX*1), K5, Z1
	VMOVUPS.Z (R13)(DX*1), K5, Z9
	BLOCK8(Z1, Z0, Z7, (R10)(DX*1), Z2, Z3, Z4, K6)
	BLOCK8(Z9, Z8, Z15, 288(R10)(DX*1), Z10, Z11, Z12, K7)

draw2:
	FIND((R10), Z7, (R8), (R9))
	FIND(288(R10), Z15, 4(R8), 4(R9))
	ADDQ    $8, R9
	ADDQ    $8, R8
	LEAQ    (R13)(R11*1), SI
	DECQ    CX
	JNZ     two

one:
	MOVQ    n+32(FP), AX
	TESTQ   $1, AX
	JZ      zdone
	VMOVUPS (SI), Z0
	VMAXPS  -64(SI)(R11*1), Z0, Z0
	MOVQ    $64, DX

rowmax1:
	LEAQ    64(DX), AX
	CMPQ    AX, R11
	JGE     rowmaxed1
	VMAXPS  (SI)(DX*1), Z0, Z0
	MOVQ    AX, DX
	JMP     rowmax1

rowmaxed1:
	HMAX16(Z0, Z1)
	VPXORD  Z7, Z7, Z7
	XORQ    DX, DX

block1:
	CMPQ    DX, R14
	JGE     tail1
	VMOVUPS (SI)(DX*1), Z1
	BLOCK16(Z1, Z0, Z7, (R10)(DX*1), Z2, Z3, Z4, K6)
	ADDQ    $64, DX
	JMP     block1

tail1:
	CMPQ      DX, R11
	JGE       draw1
	VMOVUPS.Z (SI)(DX*1), K5, Z1
	BLOCK8(Z1, Z0, Z7, (R10)(DX*1), Z2, Z3, Z4, K6)

draw1:
	FIND((R10), Z7, (R8), (R9))

zdone:
	VZEROUPPER
	RET
