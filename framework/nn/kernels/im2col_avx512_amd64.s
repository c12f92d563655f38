//go:build amd64 && !purego

#include "textflag.h"
#include "wino_amd64.h"

// PLANEMASKS sets K1 and K2 to the low n bits of a 32-lane mask, by
// sixteens (n ≤ 32 in a register). It uses AX.
#define PLANEMASKS(n, k1, k2) \
	LOWMASK(n, AX, k1); \
	SHRQ  $16, AX;      \
	KMOVW AX, k2

// func im2colPermAVX512(x *float32, hw int, cols *float32, ld int, perm *int32, masks *uint32, kk, ohw, nc int)
// im2colTable on nc whole channels, one register permutation per row: the
// channel's hw ≤ 32 inputs sit in Z0 (0–15) and Z1 (16–31); row k of
// channel c is, for p < ohw ≤ 32, perm[32k+p] where bit p of masks[k] is
// set and +0 elsewhere, written to cols[(c·kk+k)·ld + p].
TEXT ·im2colPermAVX512(SB), NOSPLIT, $0-72
	MOVQ x+0(FP), SI
	MOVQ hw+8(FP), CX
	PLANEMASKS(CX, K1, K2)     // the plane's lanes
	SHLQ $2, CX                // plane bytes
	MOVQ ohw+56(FP), DX
	PLANEMASKS(DX, K3, K4)     // a row's lanes
	MOVQ cols+16(FP), DI
	MOVQ ld+24(FP), R8
	SHLQ $2, R8                // row bytes
	MOVQ nc+64(FP), R9

i2cChannel:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	MOVQ perm+32(FP), R10
	MOVQ masks+40(FP), R11
	MOVQ kk+48(FP), R12

i2cRow:
	KMOVW   (R11), K5          // the valid lanes 0–15 of the row
	KMOVW   2(R11), K6         // and 16–31
	VMOVDQU32 (R10), Z2
	VPERMI2PS.Z Z1, Z0, K5, Z2
	VMOVUPS Z2, K3, (DI)
	VMOVDQU32 64(R10), Z3
	VPERMI2PS.Z Z1, Z0, K6, Z3
	VMOVUPS Z3, K4, 64(DI)
	ADDQ    $128, R10
	ADDQ    $4, R11
	ADDQ    R8, DI
	DECQ    R12
	JNZ     i2cRow

	ADDQ CX, SI
	DECQ R9
	JNZ  i2cChannel
	VZEROUPPER
	RET

// func col2imPermAVX512(cols *float32, ld int, dx *float32, hw int, inv *int32, masks *uint32, kk, ohw, nc int)
// col2imTable on nc whole channels: channel c's hw ≤ 32 values of dx are
// held in Z0 and Z1 while, for k < kk in turn, row k of the channel
// (ohw ≤ 32 values from cols[(c·kk+k)·ld]) is permuted to input order,
// element o taking row[inv[32k+o]], and added to the lanes o whose bit is
// set in masks[k] (the others keep their value): each element gets the
// additions of col2imTable, in its order.
TEXT ·col2imPermAVX512(SB), NOSPLIT, $0-72
	MOVQ cols+0(FP), SI
	MOVQ ld+8(FP), R8
	SHLQ $2, R8
	MOVQ dx+16(FP), DI
	MOVQ hw+24(FP), CX
	PLANEMASKS(CX, K1, K2)
	SHLQ $2, CX
	MOVQ ohw+56(FP), DX
	PLANEMASKS(DX, K3, K4)
	MOVQ nc+64(FP), R9

c2iChannel:
	VMOVUPS.Z (DI), K1, Z0
	VMOVUPS.Z 64(DI), K2, Z1
	MOVQ inv+32(FP), R10
	MOVQ masks+40(FP), R11
	MOVQ kk+48(FP), R12

c2iRow:
	VMOVUPS.Z (SI), K3, Z4
	VMOVUPS.Z 64(SI), K4, Z5
	KMOVW     (R11), K5
	KMOVW     2(R11), K6
	VMOVDQU32 (R10), Z2
	VPERMI2PS Z5, Z4, Z2
	VADDPS    Z2, Z0, K5, Z0
	VMOVDQU32 64(R10), Z3
	VPERMI2PS Z5, Z4, Z3
	VADDPS    Z3, Z1, K6, Z1
	ADDQ      $128, R10
	ADDQ      $4, R11
	ADDQ      R8, SI
	DECQ      R12
	JNZ       c2iRow

	VMOVUPS Z0, K1, (DI)
	VMOVUPS Z1, K2, 64(DI)
	ADDQ    CX, DI
	DECQ    R9
	JNZ     c2iChannel
	VZEROUPPER
	RET
