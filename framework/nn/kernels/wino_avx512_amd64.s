//go:build amd64 && !purego

#include "textflag.h"
#include "wino_amd64.h"

// AVX-512 forms of the per-plane Winograd gathers and scatters of
// wino_amd64.s and wino4_amd64.s: the same operations in each lane (so the
// same bits), but a row's last, partial group of tiles goes through one
// masked step instead of 4-wide and one-tile steps. CIFAR-10's planes give
// rows of 3, 5, 7 and 15 tiles, where those steps took most of the time.

// F(4×4)'s Bᵀ constants, eight lanes each (as w4four<>, w4five<>, w4two<>).
DATA z4four<>+0(SB)/4, $0x40800000
DATA z4four<>+4(SB)/4, $0x40800000
DATA z4four<>+8(SB)/4, $0x40800000
DATA z4four<>+12(SB)/4, $0x40800000
DATA z4four<>+16(SB)/4, $0x40800000
DATA z4four<>+20(SB)/4, $0x40800000
DATA z4four<>+24(SB)/4, $0x40800000
DATA z4four<>+28(SB)/4, $0x40800000
GLOBL z4four<>(SB), RODATA|NOPTR, $32

DATA z4five<>+0(SB)/4, $0x40a00000
DATA z4five<>+4(SB)/4, $0x40a00000
DATA z4five<>+8(SB)/4, $0x40a00000
DATA z4five<>+12(SB)/4, $0x40a00000
DATA z4five<>+16(SB)/4, $0x40a00000
DATA z4five<>+20(SB)/4, $0x40a00000
DATA z4five<>+24(SB)/4, $0x40a00000
DATA z4five<>+28(SB)/4, $0x40a00000
GLOBL z4five<>(SB), RODATA|NOPTR, $32

DATA z4two<>+0(SB)/4, $0x40000000
DATA z4two<>+4(SB)/4, $0x40000000
DATA z4two<>+8(SB)/4, $0x40000000
DATA z4two<>+12(SB)/4, $0x40000000
DATA z4two<>+16(SB)/4, $0x40000000
DATA z4two<>+20(SB)/4, $0x40000000
DATA z4two<>+24(SB)/4, $0x40000000
DATA z4two<>+28(SB)/4, $0x40000000
GLOBL z4two<>(SB), RODATA|NOPTR, $32

// Permutation indices over two registers of sixteen floats (shared with
// pool_avx512_amd64.s): the even elements 0, 2, …, 30; the odd ones; the
// first halves interleaved (0, 16, 1, 17, …, 7, 23); the second halves
// interleaved (8, 24, …, 15, 31).
DATA ·zeven+0(SB)/4, $0
DATA ·zeven+4(SB)/4, $2
DATA ·zeven+8(SB)/4, $4
DATA ·zeven+12(SB)/4, $6
DATA ·zeven+16(SB)/4, $8
DATA ·zeven+20(SB)/4, $10
DATA ·zeven+24(SB)/4, $12
DATA ·zeven+28(SB)/4, $14
DATA ·zeven+32(SB)/4, $16
DATA ·zeven+36(SB)/4, $18
DATA ·zeven+40(SB)/4, $20
DATA ·zeven+44(SB)/4, $22
DATA ·zeven+48(SB)/4, $24
DATA ·zeven+52(SB)/4, $26
DATA ·zeven+56(SB)/4, $28
DATA ·zeven+60(SB)/4, $30
GLOBL ·zeven(SB), RODATA|NOPTR, $64

DATA ·zodd+0(SB)/4, $1
DATA ·zodd+4(SB)/4, $3
DATA ·zodd+8(SB)/4, $5
DATA ·zodd+12(SB)/4, $7
DATA ·zodd+16(SB)/4, $9
DATA ·zodd+20(SB)/4, $11
DATA ·zodd+24(SB)/4, $13
DATA ·zodd+28(SB)/4, $15
DATA ·zodd+32(SB)/4, $17
DATA ·zodd+36(SB)/4, $19
DATA ·zodd+40(SB)/4, $21
DATA ·zodd+44(SB)/4, $23
DATA ·zodd+48(SB)/4, $25
DATA ·zodd+52(SB)/4, $27
DATA ·zodd+56(SB)/4, $29
DATA ·zodd+60(SB)/4, $31
GLOBL ·zodd(SB), RODATA|NOPTR, $64

DATA ·zlo+0(SB)/4, $0
DATA ·zlo+4(SB)/4, $16
DATA ·zlo+8(SB)/4, $1
DATA ·zlo+12(SB)/4, $17
DATA ·zlo+16(SB)/4, $2
DATA ·zlo+20(SB)/4, $18
DATA ·zlo+24(SB)/4, $3
DATA ·zlo+28(SB)/4, $19
DATA ·zlo+32(SB)/4, $4
DATA ·zlo+36(SB)/4, $20
DATA ·zlo+40(SB)/4, $5
DATA ·zlo+44(SB)/4, $21
DATA ·zlo+48(SB)/4, $6
DATA ·zlo+52(SB)/4, $22
DATA ·zlo+56(SB)/4, $7
DATA ·zlo+60(SB)/4, $23
GLOBL ·zlo(SB), RODATA|NOPTR, $64

DATA ·zhi+0(SB)/4, $8
DATA ·zhi+4(SB)/4, $24
DATA ·zhi+8(SB)/4, $9
DATA ·zhi+12(SB)/4, $25
DATA ·zhi+16(SB)/4, $10
DATA ·zhi+20(SB)/4, $26
DATA ·zhi+24(SB)/4, $11
DATA ·zhi+28(SB)/4, $27
DATA ·zhi+32(SB)/4, $12
DATA ·zhi+36(SB)/4, $28
DATA ·zhi+40(SB)/4, $13
DATA ·zhi+44(SB)/4, $29
DATA ·zhi+48(SB)/4, $14
DATA ·zhi+52(SB)/4, $30
DATA ·zhi+56(SB)/4, $15
DATA ·zhi+60(SB)/4, $31
GLOBL ·zhi(SB), RODATA|NOPTR, $64

// IN6Z is wino4_amd64.s's IN6 (winoB6, the same operations in the same
// order) with its stores under mask MK: K5 for the tail's lanes, K6 (all
// lanes) for whole steps.
#define IN6Z(d0, d1, d2, d3, d4, d5, t0, t1, t2, t3, MK) \
	VMULPS  z4four<>(SB), d0, t0; \
	VMULPS  z4five<>(SB), d2, t1; \
	VSUBPS  t1, t0, t0;           \
	VADDPS  d4, t0, t0;           \
	VMOVUPS t0, MK, (R8);          \
	VADDPS  d4, d3, t0;           \
	VADDPS  d2, d1, t1;           \
	VMULPS  z4four<>(SB), t1, t1; \
	VSUBPS  t1, t0, t0;           \
	VMOVUPS t0, MK, (R8)(DX*1);    \
	VSUBPS  d3, d4, t0;           \
	VSUBPS  d2, d1, t1;           \
	VMULPS  z4four<>(SB), t1, t1; \
	VADDPS  t1, t0, t0;           \
	VMOVUPS t0, MK, (R8)(DX*2);    \
	VSUBPS  d2, d4, t0;           \
	VSUBPS  d1, d3, t1;           \
	VMULPS  z4two<>(SB), t1, t1;  \
	VADDPS  t1, t0, t2;           \
	VMOVUPS t2, MK, (R9);          \
	VSUBPS  t1, t0, t3;           \
	VMOVUPS t3, MK, (R8)(DX*4);    \
	VMULPS  z4four<>(SB), d1, t0; \
	VMULPS  z4five<>(SB), d3, t1; \
	VSUBPS  t1, t0, t0;           \
	VADDPS  d5, t0, t0;           \
	VMOVUPS t0, MK, (R9)(DX*2)

// func winoPlaneIn6AVX512(x *float32, ld, rows, n int, e *float32, t int)
// winoPlaneIn6AVX2 with each row's last n mod 8 tiles in one masked step:
// its loads read x[4q+l] of those tiles only (never past the last tile's
// input), its stores write their lanes only. rows, n > 0.
TEXT ·winoPlaneIn6AVX512(SB), NOSPLIT, $24-48
	// The tail's masks, the same for every row: r = n mod 8 tiles, which
	// read c = 4r+2 floats: K1..K4 the floats of x0..x31 by eights, K5 the
	// r lanes of the stores; K6 all lanes.
	MOVQ $0xff, AX
	KMOVW AX, K6
	MOVQ n+24(FP), R12
	MOVQ R12, CX
	ANDQ $7, CX
	LOWMASK(CX, AX, K5)
	LEAQ 2(CX*4), CX
	LOWMASK(CX, AX, K1)
	SHRQ $8, AX
	KMOVW AX, K2
	SHRQ $8, AX
	KMOVW AX, K3
	SHRQ $8, AX
	KMOVW AX, K4

	MOVQ x+0(FP), BX
	MOVQ ld+8(FP), CX
	SHLQ $2, CX
	MOVQ rows+16(FP), AX
	MOVQ AX, 16(SP)
	MOVQ e+32(FP), R10
	MOVQ R10, 8(SP)
	MOVQ t+40(FP), DX
	SHLQ $2, DX

z6row:
	MOVQ BX, 0(SP)  // row 4r
	MOVQ 8(SP), R10 // e at r·n
	MOVQ $6, AX

z6k:
	MOVQ BX, SI
	MOVQ R10, R8
	LEAQ (R10)(DX*2), R9
	ADDQ DX, R9          // three positions on
	MOVQ R12, R13

z6in8:
	CMPQ        R13, $8
	JLT         z6tail
	VMOVUPS     16(SI), Y4       // x4..x11
	VMOVUPS     48(SI), Y5       // x12..x19
	VMOVUPS     80(SI), Y6       // x20..x27
	VMOVUPS     112(SI), X7      // x28..x31
	VMOVSD      128(SI), X13     // x32, x33 (not past the last tile's input)
	VINSERTF128 $1, X13, Y7, Y7  // x28..x33, 0, 0
	VMOVUPS     (SI), Y0         // x0..x7
	VMOVUPS     32(SI), Y1       // x8..x15
	VMOVUPS     64(SI), Y2       // x16..x23
	VMOVUPS     96(SI), Y3       // x24..x31
	T6
	IN6Z(Y0, Y1, Y2, Y3, Y14, Y15, Y4, Y5, Y6, Y7, K6)
	ADDQ        $128, SI
	ADDQ        $32, R8
	ADDQ        $32, R9
	SUBQ        $8, R13
	JMP         z6in8

z6tail:
	TESTQ      R13, R13
	JZ         z6next
	VMOVUPS.Z  (SI), K1, Y0          // x0..x7 of the c read
	VMOVUPS.Z  32(SI), K2, Y1        // x8..x15
	VMOVUPS.Z  64(SI), K3, Y2        // x16..x23
	VMOVUPS.Z  96(SI), K4, Y3        // x24..x31 (c ≤ 30)
	VPERM2F128 $0x21, Y1, Y0, Y4     // x4..x11
	VPERM2F128 $0x21, Y2, Y1, Y5     // x12..x19
	VPERM2F128 $0x21, Y3, Y2, Y6     // x20..x27
	VPERM2F128 $0x81, Y3, Y3, Y7     // x28..x31, 0…
	T6
	IN6Z(Y0, Y1, Y2, Y3, Y14, Y15, Y4, Y5, Y6, Y7, K5)

z6next:
	ADDQ CX, BX            // the next input row
	LEAQ (R10)(DX*4), R10
	LEAQ (R10)(DX*2), R10  // six positions on
	DECQ AX
	JNZ  z6k
	MOVQ 0(SP), BX
	LEAQ (BX)(CX*4), BX    // four input rows on
	MOVQ 8(SP), R10
	LEAQ (R10)(R12*4), R10
	MOVQ R10, 8(SP)
	DECQ 16(SP)
	JNZ  z6row
	VZEROUPPER
	RET

// QUADS is winoQuadsAVX2's 8-wide step on Y0..Y3 (columns 0..3 of eight
// tiles): the tiles' four outputs each, in order, in Y0..Y3.
#define QUADS \
	VUNPCKLPS  Y1, Y0, Y4;         \
	VUNPCKHPS  Y1, Y0, Y5;         \
	VUNPCKLPS  Y3, Y2, Y6;         \
	VUNPCKHPS  Y3, Y2, Y7;         \
	VUNPCKLPD  Y6, Y4, Y8;         \
	VUNPCKHPD  Y6, Y4, Y9;         \
	VUNPCKLPD  Y7, Y5, Y10;        \
	VUNPCKHPD  Y7, Y5, Y11;        \
	VPERM2F128 $0x20, Y9, Y8, Y0;  \
	VPERM2F128 $0x20, Y11, Y10, Y1; \
	VPERM2F128 $0x31, Y9, Y8, Y2;  \
	VPERM2F128 $0x31, Y11, Y10, Y3

// func winoQuadsAVX512(s *float32, st int, y *float32, ys, rows, n, sn, w int)
// winoQuadsAVX2 writing w ≤ 4n outputs of each row (4n−3 ≤ w: the last
// tile may be partial), with each row's last 1 to 8 tiles in one masked
// step. rows, n > 0.
TEXT ·winoQuadsAVX512(SB), NOSPLIT, $0-64
	// f = ⌊(n−1)/8⌋ whole steps, r = n − 8f tiles in the tail: K1 their
	// lanes, K2..K5 the w − 32f floats they write, by eights.
	MOVQ n+40(FP), R14
	LEAQ -1(R14), R14
	SHRQ $3, R14          // f
	MOVQ n+40(FP), CX
	MOVQ R14, AX
	SHLQ $3, AX
	SUBQ AX, CX           // r
	MOVQ CX, R9
	SHLQ $2, R9           // the tail's bytes in a column
	LOWMASK(CX, AX, K1)
	MOVQ w+56(FP), CX
	MOVQ R14, AX
	SHLQ $5, AX
	SUBQ AX, CX           // w − 32f
	LOWMASK(CX, AX, K2)
	SHRQ $8, AX
	KMOVW AX, K3
	SHRQ $8, AX
	KMOVW AX, K4
	SHRQ $8, AX
	KMOVW AX, K5

	MOVQ s+0(FP), SI
	MOVQ st+8(FP), R8
	SHLQ $2, R8
	MOVQ y+16(FP), R12
	MOVQ ys+24(FP), R13
	SHLQ $2, R13
	MOVQ rows+32(FP), BX
	MOVQ sn+48(FP), R15
	SUBQ n+40(FP), R15
	SHLQ $2, R15          // bytes from a row's last tile read to the next row's first
	LEAQ (SI)(R8*1), DX   // column 1
	LEAQ (SI)(R8*2), R10  // column 2
	LEAQ (DX)(R8*2), R11  // column 3

zqrow:
	MOVQ R12, DI
	MOVQ R14, CX

zq8:
	TESTQ   CX, CX
	JZ      zqtail
	VMOVUPS (SI), Y0
	VMOVUPS (DX), Y1
	VMOVUPS (R10), Y2
	VMOVUPS (R11), Y3
	QUADS
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, R10
	ADDQ    $32, R11
	ADDQ    $128, DI
	DECQ    CX
	JMP     zq8

zqtail:
	VMOVUPS.Z (SI), K1, Y0
	VMOVUPS.Z (DX), K1, Y1
	VMOVUPS.Z (R10), K1, Y2
	VMOVUPS.Z (R11), K1, Y3
	QUADS
	VMOVUPS   Y0, K2, (DI)
	VMOVUPS   Y1, K3, 32(DI)
	VMOVUPS   Y2, K4, 64(DI)
	VMOVUPS   Y3, K5, 96(DI)
	ADDQ      R9, SI
	ADDQ      R9, DX
	ADDQ      R9, R10
	ADDQ      R9, R11
	ADDQ      R15, SI
	ADDQ      R15, DX
	ADDQ      R15, R10
	ADDQ      R15, R11
	ADDQ      R13, R12
	DECQ      BX
	JNZ       zqrow
	VZEROUPPER
	RET

// func winoPlaneIn4AVX512(x *float32, ld, rows, n int, e *float32, t int)
// winoPlaneIn4AVX2 sixteen tiles at a time, each row's last n mod 16 in
// one masked step: a_l lane q = x[2q+l] by permutations of x[2q..2q+33],
// then v0 = a0−a2, v1 = a1+a2, v2 = a2−a1, v3 = a1−a3 in the Go code's
// order. rows, n > 0.
TEXT ·winoPlaneIn4AVX512(SB), NOSPLIT, $24-48
	// r = n mod 16 tiles in the tail read c = 2r+2 floats from x[2q]:
	// K1 those of x0..x15, K2 of x16..x31, K3 of x2..x17, K4 of
	// x18..x33; K5 the r lanes of the stores.
	MOVQ n+24(FP), R12
	MOVQ R12, CX
	ANDQ $15, CX
	LOWMASK(CX, AX, K5)
	LEAQ 2(CX*2), CX
	LOWMASK(CX, AX, K1)
	MOVQ AX, R14
	SHRQ $2, R14
	KMOVW R14, K3
	SHRQ $16, AX
	KMOVW AX, K2
	SHRQ $16, R14
	KMOVW R14, K4
	VMOVUPS ·zeven(SB), Z20
	VMOVUPS ·zodd(SB), Z21

	MOVQ x+0(FP), BX
	MOVQ ld+8(FP), CX
	SHLQ $2, CX
	MOVQ rows+16(FP), AX
	MOVQ AX, 16(SP)
	MOVQ e+32(FP), R8
	MOVQ R8, 8(SP)
	MOVQ t+40(FP), DX
	SHLQ $2, DX

z4row:
	MOVQ BX, 0(SP) // row 2r
	MOVQ 8(SP), R8 // e at r·n
	MOVQ $4, AX

z4k:
	MOVQ BX, SI
	LEAQ (R8)(DX*1), R9
	LEAQ (R8)(DX*2), R10
	LEAQ (R9)(DX*2), R11
	MOVQ R8, DI
	MOVQ R12, R13

z4in16:
	CMPQ      R13, $16
	JLT       z4tail
	VMOVUPS   (SI), Z0      // x[2q..2q+15]
	VMOVUPS   64(SI), Z1    // x[2q+16..2q+31]
	VMOVUPS   8(SI), Z2     // x[2q+2..2q+17]
	VMOVUPS   72(SI), Z3    // x[2q+18..2q+33]
	VMOVAPS   Z0, Z4
	VPERMT2PS Z1, Z20, Z4   // a0
	VMOVAPS   Z0, Z5
	VPERMT2PS Z1, Z21, Z5   // a1
	VMOVAPS   Z2, Z6
	VPERMT2PS Z3, Z20, Z6   // a2
	VMOVAPS   Z2, Z7
	VPERMT2PS Z3, Z21, Z7   // a3
	VSUBPS    Z6, Z4, Z8
	VADDPS    Z6, Z5, Z9
	VSUBPS    Z5, Z6, Z10
	VSUBPS    Z7, Z5, Z11
	VMOVUPS   Z8, (DI)
	VMOVUPS   Z9, (R9)
	VMOVUPS   Z10, (R10)
	VMOVUPS   Z11, (R11)
	ADDQ      $128, SI
	ADDQ      $64, DI
	ADDQ      $64, R9
	ADDQ      $64, R10
	ADDQ      $64, R11
	SUBQ      $16, R13
	JMP       z4in16

z4tail:
	TESTQ     R13, R13
	JZ        z4next
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VMOVUPS.Z 8(SI), K3, Z2
	VMOVUPS.Z 72(SI), K4, Z3
	VMOVAPS   Z0, Z4
	VPERMT2PS Z1, Z20, Z4
	VMOVAPS   Z0, Z5
	VPERMT2PS Z1, Z21, Z5
	VMOVAPS   Z2, Z6
	VPERMT2PS Z3, Z20, Z6
	VMOVAPS   Z2, Z7
	VPERMT2PS Z3, Z21, Z7
	VSUBPS    Z6, Z4, Z8
	VADDPS    Z6, Z5, Z9
	VSUBPS    Z5, Z6, Z10
	VSUBPS    Z7, Z5, Z11
	VMOVUPS   Z8, K5, (DI)
	VMOVUPS   Z9, K5, (R9)
	VMOVUPS   Z10, K5, (R10)
	VMOVUPS   Z11, K5, (R11)

z4next:
	ADDQ CX, BX         // the next input row
	LEAQ (R8)(DX*4), R8 // four positions on
	DECQ AX
	JNZ  z4k
	MOVQ 0(SP), BX
	LEAQ (BX)(CX*2), BX
	MOVQ 8(SP), R8
	LEAQ (R8)(R12*4), R8
	MOVQ R8, 8(SP)
	DECQ 16(SP)
	JNZ  z4row
	VZEROUPPER
	RET

// func winoPairsAVX512(s0, s1, y *float32, ys, rows, n int)
// winoPairsAVX2 sixteen tiles at a time, each row's last n mod 16 in one
// masked step. rows, n > 0.
TEXT ·winoPairsAVX512(SB), NOSPLIT, $0-48
	// r = n mod 16: K1 its lanes of s0 and s1, K2 and K3 the 2r floats it
	// writes, by sixteens.
	MOVQ n+40(FP), R9
	MOVQ R9, CX
	ANDQ $15, CX
	LOWMASK(CX, AX, K1)
	SHLQ $1, CX
	LOWMASK(CX, AX, K2)
	SHRQ $16, AX
	KMOVW AX, K3
	VMOVUPS ·zlo(SB), Z20
	VMOVUPS ·zhi(SB), Z21

	MOVQ s0+0(FP), SI
	MOVQ s1+8(FP), DX
	MOVQ y+16(FP), DI
	MOVQ ys+24(FP), R8
	SHLQ $2, R8
	MOVQ rows+32(FP), CX
	MOVQ R9, R10
	ANDQ $-16, R10 // the tiles of whole steps

zprow:
	XORQ AX, AX

zp16:
	CMPQ      AX, R10
	JGE       zptail
	VMOVUPS   (SI)(AX*4), Z0
	VMOVUPS   (DX)(AX*4), Z1
	VMOVAPS   Z0, Z2
	VPERMT2PS Z1, Z20, Z2
	VMOVAPS   Z0, Z3
	VPERMT2PS Z1, Z21, Z3
	VMOVUPS   Z2, (DI)(AX*8)
	VMOVUPS   Z3, 64(DI)(AX*8)
	ADDQ      $16, AX
	JMP       zp16

zptail:
	CMPQ      AX, R9
	JGE       zpnext
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	VMOVUPS.Z (DX)(AX*4), K1, Z1
	VMOVAPS   Z0, Z2
	VPERMT2PS Z1, Z20, Z2
	VMOVAPS   Z0, Z3
	VPERMT2PS Z1, Z21, Z3
	VMOVUPS   Z2, K2, (DI)(AX*8)
	VMOVUPS   Z3, K3, 64(DI)(AX*8)

zpnext:
	LEAQ (SI)(R9*4), SI
	LEAQ (DX)(R9*4), DX
	ADDQ R8, DI
	DECQ CX
	JNZ  zprow
	VZEROUPPER
	RET

// F(4×4)'s constants for broadcasts: 2, 4, 5, 8.
DATA z4c<>+0(SB)/4, $0x40000000
DATA z4c<>+4(SB)/4, $0x40800000
DATA z4c<>+8(SB)/4, $0x40a00000
DATA z4c<>+12(SB)/4, $0x41000000
GLOBL z4c<>(SB), RODATA|NOPTR, $16

// ZCONST puts 2, 4, 5 and 8 in every lane of Z26, Z24, Z25 and Z27, and
// K6 = all lanes; K5 = the lanes of the last n mod 16 from CX (n), using
// AX and BX.
#define ZCONST \
	VBROADCASTSS z4c<>+0(SB), Z26;  \
	VBROADCASTSS z4c<>+4(SB), Z24;  \
	VBROADCASTSS z4c<>+8(SB), Z25;  \
	VBROADCASTSS z4c<>+12(SB), Z27; \
	MOVQ         $0xffff, AX;       \
	KMOVW        AX, K6;            \
	MOVQ         CX, BX;            \
	ANDQ         $15, BX;           \
	LOWMASK(BX, AX, K5)

// IN6R is IN6 (winoB6) on sixteen lanes with the constants in Z24 (4),
// Z25 (5), Z26 (2) and its stores under mask MK.
#define IN6R(d0, d1, d2, d3, d4, d5, t0, t1, t2, t3, MK) \
	VMULPS  Z24, d0, t0;       \
	VMULPS  Z25, d2, t1;       \
	VSUBPS  t1, t0, t0;        \
	VADDPS  d4, t0, t0;        \
	VMOVUPS t0, MK, (R8);      \
	VADDPS  d4, d3, t0;        \
	VADDPS  d2, d1, t1;        \
	VMULPS  Z24, t1, t1;       \
	VSUBPS  t1, t0, t0;        \
	VMOVUPS t0, MK, (R8)(DX*1); \
	VSUBPS  d3, d4, t0;        \
	VSUBPS  d2, d1, t1;        \
	VMULPS  Z24, t1, t1;       \
	VADDPS  t1, t0, t0;        \
	VMOVUPS t0, MK, (R8)(DX*2); \
	VSUBPS  d2, d4, t0;        \
	VSUBPS  d1, d3, t1;        \
	VMULPS  Z26, t1, t1;       \
	VADDPS  t1, t0, t2;        \
	VMOVUPS t2, MK, (R9);      \
	VSUBPS  t1, t0, t3;        \
	VMOVUPS t3, MK, (R8)(DX*4); \
	VMULPS  Z24, d1, t0;       \
	VMULPS  Z25, d3, t1;       \
	VSUBPS  t1, t0, t0;        \
	VADDPS  d5, t0, t0;        \
	VMOVUPS t0, MK, (R9)(DX*2)

// OUT4R is OUT4 (winoA4) on sixteen lanes, constants in Z26 (2), Z24 (4)
// and Z27 (8), stores under mask MK; m1 is overwritten.
#define OUT4R(m0, m1, m2, m3, m4, m5, t0, t1, t2, t3, t4, t5, MK) \
	VADDPS  m2, m1, t0;         \
	VSUBPS  m2, m1, t1;         \
	VADDPS  m4, m3, t2;         \
	VSUBPS  m4, m3, t3;         \
	VADDPS  t0, m0, t4;         \
	VADDPS  t2, t4, t4;         \
	VMOVUPS t4, MK, (R8);       \
	VMULPS  Z26, t3, t5;        \
	VADDPS  t5, t1, t5;         \
	VMOVUPS t5, MK, (R8)(DX*1); \
	VMULPS  Z24, t2, t4;        \
	VADDPS  t4, t0, t4;         \
	VMOVUPS t4, MK, (R8)(DX*2); \
	VMULPS  Z27, t3, m1;        \
	VADDPS  m1, t1, m1;         \
	VADDPS  m5, m1, m1;         \
	VMOVUPS m1, MK, (R9)

// GRAD6R is GRAD6 (winoGrad6) on sixteen lanes, constants in Z24 (4) and
// Z26 (2), stores under mask MK.
#define GRAD6R(p0, p1, p2, p3, t0, t1, t2, t3, MK) \
	VMOVUPS p0, MK, (R8);       \
	VADDPS  p2, p0, t0;         \
	VADDPS  p3, p1, t1;         \
	VADDPS  t1, t0, t2;         \
	VMOVUPS t2, MK, (R8)(DX*1); \
	VSUBPS  t1, t0, t2;         \
	VMOVUPS t2, MK, (R8)(DX*2); \
	VMULPS  Z24, p2, t0;        \
	VADDPS  t0, p0, t0;         \
	VMULPS  Z24, p3, t1;        \
	VADDPS  t1, p1, t1;         \
	VMULPS  Z26, t1, t1;        \
	VADDPS  t1, t0, t2;         \
	VMOVUPS t2, MK, (R9);       \
	VSUBPS  t1, t0, t3;         \
	VMOVUPS t3, MK, (R8)(DX*4); \
	VMOVUPS p3, MK, (R9)(DX*2)

// ELEMARGS loads the arguments (a *float32, as int, v *float32, vs, n int)
// of wino4In, wino4Out and wino4Grad: SI = a, R10 = as in bytes, R11 =
// a's row 3, R8 = v, DX = vs in bytes, R9 = v's row 3, CX = n.
#define ELEMARGS \
	MOVQ a+0(FP), SI;       \
	MOVQ as+8(FP), R10;     \
	SHLQ $2, R10;           \
	MOVQ v+16(FP), R8;      \
	MOVQ vs+24(FP), DX;     \
	SHLQ $2, DX;            \
	MOVQ n+32(FP), CX;      \
	LEAQ (SI)(R10*2), R11;  \
	ADDQ R10, R11;          \
	LEAQ (R8)(DX*2), R9;    \
	ADDQ DX, R9

// func wino4InAVX512(a *float32, as int, v *float32, vs, n int)
// wino4InAVX2 sixteen lanes at a time, the last n mod 16 in one masked
// step; n > 0.
TEXT ·wino4InAVX512(SB), NOSPLIT, $0-40
	ELEMARGS
	ZCONST

zin16:
	CMPQ    CX, $16
	JLT     zintail
	VMOVUPS (SI), Z0
	VMOVUPS (SI)(R10*1), Z1
	VMOVUPS (SI)(R10*2), Z2
	VMOVUPS (R11), Z3
	VMOVUPS (SI)(R10*4), Z4
	VMOVUPS (R11)(R10*2), Z5
	IN6R(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, K6)
	ADDQ    $64, SI
	ADDQ    $64, R11
	ADDQ    $64, R8
	ADDQ    $64, R9
	SUBQ    $16, CX
	JMP     zin16

zintail:
	TESTQ     CX, CX
	JZ        zindone
	VMOVUPS.Z (SI), K5, Z0
	VMOVUPS.Z (SI)(R10*1), K5, Z1
	VMOVUPS.Z (SI)(R10*2), K5, Z2
	VMOVUPS.Z (R11), K5, Z3
	VMOVUPS.Z (SI)(R10*4), K5, Z4
	VMOVUPS.Z (R11)(R10*2), K5, Z5
	IN6R(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, K5)

zindone:
	VZEROUPPER
	RET

// func wino4OutAVX512(m *float32, ms int, s *float32, ss, n int)
// wino4OutAVX2 sixteen lanes at a time, the last n mod 16 in one masked
// step; n > 0.
TEXT ·wino4OutAVX512(SB), NOSPLIT, $0-40
	MOVQ m+0(FP), SI
	MOVQ ms+8(FP), R10
	SHLQ $2, R10
	MOVQ s+16(FP), R8
	MOVQ ss+24(FP), DX
	SHLQ $2, DX
	MOVQ n+32(FP), CX
	LEAQ (SI)(R10*2), R11
	ADDQ R10, R11         // m3
	LEAQ (R8)(DX*2), R9
	ADDQ DX, R9           // s3
	ZCONST

zout16:
	CMPQ    CX, $16
	JLT     zouttail
	VMOVUPS (SI), Z0
	VMOVUPS (SI)(R10*1), Z1
	VMOVUPS (SI)(R10*2), Z2
	VMOVUPS (R11), Z3
	VMOVUPS (SI)(R10*4), Z4
	VMOVUPS (R11)(R10*2), Z5
	OUT4R(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, K6)
	ADDQ    $64, SI
	ADDQ    $64, R11
	ADDQ    $64, R8
	ADDQ    $64, R9
	SUBQ    $16, CX
	JMP     zout16

zouttail:
	TESTQ     CX, CX
	JZ        zoutdone
	VMOVUPS.Z (SI), K5, Z0
	VMOVUPS.Z (SI)(R10*1), K5, Z1
	VMOVUPS.Z (SI)(R10*2), K5, Z2
	VMOVUPS.Z (R11), K5, Z3
	VMOVUPS.Z (SI)(R10*4), K5, Z4
	VMOVUPS.Z (R11)(R10*2), K5, Z5
	OUT4R(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, K5)

zoutdone:
	VZEROUPPER
	RET

// func wino4GradAVX512(a *float32, as int, v *float32, vs, n int)
// wino4GradAVX2 sixteen lanes at a time, the last n mod 16 in one masked
// step; n > 0.
TEXT ·wino4GradAVX512(SB), NOSPLIT, $0-40
	ELEMARGS
	ZCONST

zgr16:
	CMPQ    CX, $16
	JLT     zgrtail
	VMOVUPS (SI), Z0
	VMOVUPS (SI)(R10*1), Z1
	VMOVUPS (SI)(R10*2), Z2
	VMOVUPS (R11), Z3
	GRAD6R(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, K6)
	ADDQ    $64, SI
	ADDQ    $64, R11
	ADDQ    $64, R8
	ADDQ    $64, R9
	SUBQ    $16, CX
	JMP     zgr16

zgrtail:
	TESTQ     CX, CX
	JZ        zgrdone
	VMOVUPS.Z (SI), K5, Z0
	VMOVUPS.Z (SI)(R10*1), K5, Z1
	VMOVUPS.Z (SI)(R10*2), K5, Z2
	VMOVUPS.Z (R11), K5, Z3
	GRAD6R(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, K5)

zgrdone:
	VZEROUPPER
	RET
