//go:build amd64 && !purego

#include "textflag.h"
#include "wino_amd64.h"

DATA half<>+0(SB)/4, $0x3f000000 // 0.5
GLOBL half<>(SB), RODATA|NOPTR, $4

// func winoFiltersAVX2(w *float32, kstep int, idx *int32, wadv int, u *float32, plane, blocks int)
// The filter transform U = G g Gᵀ of winoDir.filters, eight filters at a
// time, each lane with the same operations as the Go code. In block b, lane
// l's filter is g_k = w[b·wadv + idx[l] + k·kstep], k < 9, and position pos
// of its U goes to u[pos·plane + 8b + l]; blocks > 0.
TEXT ·winoFiltersAVX2(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), SI
	MOVQ kstep+8(FP), R8
	SHLQ $2, R8
	MOVQ idx+16(FP), R9
	MOVQ wadv+24(FP), R10
	SHLQ $2, R10
	MOVQ u+32(FP), DI
	MOVQ plane+40(FP), R11
	SHLQ $2, R11             // PL: a position's stride in bytes
	MOVQ blocks+48(FP), CX
	LEAQ (DI)(R11*1), R12    // column 1
	LEAQ (DI)(R11*2), R13    // column 2
	LEAQ (R12)(R11*2), R14   // column 3
	LEAQ (R11*4), AX         // a row of U: 4 positions
	LEAQ (AX)(AX*2), BX      // three rows

fblock:
	GATHER9
	VBROADCASTSS half<>(SB), Y15

	// h = g Gᵀ: row k is [g3k, ½((g3k+g3k+1)+g3k+2), ½((g3k−g3k+1)+g3k+2), g3k+2].
	VADDPS Y1, Y0, Y9
	VADDPS Y2, Y9, Y9
	VMULPS Y15, Y9, Y9
	VSUBPS Y1, Y0, Y10
	VADDPS Y2, Y10, Y10
	VMULPS Y15, Y10, Y10  // row 0: Y0 Y9 Y10 Y2
	VADDPS Y4, Y3, Y11
	VADDPS Y5, Y11, Y11
	VMULPS Y15, Y11, Y11
	VSUBPS Y4, Y3, Y12
	VADDPS Y5, Y12, Y12
	VMULPS Y15, Y12, Y12  // row 1: Y3 Y11 Y12 Y5
	VADDPS Y7, Y6, Y13
	VADDPS Y8, Y13, Y13
	VMULPS Y15, Y13, Y13
	VSUBPS Y7, Y6, Y1
	VADDPS Y8, Y1, Y1
	VMULPS Y15, Y1, Y1    // row 2: Y6 Y13 Y1 Y8

	// U = G h, column j from h0 = row0[j], h1 = row1[j], h2 = row2[j]:
	// positions j, 4+j, 8+j, 12+j get h0, ½((h0+h1)+h2), ½((h0−h1)+h2), h2.
#define UCOL(h0, h1, h2, P) \
	VMOVUPS h0, (P);          \
	VADDPS  h1, h0, Y4;       \
	VADDPS  h2, Y4, Y4;       \
	VMULPS  Y15, Y4, Y4;      \
	VMOVUPS Y4, (P)(AX*1);    \
	VSUBPS  h1, h0, Y7;       \
	VADDPS  h2, Y7, Y7;       \
	VMULPS  Y15, Y7, Y7;      \
	VMOVUPS Y7, (P)(AX*2);    \
	VMOVUPS h2, (P)(BX*1)

	UCOL(Y0, Y3, Y6, DI)
	UCOL(Y9, Y11, Y13, R12)
	UCOL(Y10, Y12, Y1, R13)
	UCOL(Y2, Y5, Y8, R14)
#undef UCOL

	ADDQ R10, SI
	ADDQ $32, DI
	ADDQ $32, R12
	ADDQ $32, R13
	ADDQ $32, R14
	DECQ CX
	JNZ  fblock
	VZEROUPPER
	RET

// func winoPairsAVX2(s0, s1, y *float32, ys, rows, n int)
// y[r·ys + 2q] = s0[r·n + q] and y[r·ys + 2q+1] = s1[r·n + q] for r < rows,
// q < n: a row of tiles' outputs, two columns, interleaved into an output
// row. rows, n > 0.
TEXT ·winoPairsAVX2(SB), NOSPLIT, $0-48
	MOVQ s0+0(FP), SI
	MOVQ s1+8(FP), DX
	MOVQ y+16(FP), DI
	MOVQ ys+24(FP), R8
	SHLQ $2, R8
	MOVQ rows+32(FP), CX
	MOVQ n+40(FP), R9
	MOVQ R9, R10
	SUBQ $8, R10 // last start of an 8-wide step
	MOVQ R9, R11
	SUBQ $4, R11 // of a 4-wide step
	MOVQ R9, BX
	SUBQ $2, BX  // of a 2-wide step

prow:
	XORQ AX, AX

p8:
	CMPQ       AX, R10
	JGT        p4
	VMOVUPS    (SI)(AX*4), Y0
	VMOVUPS    (DX)(AX*4), Y1
	VUNPCKLPS  Y1, Y0, Y2             // a0 b0 a1 b1 | a4 b4 a5 b5
	VUNPCKHPS  Y1, Y0, Y3             // a2 b2 a3 b3 | a6 b6 a7 b7
	VPERM2F128 $0x20, Y3, Y2, Y4
	VPERM2F128 $0x31, Y3, Y2, Y5
	VMOVUPS    Y4, (DI)(AX*8)
	VMOVUPS    Y5, 32(DI)(AX*8)
	ADDQ       $8, AX
	JMP        p8

p4:
	CMPQ      AX, R11
	JGT       p2
	VMOVUPS   (SI)(AX*4), X0
	VMOVUPS   (DX)(AX*4), X1
	VUNPCKLPS X1, X0, X2
	VUNPCKHPS X1, X0, X3
	VMOVUPS   X2, (DI)(AX*8)
	VMOVUPS   X3, 16(DI)(AX*8)
	ADDQ      $4, AX

p2:
	CMPQ      AX, BX
	JGT       p1
	VMOVSD    (SI)(AX*4), X0
	VMOVSD    (DX)(AX*4), X1
	VUNPCKLPS X1, X0, X2
	VMOVUPS   X2, (DI)(AX*8)
	ADDQ      $2, AX

p1:
	CMPQ AX, R9
	JGE  pnext
	MOVL (SI)(AX*4), R12
	MOVL R12, (DI)(AX*8)
	MOVL (DX)(AX*4), R12
	MOVL R12, 4(DI)(AX*8)

pnext:
	LEAQ (SI)(R9*4), SI
	LEAQ (DX)(R9*4), DX
	ADDQ R8, DI
	DECQ CX
	JNZ  prow
	VZEROUPPER
	RET

// func bnNormAVX2(x, y *float32, n int, mean, inv float32, relu uint32, planes, stride int)
// y = (x − mean)·inv elementwise, as BatchNorm.normalise; with relu all
// ones, then y = +0 where y < 0 (−0 and NaN pass), as reluAVX2. Over
// planes planes of n values each (n, planes > 0), plane p at p·stride of
// x and of y: one call per channel.
TEXT ·bnNormAVX2(SB), NOSPLIT, $0-56
	MOVQ         x+0(FP), SI
	MOVQ         y+8(FP), DI
	MOVQ         n+16(FP), CX
	VBROADCASTSS mean+24(FP), Y14
	VBROADCASTSS inv+28(FP), Y15
	VBROADCASTSS relu+32(FP), Y13
	MOVQ         planes+40(FP), R9
	MOVQ         stride+48(FP), R10
	SHLQ         $2, R10
	VXORPS       Y12, Y12, Y12
	MOVQ         CX, BX
	SUBQ         $16, BX
	MOVQ         CX, R8
	SUBQ         $8, R8
	MOVQ         CX, R11
	SUBQ         $4, R11

nplane:
	XORQ AX, AX

n16:
	CMPQ    AX, BX
	JGT     n8
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS 32(SI)(AX*4), Y1
	VSUBPS  Y14, Y0, Y0
	VSUBPS  Y14, Y1, Y1
	VMULPS  Y15, Y0, Y0
	VMULPS  Y15, Y1, Y1
	VCMPPS  $1, Y12, Y0, Y2 // Y2 = y < 0 (false for NaN)
	VCMPPS  $1, Y12, Y1, Y3
	VANDPS  Y13, Y2, Y2     // … and the ReLU is fused
	VANDPS  Y13, Y3, Y3
	VANDNPS Y0, Y2, Y0      // Y0 = ¬Y2 ∧ y
	VANDNPS Y1, Y3, Y1
	VMOVUPS Y0, (DI)(AX*4)
	VMOVUPS Y1, 32(DI)(AX*4)
	ADDQ    $16, AX
	JMP     n16

n8:
	CMPQ    AX, R8
	JGT     n4
	VMOVUPS (SI)(AX*4), Y0
	VSUBPS  Y14, Y0, Y0
	VMULPS  Y15, Y0, Y0
	VCMPPS  $1, Y12, Y0, Y2
	VANDPS  Y13, Y2, Y2
	VANDNPS Y0, Y2, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX

n4:
	CMPQ    AX, R11
	JGT     n1
	VMOVUPS (SI)(AX*4), X0
	VSUBPS  X14, X0, X0
	VMULPS  X15, X0, X0
	VCMPPS  $1, X12, X0, X2
	VANDPS  X13, X2, X2
	VANDNPS X0, X2, X0
	VMOVUPS X0, (DI)(AX*4)
	ADDQ    $4, AX

n1:
	CMPQ    AX, CX
	JGE     nnext
	VMOVSS  (SI)(AX*4), X0
	VSUBSS  X14, X0, X0
	VMULSS  X15, X0, X0
	VCMPSS  $1, X12, X0, X2
	VANDPS  X13, X2, X2
	VANDNPS X0, X2, X0
	VMOVSS  X0, (DI)(AX*4)
	INCQ    AX
	JMP     n1

nnext:
	ADDQ R10, SI
	ADDQ R10, DI
	DECQ R9
	JNZ  nplane
	VZEROUPPER
	RET

// func bnBackAVX2(x, dy, dx *float32, n int, mean, inv, a, gm float32, keep uint32, planes, stride int)
// dx = ((dy − a) − ((x − mean)·inv)·g)·inv elementwise, as
// BatchNorm.backwardChannel, where dy is first replaced by +0 where x̂ =
// (x − mean)·inv is not positive unless keep is all ones (keep 0: a fused
// ReLU, as reluGradAVX2). Over planes planes of n values each (n, planes
// > 0), plane p at p·stride of x, dy and dx: one call per channel.
TEXT ·bnBackAVX2(SB), NOSPLIT, $0-72
	MOVQ         x+0(FP), SI
	MOVQ         dy+8(FP), DX
	MOVQ         dx+16(FP), DI
	MOVQ         n+24(FP), CX
	VBROADCASTSS mean+32(FP), Y12
	VBROADCASTSS inv+36(FP), Y13
	VBROADCASTSS a+40(FP), Y14
	VBROADCASTSS gm+44(FP), Y15
	VBROADCASTSS keep+48(FP), Y11
	MOVQ         planes+56(FP), R9
	MOVQ         stride+64(FP), R10
	SHLQ         $2, R10
	VXORPS       Y10, Y10, Y10
	MOVQ         CX, BX
	SUBQ         $16, BX
	MOVQ         CX, R8
	SUBQ         $8, R8
	MOVQ         CX, R11
	SUBQ         $4, R11

bplane:
	XORQ AX, AX

b16:
	CMPQ    AX, BX
	JGT     b8
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS 32(SI)(AX*4), Y1
	VMOVUPS (DX)(AX*4), Y2
	VMOVUPS 32(DX)(AX*4), Y3
	VSUBPS  Y12, Y0, Y0
	VSUBPS  Y12, Y1, Y1
	VMULPS  Y13, Y0, Y0
	VMULPS  Y13, Y1, Y1
	VCMPPS  $14, Y10, Y0, Y4 // Y4 = x̂ > 0 (false for NaN)
	VCMPPS  $14, Y10, Y1, Y5
	VORPS   Y11, Y4, Y4      // … or no ReLU
	VORPS   Y11, Y5, Y5
	VANDPS  Y4, Y2, Y2
	VANDPS  Y5, Y3, Y3
	VMULPS  Y15, Y0, Y0
	VMULPS  Y15, Y1, Y1
	VSUBPS  Y14, Y2, Y2
	VSUBPS  Y14, Y3, Y3
	VSUBPS  Y0, Y2, Y2
	VSUBPS  Y1, Y3, Y3
	VMULPS  Y13, Y2, Y2
	VMULPS  Y13, Y3, Y3
	VMOVUPS Y2, (DI)(AX*4)
	VMOVUPS Y3, 32(DI)(AX*4)
	ADDQ    $16, AX
	JMP     b16

b8:
	CMPQ    AX, R8
	JGT     b4
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS (DX)(AX*4), Y2
	VSUBPS  Y12, Y0, Y0
	VMULPS  Y13, Y0, Y0
	VCMPPS  $14, Y10, Y0, Y4
	VORPS   Y11, Y4, Y4
	VANDPS  Y4, Y2, Y2
	VMULPS  Y15, Y0, Y0
	VSUBPS  Y14, Y2, Y2
	VSUBPS  Y0, Y2, Y2
	VMULPS  Y13, Y2, Y2
	VMOVUPS Y2, (DI)(AX*4)
	ADDQ    $8, AX

b4:
	CMPQ    AX, R11
	JGT     b1
	VMOVUPS (SI)(AX*4), X0
	VMOVUPS (DX)(AX*4), X2
	VSUBPS  X12, X0, X0
	VMULPS  X13, X0, X0
	VCMPPS  $14, X10, X0, X4
	VORPS   X11, X4, X4
	VANDPS  X4, X2, X2
	VMULPS  X15, X0, X0
	VSUBPS  X14, X2, X2
	VSUBPS  X0, X2, X2
	VMULPS  X13, X2, X2
	VMOVUPS X2, (DI)(AX*4)
	ADDQ    $4, AX

b1:
	CMPQ    AX, CX
	JGE     bnext
	VMOVSS  (SI)(AX*4), X0
	VMOVSS  (DX)(AX*4), X2
	VSUBSS  X12, X0, X0
	VMULSS  X13, X0, X0
	VCMPSS  $14, X10, X0, X4
	VORPS   X11, X4, X4
	VANDPS  X4, X2, X2
	VMULSS  X15, X0, X0
	VSUBSS  X14, X2, X2
	VSUBSS  X0, X2, X2
	VMULSS  X13, X2, X2
	VMOVSS  X2, (DI)(AX*4)
	INCQ    AX
	JMP     b1

bnext:
	ADDQ R10, SI
	ADDQ R10, DX
	ADDQ R10, DI
	DECQ R9
	JNZ  bplane
	VZEROUPPER
	RET

// func winoPlaneIn4AVX2(x *float32, ld, rows, n int, e *float32, t int)
// winoRowIn4 on every row of tiles of a plane: for r < rows and k < 4,
// the row x[(2r+k)·ld:] gives tiles q < n of e[(4k+j)·t + r·n + q], j < 4
// (winoDir.rowsIn); rows, n > 0.
TEXT ·winoPlaneIn4AVX2(SB), NOSPLIT, $24-48
	MOVQ x+0(FP), BX
	MOVQ ld+8(FP), CX
	SHLQ $2, CX
	MOVQ rows+16(FP), AX
	MOVQ AX, 16(SP)
	MOVQ n+24(FP), R12
	MOVQ e+32(FP), R8
	MOVQ R8, 8(SP)
	MOVQ t+40(FP), DX
	SHLQ $2, DX

plrow:
	MOVQ BX, 0(SP) // row 2r
	MOVQ 8(SP), R8 // e at r·n
	MOVQ $4, AX

plk:
	MOVQ BX, SI
	LEAQ (R8)(DX*1), R9
	LEAQ (R8)(DX*2), R10
	LEAQ (R9)(DX*2), R11
	XORQ R13, R13
	MOVQ R12, R14
	SUBQ $8, R14

plin8:
	CMPQ    R13, R14
	JGT     plin4
	LEAQ    (SI)(R13*8), DI // &x[2q]
	VMOVUPS (DI), Y0        // x[2q..2q+7]
	VMOVUPS 32(DI), Y1      // x[2q+8..2q+15]
	VMOVUPS 8(DI), Y2       // x[2q+2..2q+9]
	VMOVUPS 40(DI), Y3      // x[2q+10..2q+17]
	VSHUFPS $0x88, Y1, Y0, Y4
	VSHUFPS $0xDD, Y1, Y0, Y5
	VSHUFPS $0x88, Y3, Y2, Y6
	VSHUFPS $0xDD, Y3, Y2, Y7
	VPERMPD $0xD8, Y4, Y4   // a0
	VPERMPD $0xD8, Y5, Y5   // a1
	VPERMPD $0xD8, Y6, Y6   // a2
	VPERMPD $0xD8, Y7, Y7   // a3
	VSUBPS  Y6, Y4, Y8
	VADDPS  Y6, Y5, Y9
	VSUBPS  Y5, Y6, Y10
	VSUBPS  Y7, Y5, Y11
	VMOVUPS Y8, (R8)(R13*4)
	VMOVUPS Y9, (R9)(R13*4)
	VMOVUPS Y10, (R10)(R13*4)
	VMOVUPS Y11, (R11)(R13*4)
	ADDQ    $8, R13
	JMP     plin8

plin4:
	MOVQ    R12, R14
	SUBQ    $4, R14
	CMPQ    R13, R14
	JGT     plin1
	LEAQ    (SI)(R13*8), DI
	VMOVUPS (DI), X0        // x[2q..2q+3]
	VMOVUPS 16(DI), X1      // x[2q+4..2q+7]
	VMOVUPS 8(DI), X2       // x[2q+2..2q+5]
	VMOVUPS 24(DI), X3      // x[2q+6..2q+9]
	VSHUFPS $0x88, X1, X0, X4
	VSHUFPS $0xDD, X1, X0, X5
	VSHUFPS $0x88, X3, X2, X6
	VSHUFPS $0xDD, X3, X2, X7
	VSUBPS  X6, X4, X8
	VADDPS  X6, X5, X9
	VSUBPS  X5, X6, X10
	VSUBPS  X7, X5, X11
	VMOVUPS X8, (R8)(R13*4)
	VMOVUPS X9, (R9)(R13*4)
	VMOVUPS X10, (R10)(R13*4)
	VMOVUPS X11, (R11)(R13*4)
	ADDQ    $4, R13

plin1:
	CMPQ   R13, R12
	JGE    plnext
	LEAQ   (SI)(R13*8), DI
	VMOVSS (DI), X0
	VMOVSS 4(DI), X1
	VMOVSS 8(DI), X2
	VMOVSS 12(DI), X3
	VSUBSS X2, X0, X4
	VADDSS X2, X1, X5
	VSUBSS X1, X2, X6
	VSUBSS X3, X1, X7
	VMOVSS X4, (R8)(R13*4)
	VMOVSS X5, (R9)(R13*4)
	VMOVSS X6, (R10)(R13*4)
	VMOVSS X7, (R11)(R13*4)
	INCQ   R13
	JMP    plin1

plnext:
	ADDQ CX, BX         // the next input row
	LEAQ (R8)(DX*4), R8 // four positions on
	DECQ AX
	JNZ  plk
	MOVQ 0(SP), BX
	LEAQ (BX)(CX*2), BX
	MOVQ 8(SP), R8
	LEAQ (R8)(R12*4), R8
	MOVQ R8, 8(SP)
	DECQ 16(SP)
	JNZ  plrow
	VZEROUPPER
	RET


// func winoGradFiltersAVX2(du *float32, plane, slab, slabs int, dw *float32, blocks int)
// winoDir.gradFilters on blocks of eight filters, each lane with the Go
// code's operations: lane l of block b sums position p of ∂U over the
// slabs, du[s·slab + p·plane + 8b + l] for s = 0, 1, …, slabs−1 in that
// order, takes rows k of h = S∂U S G from positions 4k..4k+3 (u0 + ½(u1+u2),
// ½(u1−u2), ½(u1+u2) − u3) and columns l of ∂g = Gᵀ S h from h[l], h[3+l],
// h[6+l], h[9+l] the same way, and writes its 3×3 ∂g to dw[(8b+l)·9:];
// slabs, blocks > 0.
TEXT ·winoGradFiltersAVX2(SB), NOSPLIT, $288-48
	MOVQ         du+0(FP), SI
	MOVQ         plane+8(FP), R8
	SHLQ         $2, R8
	MOVQ         slab+16(FP), R9
	SHLQ         $2, R9
	MOVQ         slabs+24(FP), R10
	MOVQ         dw+32(FP), DI
	MOVQ         blocks+40(FP), R11
	VBROADCASTSS half<>(SB), Y15

gblock:
	MOVQ SI, DX
	// row 0
	VMOVUPS (DX), Y12
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs1done
gs1:
	VADDPS  (BX), Y12, Y12
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs1
gs1done:
	ADDQ    R8, DX
	VMOVUPS (DX), Y13
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs2done
gs2:
	VADDPS  (BX), Y13, Y13
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs2
gs2done:
	ADDQ    R8, DX
	VMOVUPS (DX), Y14
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs3done
gs3:
	VADDPS  (BX), Y14, Y14
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs3
gs3done:
	ADDQ    R8, DX
	VADDPS  Y14, Y13, Y1
	VMULPS  Y15, Y1, Y1
	VADDPS  Y1, Y12, Y0
	VMOVUPS (DX), Y12
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs4done
gs4:
	VADDPS  (BX), Y12, Y12
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs4
gs4done:
	ADDQ    R8, DX
	VSUBPS  Y12, Y1, Y2
	VSUBPS  Y14, Y13, Y1
	VMULPS  Y15, Y1, Y1
	// row 1
	VMOVUPS (DX), Y12
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs5done
gs5:
	VADDPS  (BX), Y12, Y12
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs5
gs5done:
	ADDQ    R8, DX
	VMOVUPS (DX), Y13
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs6done
gs6:
	VADDPS  (BX), Y13, Y13
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs6
gs6done:
	ADDQ    R8, DX
	VMOVUPS (DX), Y14
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs7done
gs7:
	VADDPS  (BX), Y14, Y14
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs7
gs7done:
	ADDQ    R8, DX
	VADDPS  Y14, Y13, Y4
	VMULPS  Y15, Y4, Y4
	VADDPS  Y4, Y12, Y3
	VMOVUPS (DX), Y12
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs8done
gs8:
	VADDPS  (BX), Y12, Y12
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs8
gs8done:
	ADDQ    R8, DX
	VSUBPS  Y12, Y4, Y5
	VSUBPS  Y14, Y13, Y4
	VMULPS  Y15, Y4, Y4
	// row 2
	VMOVUPS (DX), Y12
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs9done
gs9:
	VADDPS  (BX), Y12, Y12
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs9
gs9done:
	ADDQ    R8, DX
	VMOVUPS (DX), Y13
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs10done
gs10:
	VADDPS  (BX), Y13, Y13
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs10
gs10done:
	ADDQ    R8, DX
	VMOVUPS (DX), Y14
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs11done
gs11:
	VADDPS  (BX), Y14, Y14
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs11
gs11done:
	ADDQ    R8, DX
	VADDPS  Y14, Y13, Y7
	VMULPS  Y15, Y7, Y7
	VADDPS  Y7, Y12, Y6
	VMOVUPS (DX), Y12
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs12done
gs12:
	VADDPS  (BX), Y12, Y12
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs12
gs12done:
	ADDQ    R8, DX
	VSUBPS  Y12, Y7, Y8
	VSUBPS  Y14, Y13, Y7
	VMULPS  Y15, Y7, Y7
	// row 3
	VMOVUPS (DX), Y12
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs13done
gs13:
	VADDPS  (BX), Y12, Y12
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs13
gs13done:
	ADDQ    R8, DX
	VMOVUPS (DX), Y13
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs14done
gs14:
	VADDPS  (BX), Y13, Y13
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs14
gs14done:
	ADDQ    R8, DX
	VMOVUPS (DX), Y14
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs15done
gs15:
	VADDPS  (BX), Y14, Y14
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs15
gs15done:
	ADDQ    R8, DX
	VADDPS  Y14, Y13, Y10
	VMULPS  Y15, Y10, Y10
	VADDPS  Y10, Y12, Y9
	VMOVUPS (DX), Y12
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      gs16done
gs16:
	VADDPS  (BX), Y12, Y12
	ADDQ    R9, BX
	DECQ    CX
	JNZ     gs16
gs16done:
	ADDQ    R8, DX
	VSUBPS  Y12, Y10, Y11
	VSUBPS  Y14, Y13, Y10
	VMULPS  Y15, Y10, Y10
	// ∂g element k of every lane goes to k·32(SP) until the transpose.
	// column 0
	VADDPS  Y6, Y3, Y12
	VMULPS  Y15, Y12, Y12
	VADDPS  Y12, Y0, Y13
	VMOVUPS Y13, 0(SP)
	VSUBPS  Y9, Y12, Y13
	VMOVUPS Y13, 192(SP)
	VSUBPS  Y6, Y3, Y12
	VMULPS  Y15, Y12, Y12
	VMOVUPS Y12, 96(SP)
	// column 1
	VADDPS  Y7, Y4, Y12
	VMULPS  Y15, Y12, Y12
	VADDPS  Y12, Y1, Y13
	VMOVUPS Y13, 32(SP)
	VSUBPS  Y10, Y12, Y13
	VMOVUPS Y13, 224(SP)
	VSUBPS  Y7, Y4, Y12
	VMULPS  Y15, Y12, Y12
	VMOVUPS Y12, 128(SP)
	// column 2
	VADDPS  Y8, Y5, Y12
	VMULPS  Y15, Y12, Y12
	VADDPS  Y12, Y2, Y13
	VMOVUPS Y13, 64(SP)
	VSUBPS  Y11, Y12, Y13
	VMOVUPS Y13, 256(SP)
	VSUBPS  Y8, Y5, Y12
	VMULPS  Y15, Y12, Y12
	VMOVUPS Y12, 160(SP)

	// dw[(8b+l)·9 + k] = element k of lane l.
	XORQ AX, AX
	MOVQ DI, BX

gout:
	MOVL 0(SP)(AX*4), CX
	MOVL CX, 0(BX)
	MOVL 32(SP)(AX*4), CX
	MOVL CX, 4(BX)
	MOVL 64(SP)(AX*4), CX
	MOVL CX, 8(BX)
	MOVL 96(SP)(AX*4), CX
	MOVL CX, 12(BX)
	MOVL 128(SP)(AX*4), CX
	MOVL CX, 16(BX)
	MOVL 160(SP)(AX*4), CX
	MOVL CX, 20(BX)
	MOVL 192(SP)(AX*4), CX
	MOVL CX, 24(BX)
	MOVL 224(SP)(AX*4), CX
	MOVL CX, 28(BX)
	MOVL 256(SP)(AX*4), CX
	MOVL CX, 32(BX)
	ADDQ $36, BX
	INCQ AX
	CMPQ AX, $8
	JLT  gout

	ADDQ $32, SI
	ADDQ $288, DI
	DECQ R11
	JNZ  gblock
	VZEROUPPER
	RET

// func bnSum4AVX2(x *float32, stride, n int, mean float64, sq bool, out *float64, groups int)
// The four partial sums of sum64 (sq false) or sumSq64 (sq true) over the
// first n elements (n > 0, a multiple of 4) of 4·groups planes (groups >
// 0), plane p at x + p·stride: out[4p+l] = Σ float64(plane p[4i+l]) or
// Σ (float64(plane p[4i+l]) − mean)², the product rounded before the add,
// in order of i: one lane per partial sum, as those loops. Four planes at
// a time, so that four chains of dependent adds are in flight.
TEXT ·bnSum4AVX2(SB), NOSPLIT, $0-56
	MOVQ         x+0(FP), SI
	MOVQ         stride+8(FP), BX
	SHLQ         $2, BX
	MOVQ         n+16(FP), CX
	VBROADCASTSD mean+24(FP), Y8
	MOVBLZX      sq+32(FP), DX
	MOVQ         out+40(FP), DI
	MOVQ         groups+48(FP), R11

sgroup:
	LEAQ   (SI)(BX*1), R8
	LEAQ   (R8)(BX*1), R9
	LEAQ   (R9)(BX*1), R10
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ   AX, AX
	TESTQ  DX, DX
	JNZ    q4

s4:
	VCVTPS2PD (SI)(AX*4), Y4
	VCVTPS2PD (R8)(AX*4), Y5
	VCVTPS2PD (R9)(AX*4), Y6
	VCVTPS2PD (R10)(AX*4), Y7
	VADDPD    Y4, Y0, Y0
	VADDPD    Y5, Y1, Y1
	VADDPD    Y6, Y2, Y2
	VADDPD    Y7, Y3, Y3
	ADDQ      $4, AX
	CMPQ      AX, CX
	JLT       s4
	JMP       sdone

q4:
	VCVTPS2PD (SI)(AX*4), Y4
	VCVTPS2PD (R8)(AX*4), Y5
	VCVTPS2PD (R9)(AX*4), Y6
	VCVTPS2PD (R10)(AX*4), Y7
	VSUBPD    Y8, Y4, Y4
	VSUBPD    Y8, Y5, Y5
	VSUBPD    Y8, Y6, Y6
	VSUBPD    Y8, Y7, Y7
	VMULPD    Y4, Y4, Y4
	VMULPD    Y5, Y5, Y5
	VMULPD    Y6, Y6, Y6
	VMULPD    Y7, Y7, Y7
	VADDPD    Y4, Y0, Y0
	VADDPD    Y5, Y1, Y1
	VADDPD    Y6, Y2, Y2
	VADDPD    Y7, Y3, Y3
	ADDQ      $4, AX
	CMPQ      AX, CX
	JLT       q4

sdone:
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	ADDQ    $128, DI
	LEAQ    (R10)(BX*1), SI
	DECQ    R11
	JNZ     sgroup
	VZEROUPPER
	RET

// func bnDyXhat4AVX2(x, dy *float32, stride, n int, mean, inv float32, keep uint32, out *float64, groups int)
// The partial sums of sumDyXhat64 over the first n elements (n > 0, even)
// of 4·groups planes of x and dy (groups > 0), plane p at p·stride: with
// x̂ = (x − mean)·inv in float32 and d = dy, or +0 where x̂ is not
// positive unless keep is all ones, for planes 4g+2h and 4g+2h+1 (h < 2),
// out[16g+8h..+3] = Σd and out[16g+8h+4..+7] = Σfloat64(d)·float64(x̂),
// two lanes each (even and odd elements), as sumDyXhat64's a0, a1 and b0,
// b1.
TEXT ·bnDyXhat4AVX2(SB), NOSPLIT, $0-64
	MOVQ         x+0(FP), SI
	MOVQ         dy+8(FP), DX
	MOVQ         stride+16(FP), BX
	SHLQ         $2, BX
	MOVQ         n+24(FP), CX
	VBROADCASTSS mean+32(FP), X12
	VBROADCASTSS inv+36(FP), X13
	VBROADCASTSS keep+40(FP), X11
	MOVQ         out+48(FP), DI
	VXORPS       X10, X10, X10

dgroup:
	LEAQ   (SI)(BX*1), R8
	LEAQ   (R8)(BX*1), R9
	LEAQ   (R9)(BX*1), R10
	LEAQ   (DX)(BX*1), R11
	LEAQ   (R11)(BX*1), R12
	LEAQ   (R12)(BX*1), R13
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ   AX, AX

d2:
	VMOVSD    (SI)(AX*4), X0       // x, planes 0 and 1
	VMOVHPS   (R8)(AX*4), X0, X0
	VMOVSD    (DX)(AX*4), X1       // dy
	VMOVHPS   (R11)(AX*4), X1, X1
	VSUBPS    X12, X0, X0
	VMULPS    X13, X0, X0          // x̂
	VCMPPS    $14, X10, X0, X2     // x̂ > 0 (false for NaN)
	VORPS     X11, X2, X2          // … or no ReLU
	VANDPS    X2, X1, X1
	VCVTPS2PD X1, Y1
	VCVTPS2PD X0, Y0
	VADDPD    Y1, Y4, Y4
	VMULPD    Y0, Y1, Y1
	VADDPD    Y1, Y5, Y5
	VMOVSD    (R9)(AX*4), X8       // planes 2 and 3
	VMOVHPS   (R10)(AX*4), X8, X8
	VMOVSD    (R12)(AX*4), X9
	VMOVHPS   (R13)(AX*4), X9, X9
	VSUBPS    X12, X8, X8
	VMULPS    X13, X8, X8
	VCMPPS    $14, X10, X8, X3
	VORPS     X11, X3, X3
	VANDPS    X3, X9, X9
	VCVTPS2PD X9, Y9
	VCVTPS2PD X8, Y8
	VADDPD    Y9, Y6, Y6
	VMULPD    Y8, Y9, Y9
	VADDPD    Y9, Y7, Y7
	ADDQ      $2, AX
	CMPQ      AX, CX
	JLT       d2
	VMOVUPD   Y4, (DI)
	VMOVUPD   Y5, 32(DI)
	VMOVUPD   Y6, 64(DI)
	VMOVUPD   Y7, 96(DI)
	ADDQ      $128, DI
	LEAQ      (R10)(BX*1), SI
	LEAQ      (R13)(BX*1), DX
	DECQ      groups+56(FP)
	JNZ       dgroup
	VZEROUPPER
	RET
