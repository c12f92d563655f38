//go:build amd64 && !purego

#include "textflag.h"
#include "wino_amd64.h"

// Winograd F(4×4, 3×3)'s transforms (winograd4.go) in AVX2: each lane does
// the Go code's operations in its order (winoG6, winoB6, winoA4), with no
// fused multiply-adds, so that both give the same bits.

// 0.25 in eight lanes
DATA w4quarter<>+0(SB)/4, $0x3e800000
DATA w4quarter<>+4(SB)/4, $0x3e800000
DATA w4quarter<>+8(SB)/4, $0x3e800000
DATA w4quarter<>+12(SB)/4, $0x3e800000
DATA w4quarter<>+16(SB)/4, $0x3e800000
DATA w4quarter<>+20(SB)/4, $0x3e800000
DATA w4quarter<>+24(SB)/4, $0x3e800000
DATA w4quarter<>+28(SB)/4, $0x3e800000
GLOBL w4quarter<>(SB), RODATA|NOPTR, $32

// −1/6 in eight lanes
DATA w4c6n<>+0(SB)/4, $0xbe2aaaab
DATA w4c6n<>+4(SB)/4, $0xbe2aaaab
DATA w4c6n<>+8(SB)/4, $0xbe2aaaab
DATA w4c6n<>+12(SB)/4, $0xbe2aaaab
DATA w4c6n<>+16(SB)/4, $0xbe2aaaab
DATA w4c6n<>+20(SB)/4, $0xbe2aaaab
DATA w4c6n<>+24(SB)/4, $0xbe2aaaab
DATA w4c6n<>+28(SB)/4, $0xbe2aaaab
GLOBL w4c6n<>(SB), RODATA|NOPTR, $32

// 1/6 in eight lanes
DATA w4c6<>+0(SB)/4, $0x3e2aaaab
DATA w4c6<>+4(SB)/4, $0x3e2aaaab
DATA w4c6<>+8(SB)/4, $0x3e2aaaab
DATA w4c6<>+12(SB)/4, $0x3e2aaaab
DATA w4c6<>+16(SB)/4, $0x3e2aaaab
DATA w4c6<>+20(SB)/4, $0x3e2aaaab
DATA w4c6<>+24(SB)/4, $0x3e2aaaab
DATA w4c6<>+28(SB)/4, $0x3e2aaaab
GLOBL w4c6<>(SB), RODATA|NOPTR, $32

// 1/12 in eight lanes
DATA w4c12<>+0(SB)/4, $0x3daaaaab
DATA w4c12<>+4(SB)/4, $0x3daaaaab
DATA w4c12<>+8(SB)/4, $0x3daaaaab
DATA w4c12<>+12(SB)/4, $0x3daaaaab
DATA w4c12<>+16(SB)/4, $0x3daaaaab
DATA w4c12<>+20(SB)/4, $0x3daaaaab
DATA w4c12<>+24(SB)/4, $0x3daaaaab
DATA w4c12<>+28(SB)/4, $0x3daaaaab
GLOBL w4c12<>(SB), RODATA|NOPTR, $32

// 1/24 in eight lanes
DATA w4c24<>+0(SB)/4, $0x3d2aaaab
DATA w4c24<>+4(SB)/4, $0x3d2aaaab
DATA w4c24<>+8(SB)/4, $0x3d2aaaab
DATA w4c24<>+12(SB)/4, $0x3d2aaaab
DATA w4c24<>+16(SB)/4, $0x3d2aaaab
DATA w4c24<>+20(SB)/4, $0x3d2aaaab
DATA w4c24<>+24(SB)/4, $0x3d2aaaab
DATA w4c24<>+28(SB)/4, $0x3d2aaaab
GLOBL w4c24<>(SB), RODATA|NOPTR, $32

// 2 in eight lanes
DATA w4two<>+0(SB)/4, $0x40000000
DATA w4two<>+4(SB)/4, $0x40000000
DATA w4two<>+8(SB)/4, $0x40000000
DATA w4two<>+12(SB)/4, $0x40000000
DATA w4two<>+16(SB)/4, $0x40000000
DATA w4two<>+20(SB)/4, $0x40000000
DATA w4two<>+24(SB)/4, $0x40000000
DATA w4two<>+28(SB)/4, $0x40000000
GLOBL w4two<>(SB), RODATA|NOPTR, $32

// 4 in eight lanes
DATA w4four<>+0(SB)/4, $0x40800000
DATA w4four<>+4(SB)/4, $0x40800000
DATA w4four<>+8(SB)/4, $0x40800000
DATA w4four<>+12(SB)/4, $0x40800000
DATA w4four<>+16(SB)/4, $0x40800000
DATA w4four<>+20(SB)/4, $0x40800000
DATA w4four<>+24(SB)/4, $0x40800000
DATA w4four<>+28(SB)/4, $0x40800000
GLOBL w4four<>(SB), RODATA|NOPTR, $32

// 5 in eight lanes
DATA w4five<>+0(SB)/4, $0x40a00000
DATA w4five<>+4(SB)/4, $0x40a00000
DATA w4five<>+8(SB)/4, $0x40a00000
DATA w4five<>+12(SB)/4, $0x40a00000
DATA w4five<>+16(SB)/4, $0x40a00000
DATA w4five<>+20(SB)/4, $0x40a00000
DATA w4five<>+24(SB)/4, $0x40a00000
DATA w4five<>+28(SB)/4, $0x40a00000
GLOBL w4five<>(SB), RODATA|NOPTR, $32

// 8 in eight lanes
DATA w4eight<>+0(SB)/4, $0x41000000
DATA w4eight<>+4(SB)/4, $0x41000000
DATA w4eight<>+8(SB)/4, $0x41000000
DATA w4eight<>+12(SB)/4, $0x41000000
DATA w4eight<>+16(SB)/4, $0x41000000
DATA w4eight<>+20(SB)/4, $0x41000000
DATA w4eight<>+24(SB)/4, $0x41000000
DATA w4eight<>+28(SB)/4, $0x41000000
GLOBL w4eight<>(SB), RODATA|NOPTR, $32
// IN6 is winoB6 on d0..d5 into six stores by ST (a move) to (R8),
// (R8)(DX*1), (R8)(DX*2), (R9), (R8)(DX*4), (R9)(DX*2): v0..v5. t0..t3 are
// scratch; the d are kept.
#define IN6(d0, d1, d2, d3, d4, d5, t0, t1, t2, t3, ST) \
	VMULPS w4four<>(SB), d0, t0; \
	VMULPS w4five<>(SB), d2, t1; \
	VSUBPS t1, t0, t0;           \
	VADDPS d4, t0, t0;           \
	ST     t0, (R8);             \
	VADDPS d4, d3, t0;           \
	VADDPS d2, d1, t1;           \
	VMULPS w4four<>(SB), t1, t1; \
	VSUBPS t1, t0, t0;           \
	ST     t0, (R8)(DX*1);       \
	VSUBPS d3, d4, t0;           \
	VSUBPS d2, d1, t1;           \
	VMULPS w4four<>(SB), t1, t1; \
	VADDPS t1, t0, t0;           \
	ST     t0, (R8)(DX*2);       \
	VSUBPS d2, d4, t0;           \
	VSUBPS d1, d3, t1;           \
	VMULPS w4two<>(SB), t1, t1;  \
	VADDPS t1, t0, t2;           \
	ST     t2, (R9);             \
	VSUBPS t1, t0, t3;           \
	ST     t3, (R8)(DX*4);       \
	VMULPS w4four<>(SB), d1, t0; \
	VMULPS w4five<>(SB), d3, t1; \
	VSUBPS t1, t0, t0;           \
	VADDPS d5, t0, t0;           \
	ST     t0, (R9)(DX*2)

// func wino4InAVX2(a *float32, as int, v *float32, vs, n int)
// v[j·vs + i] = (Bᵀ a_i)[j] for j < 6, i < n, where a_i = (a[k·as + i])_k;
// n > 0.
TEXT ·wino4InAVX2(SB), NOSPLIT, $0-40
	MOVQ a+0(FP), SI
	MOVQ as+8(FP), R10
	SHLQ $2, R10
	MOVQ v+16(FP), R8
	MOVQ vs+24(FP), DX
	SHLQ $2, DX
	MOVQ n+32(FP), CX
	LEAQ (SI)(R10*2), R11
	ADDQ R10, R11         // a3
	LEAQ (R8)(DX*2), R9
	ADDQ DX, R9           // v3

in8:
	CMPQ    CX, $8
	JLT     in1
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R10*1), Y1
	VMOVUPS (SI)(R10*2), Y2
	VMOVUPS (R11), Y3
	VMOVUPS (SI)(R10*4), Y4
	VMOVUPS (R11)(R10*2), Y5
	IN6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, VMOVUPS)
	ADDQ    $32, SI
	ADDQ    $32, R11
	ADDQ    $32, R8
	ADDQ    $32, R9
	SUBQ    $8, CX
	JMP     in8

in1:
	TESTQ  CX, CX
	JZ     indone
	VMOVSS (SI), X0
	VMOVSS (SI)(R10*1), X1
	VMOVSS (SI)(R10*2), X2
	VMOVSS (R11), X3
	VMOVSS (SI)(R10*4), X4
	VMOVSS (R11)(R10*2), X5
	IN6(X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, VMOVSS)
	ADDQ   $4, SI
	ADDQ   $4, R11
	ADDQ   $4, R8
	ADDQ   $4, R9
	DECQ   CX
	JMP    in1

indone:
	VZEROUPPER
	RET

// OUT4 is winoA4 on m0..m5 into four stores by ST to (R8), (R8)(DX*1),
// (R8)(DX*2), (R9): s0..s3. t0..t5 are scratch; m1 is overwritten.
#define OUT4(m0, m1, m2, m3, m4, m5, t0, t1, t2, t3, t4, t5, ST) \
	VADDPS  m2, m1, t0;             \
	VSUBPS  m2, m1, t1;             \
	VADDPS  m4, m3, t2;             \
	VSUBPS  m4, m3, t3;             \
	VADDPS  t0, m0, t4;             \
	VADDPS  t2, t4, t4;             \
	ST      t4, (R8);               \
	VMULPS  w4two<>(SB), t3, t5;    \
	VADDPS  t5, t1, t5;             \
	ST      t5, (R8)(DX*1);         \
	VMULPS  w4four<>(SB), t2, t4;   \
	VADDPS  t4, t0, t4;             \
	ST      t4, (R8)(DX*2);         \
	VMULPS  w4eight<>(SB), t3, m1;  \
	VADDPS  m1, t1, m1;             \
	VADDPS  m5, m1, m1;             \
	ST      m1, (R9)

// func wino4OutAVX2(m *float32, ms int, s *float32, ss, n int)
// s[a·ss + i] = (Aᵀ m_i)[a] for a < 4, i < n, where m_i = (m[k·ms + i])_k;
// n > 0.
TEXT ·wino4OutAVX2(SB), NOSPLIT, $0-40
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

out8:
	CMPQ    CX, $8
	JLT     out1
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R10*1), Y1
	VMOVUPS (SI)(R10*2), Y2
	VMOVUPS (R11), Y3
	VMOVUPS (SI)(R10*4), Y4
	VMOVUPS (R11)(R10*2), Y5
	OUT4(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, VMOVUPS)
	ADDQ    $32, SI
	ADDQ    $32, R11
	ADDQ    $32, R8
	ADDQ    $32, R9
	SUBQ    $8, CX
	JMP     out8

out1:
	TESTQ  CX, CX
	JZ     outdone
	VMOVSS (SI), X0
	VMOVSS (SI)(R10*1), X1
	VMOVSS (SI)(R10*2), X2
	VMOVSS (R11), X3
	VMOVSS (SI)(R10*4), X4
	VMOVSS (R11)(R10*2), X5
	OUT4(X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11, VMOVSS)
	ADDQ   $4, SI
	ADDQ   $4, R11
	ADDQ   $4, R8
	ADDQ   $4, R9
	DECQ   CX
	JMP    out1

outdone:
	VZEROUPPER
	RET

// func winoQuadsAVX2(s *float32, st int, y *float32, ys, rows, n, sn int)
// y[r·ys + 4q + b] = s[b·st + r·sn + q] for r < rows, q < n, b < 4: a row
// of tiles' outputs, four columns, interleaved into an output row; sn ≥ n
// is the tiles per row of s. rows, n > 0.
TEXT ·winoQuadsAVX2(SB), NOSPLIT, $0-56
	MOVQ s+0(FP), SI
	MOVQ st+8(FP), R8
	SHLQ $2, R8
	MOVQ y+16(FP), R12
	MOVQ ys+24(FP), R13
	SHLQ $2, R13
	MOVQ rows+32(FP), BX
	MOVQ n+40(FP), R14
	MOVQ sn+48(FP), R15
	SUBQ R14, R15
	SHLQ $2, R15          // bytes from a row's last tile read to the next row's first
	LEAQ (SI)(R8*1), DX   // column 1
	LEAQ (SI)(R8*2), R10  // column 2
	LEAQ (DX)(R8*2), R11  // column 3

qrow:
	MOVQ R12, DI
	MOVQ R14, CX

q8:
	CMPQ        CX, $8
	JLT         q4
	VMOVUPS     (SI), Y0
	VMOVUPS     (DX), Y1
	VMOVUPS     (R10), Y2
	VMOVUPS     (R11), Y3
	VUNPCKLPS   Y1, Y0, Y4  // s0 s1 of tiles 0, 1 | 4, 5
	VUNPCKHPS   Y1, Y0, Y5  // of tiles 2, 3 | 6, 7
	VUNPCKLPS   Y3, Y2, Y6  // s2 s3 of tiles 0, 1 | 4, 5
	VUNPCKHPS   Y3, Y2, Y7
	VUNPCKLPD   Y6, Y4, Y8  // tile 0 | tile 4
	VUNPCKHPD   Y6, Y4, Y9  // tile 1 | tile 5
	VUNPCKLPD   Y7, Y5, Y10 // tile 2 | tile 6
	VUNPCKHPD   Y7, Y5, Y11 // tile 3 | tile 7
	VPERM2F128  $0x20, Y9, Y8, Y0
	VPERM2F128  $0x20, Y11, Y10, Y1
	VPERM2F128  $0x31, Y9, Y8, Y2
	VPERM2F128  $0x31, Y11, Y10, Y3
	VMOVUPS     Y0, (DI)
	VMOVUPS     Y1, 32(DI)
	VMOVUPS     Y2, 64(DI)
	VMOVUPS     Y3, 96(DI)
	ADDQ        $32, SI
	ADDQ        $32, DX
	ADDQ        $32, R10
	ADDQ        $32, R11
	ADDQ        $128, DI
	SUBQ        $8, CX
	JMP         q8

q4:
	CMPQ      CX, $4
	JLT       q1
	VMOVUPS   (SI), X0
	VMOVUPS   (DX), X1
	VMOVUPS   (R10), X2
	VMOVUPS   (R11), X3
	VUNPCKLPS X1, X0, X4
	VUNPCKHPS X1, X0, X5
	VUNPCKLPS X3, X2, X6
	VUNPCKHPS X3, X2, X7
	VUNPCKLPD X6, X4, X8
	VUNPCKHPD X6, X4, X9
	VUNPCKLPD X7, X5, X10
	VUNPCKHPD X7, X5, X11
	VMOVUPS   X8, (DI)
	VMOVUPS   X9, 16(DI)
	VMOVUPS   X10, 32(DI)
	VMOVUPS   X11, 48(DI)
	ADDQ      $16, SI
	ADDQ      $16, DX
	ADDQ      $16, R10
	ADDQ      $16, R11
	ADDQ      $64, DI
	SUBQ      $4, CX

q1:
	TESTQ CX, CX
	JZ    qnext
	MOVL  (SI), AX
	MOVL  AX, (DI)
	MOVL  (DX), AX
	MOVL  AX, 4(DI)
	MOVL  (R10), AX
	MOVL  AX, 8(DI)
	MOVL  (R11), AX
	MOVL  AX, 12(DI)
	ADDQ  $4, SI
	ADDQ  $4, DX
	ADDQ  $4, R10
	ADDQ  $4, R11
	ADDQ  $16, DI
	DECQ  CX
	JMP   q1

qnext:
	ADDQ R15, SI
	ADDQ R15, DX
	ADDQ R15, R10
	ADDQ R15, R11
	ADDQ R13, R12
	DECQ BX
	JNZ  qrow
	VZEROUPPER
	RET

// func winoPlaneIn6AVX2(x *float32, ld, rows, n int, e *float32, t int)
// wino4RowIn on every row of tiles of a plane: for r < rows and k < 6, the
// row x[(4r+k)·ld:] gives tiles q < n of e[(6k+j)·t + r·n + q], j < 6
// (winoDir.rowsIn4). Its vector steps read a_l = x[4q+l] of 8 or 4 tiles
// at once by transposing 4×4 blocks, and never past the last tile's input.
// rows, n > 0.
TEXT ·winoPlaneIn6AVX2(SB), NOSPLIT, $24-48
	MOVQ x+0(FP), BX
	MOVQ ld+8(FP), CX
	SHLQ $2, CX
	MOVQ rows+16(FP), AX
	MOVQ AX, 16(SP)
	MOVQ n+24(FP), R12
	MOVQ e+32(FP), R10
	MOVQ R10, 8(SP)
	MOVQ t+40(FP), DX
	SHLQ $2, DX

p6row:
	MOVQ BX, 0(SP)  // row 4r
	MOVQ 8(SP), R10 // e at r·n
	MOVQ $6, AX

p6k:
	MOVQ BX, SI
	MOVQ R10, R8
	LEAQ (R10)(DX*2), R9
	ADDQ DX, R9          // three positions on
	MOVQ R12, R13

p6in8:
	CMPQ       R13, $8
	JLT        p6in4
	VMOVUPS    16(SI), Y4      // x4..x11
	VMOVUPS    48(SI), Y5      // x12..x19
	VMOVUPS    80(SI), Y6      // x20..x27
	VMOVUPS    112(SI), X7     // x28..x31
	VMOVSD     128(SI), X13    // x32, x33 (not past the last tile's input)
	VINSERTF128 $1, X13, Y7, Y7 // x28..x33, 0, 0
	VMOVUPS    (SI), Y0        // x0..x7
	VMOVUPS    32(SI), Y1      // x8..x15
	VMOVUPS    64(SI), Y2      // x16..x23
	VMOVUPS    96(SI), Y3      // x24..x31
	T6
	IN6(Y0, Y1, Y2, Y3, Y14, Y15, Y4, Y5, Y6, Y7, VMOVUPS)
	ADDQ       $128, SI
	ADDQ       $32, R8
	ADDQ       $32, R9
	SUBQ       $8, R13
	JMP        p6in8

p6in4:
	CMPQ      R13, $4
	JLT       p6in1
	VMOVUPS   (SI), X0       // x0..x3
	VMOVUPS   16(SI), X1     // x4..x7
	VMOVUPS   32(SI), X2     // x8..x11
	VMOVUPS   48(SI), X3     // x12..x15
	VMOVSD    64(SI), X4     // x16, x17 (not past the last tile's input)
	VUNPCKLPS X2, X1, X8     // x4 x8 x5 x9
	VUNPCKLPS X4, X3, X9     // x12 x16 x13 x17
	VUNPCKLPD X9, X8, X14    // a4
	VUNPCKHPD X9, X8, X15    // a5
	VUNPCKLPS X1, X0, X8     // x0 x4 x1 x5
	VUNPCKHPS X1, X0, X9     // x2 x6 x3 x7
	VUNPCKLPS X3, X2, X10    // x8 x12 x9 x13
	VUNPCKHPS X3, X2, X11    // x10 x14 x11 x15
	VUNPCKLPD X10, X8, X0    // a0
	VUNPCKHPD X10, X8, X1    // a1
	VUNPCKLPD X11, X9, X2    // a2
	VUNPCKHPD X11, X9, X3    // a3
	IN6(X0, X1, X2, X3, X14, X15, X4, X5, X6, X7, VMOVUPS)
	ADDQ      $64, SI
	ADDQ      $16, R8
	ADDQ      $16, R9
	SUBQ      $4, R13

p6in1:
	TESTQ  R13, R13
	JZ     p6next
	VMOVSS (SI), X0
	VMOVSS 4(SI), X1
	VMOVSS 8(SI), X2
	VMOVSS 12(SI), X3
	VMOVSS 16(SI), X14
	VMOVSS 20(SI), X15
	IN6(X0, X1, X2, X3, X14, X15, X4, X5, X6, X7, VMOVSS)
	ADDQ   $16, SI
	ADDQ   $4, R8
	ADDQ   $4, R9
	DECQ   R13
	JMP    p6in1

p6next:
	ADDQ CX, BX            // the next input row
	LEAQ (R10)(DX*4), R10
	LEAQ (R10)(DX*2), R10  // six positions on
	DECQ AX
	JNZ  p6k
	MOVQ 0(SP), BX
	LEAQ (BX)(CX*4), BX    // four input rows on
	MOVQ 8(SP), R10
	LEAQ (R10)(R12*4), R10
	MOVQ R10, 8(SP)
	DECQ 16(SP)
	JNZ  p6row
	VZEROUPPER
	RET

// G6 is winoG6 on g0, g1, g2 into six stores to D0..D5; t0..t3 are
// scratch, the g are kept.
#define G6(g0, g1, g2, t0, t1, t2, t3, D0, D1, D2, D3, D4, D5) \
	VMULPS  w4quarter<>(SB), g0, t0; \
	VMOVUPS t0, D0;                  \
	VADDPS  g1, g0, t0;              \
	VADDPS  g2, t0, t0;              \
	VMULPS  w4c6n<>(SB), t0, t0;     \
	VMOVUPS t0, D1;                  \
	VSUBPS  g1, g0, t0;              \
	VADDPS  g2, t0, t0;              \
	VMULPS  w4c6n<>(SB), t0, t0;     \
	VMOVUPS t0, D2;                  \
	VMULPS  w4c24<>(SB), g0, t0;     \
	VMULPS  w4c12<>(SB), g1, t1;     \
	VMULPS  w4c6<>(SB), g2, t2;      \
	VADDPS  t1, t0, t3;              \
	VADDPS  t2, t3, t3;              \
	VMOVUPS t3, D3;                  \
	VSUBPS  t1, t0, t3;              \
	VADDPS  t2, t3, t3;              \
	VMOVUPS t3, D4;                  \
	VMOVUPS g2, D5

// UCOL6 is column j of U = G h from h[0][j], h[1][j], h[2][j] on the
// stack, into positions 6i+j at R12 + i·BX; R12 moves to column j+1.
#define UCOL6(j) \
	VMOVUPS (j*32)(SP), Y0;      \
	VMOVUPS (192+j*32)(SP), Y1;  \
	VMOVUPS (384+j*32)(SP), Y2;  \
	LEAQ    (R12)(BX*2), R13;    \
	ADDQ    BX, R13;             \
	G6(Y0, Y1, Y2, Y9, Y10, Y11, Y12, (R12), (R12)(BX*1), (R12)(BX*2), (R13), (R12)(BX*4), (R13)(BX*2)); \
	ADDQ    R11, R12

// func wino4FiltersAVX2(w *float32, kstep int, idx *int32, wadv int, u *float32, plane, blocks int)
// The filter transform U = G g Gᵀ of winoDir.filters4, eight filters at a
// time, each lane with filterU4's operations. In block b, lane l's filter
// is g_k = w[b·wadv + idx[l] + k·kstep], k < 9, and position pos of its U
// goes to u[pos·plane + 8b + l], pos < 36; blocks > 0. h = g Gᵀ (3×6)
// goes through the stack.
TEXT ·wino4FiltersAVX2(SB), NOSPLIT, $576-56
	MOVQ w+0(FP), SI
	MOVQ kstep+8(FP), R8
	SHLQ $2, R8
	MOVQ idx+16(FP), R9
	MOVQ wadv+24(FP), R10
	SHLQ $2, R10
	MOVQ u+32(FP), DI
	MOVQ plane+40(FP), R11
	SHLQ $2, R11           // a position's stride in bytes
	MOVQ blocks+48(FP), CX
	LEAQ (R11)(R11*2), BX
	SHLQ $1, BX            // six positions: a row of U

f4block:
	GATHER9

	// h = g Gᵀ: row k is winoG6 of row k of g, at (6k+j)·32(SP).
	G6(Y0, Y1, Y2, Y9, Y10, Y11, Y12, 0(SP), 32(SP), 64(SP), 96(SP), 128(SP), 160(SP))
	G6(Y3, Y4, Y5, Y9, Y10, Y11, Y12, 192(SP), 224(SP), 256(SP), 288(SP), 320(SP), 352(SP))
	G6(Y6, Y7, Y8, Y9, Y10, Y11, Y12, 384(SP), 416(SP), 448(SP), 480(SP), 512(SP), 544(SP))

	// U = G h, column by column.
	MOVQ DI, R12
	UCOL6(0)
	UCOL6(1)
	UCOL6(2)
	UCOL6(3)
	UCOL6(4)
	UCOL6(5)

	ADDQ R10, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  f4block
	VZEROUPPER
	RET

// GRAD6 is winoGrad6 on p0..p3 into six stores by ST to (R8), (R8)(DX*1),
// (R8)(DX*2), (R9), (R8)(DX*4), (R9)(DX*2); t0..t3 are scratch, the p are
// kept.
#define GRAD6(p0, p1, p2, p3, t0, t1, t2, t3, ST) \
	ST     p0, (R8);             \
	VADDPS p2, p0, t0;           \
	VADDPS p3, p1, t1;           \
	VADDPS t1, t0, t2;           \
	ST     t2, (R8)(DX*1);       \
	VSUBPS t1, t0, t2;           \
	ST     t2, (R8)(DX*2);       \
	VMULPS w4four<>(SB), p2, t0; \
	VADDPS t0, p0, t0;           \
	VMULPS w4four<>(SB), p3, t1; \
	VADDPS t1, p1, t1;           \
	VMULPS w4two<>(SB), t1, t1;  \
	VADDPS t1, t0, t2;           \
	ST     t2, (R9);             \
	VSUBPS t1, t0, t3;           \
	ST     t3, (R8)(DX*4);       \
	ST     p3, (R9)(DX*2)

// func wino4GradAVX2(a *float32, as int, v *float32, vs, n int)
// v[j·vs + i] = (A p_i)[j] for j < 6, i < n, where p_i = (a[k·as + i])_k,
// k < 4; n > 0.
TEXT ·wino4GradAVX2(SB), NOSPLIT, $0-40
	MOVQ a+0(FP), SI
	MOVQ as+8(FP), R10
	SHLQ $2, R10
	MOVQ v+16(FP), R8
	MOVQ vs+24(FP), DX
	SHLQ $2, DX
	MOVQ n+32(FP), CX
	LEAQ (SI)(R10*2), R11
	ADDQ R10, R11         // a3
	LEAQ (R8)(DX*2), R9
	ADDQ DX, R9           // v3

gr8:
	CMPQ    CX, $8
	JLT     gr1
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R10*1), Y1
	VMOVUPS (SI)(R10*2), Y2
	VMOVUPS (R11), Y3
	GRAD6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, VMOVUPS)
	ADDQ    $32, SI
	ADDQ    $32, R11
	ADDQ    $32, R8
	ADDQ    $32, R9
	SUBQ    $8, CX
	JMP     gr8

gr1:
	TESTQ  CX, CX
	JZ     grdone
	VMOVSS (SI), X0
	VMOVSS (SI)(R10*1), X1
	VMOVSS (SI)(R10*2), X2
	VMOVSS (R11), X3
	GRAD6(X0, X1, X2, X3, X4, X5, X6, X7, VMOVSS)
	ADDQ   $4, SI
	ADDQ   $4, R11
	ADDQ   $4, R8
	ADDQ   $4, R9
	DECQ   CX
	JMP    gr1

grdone:
	VZEROUPPER
	RET

// func winoPlaneGrad6AVX2(y *float32, ld, rows, n, sn int, e *float32, t int)
// winoGrad6 on the whole tiles of the whole tile rows of a plane of ∂y:
// for r < rows and a < 4, tiles q < n of the row y[(4r+a)·ld:] (their
// p_b = y[4r+a][4q+b]) give e[(6a+j)·t + r·sn + q], j < 6
// (winoDir.rowsGrad4). The 8- and 4-wide steps transpose 4×4 blocks.
// rows, n > 0.
TEXT ·winoPlaneGrad6AVX2(SB), NOSPLIT, $24-56
	MOVQ y+0(FP), BX
	MOVQ ld+8(FP), CX
	SHLQ $2, CX
	MOVQ rows+16(FP), AX
	MOVQ AX, 16(SP)
	MOVQ n+24(FP), R12
	MOVQ sn+32(FP), R14
	MOVQ e+40(FP), R10
	MOVQ R10, 8(SP)
	MOVQ t+48(FP), DX
	SHLQ $2, DX

g6row:
	MOVQ BX, 0(SP)  // row 4r
	MOVQ 8(SP), R10 // e at r·sn
	MOVQ $4, AX

g6a:
	MOVQ BX, SI
	MOVQ R10, R8
	LEAQ (R10)(DX*2), R9
	ADDQ DX, R9          // three positions on
	MOVQ R12, R13

g6in8:
	CMPQ       R13, $8
	JLT        g6in4
	VMOVUPS    (SI), Y0           // x0..x7
	VMOVUPS    32(SI), Y1         // x8..x15
	VMOVUPS    64(SI), Y2         // x16..x23
	VMOVUPS    96(SI), Y3         // x24..x31
	VPERM2F128 $0x20, Y2, Y0, Y8  // x0..x3 | x16..x19
	VPERM2F128 $0x31, Y2, Y0, Y9  // x4..x7 | x20..x23
	VPERM2F128 $0x20, Y3, Y1, Y10 // x8..x11 | x24..x27
	VPERM2F128 $0x31, Y3, Y1, Y11 // x12..x15 | x28..x31
	VUNPCKLPS  Y9, Y8, Y4         // x0 x4 x1 x5 | …
	VUNPCKHPS  Y9, Y8, Y5         // x2 x6 x3 x7 | …
	VUNPCKLPS  Y11, Y10, Y6       // x8 x12 x9 x13 | …
	VUNPCKHPS  Y11, Y10, Y7       // x10 x14 x11 x15 | …
	VUNPCKLPD  Y6, Y4, Y0         // p0 = x[4q], q < 8
	VUNPCKHPD  Y6, Y4, Y1         // p1
	VUNPCKLPD  Y7, Y5, Y2         // p2
	VUNPCKHPD  Y7, Y5, Y3         // p3
	GRAD6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, VMOVUPS)
	ADDQ       $128, SI
	ADDQ       $32, R8
	ADDQ       $32, R9
	SUBQ       $8, R13
	JMP        g6in8

g6in4:
	CMPQ      R13, $4
	JLT       g6in1
	VMOVUPS   (SI), X0
	VMOVUPS   16(SI), X1
	VMOVUPS   32(SI), X2
	VMOVUPS   48(SI), X3
	VUNPCKLPS X1, X0, X8     // x0 x4 x1 x5
	VUNPCKHPS X1, X0, X9     // x2 x6 x3 x7
	VUNPCKLPS X3, X2, X10    // x8 x12 x9 x13
	VUNPCKHPS X3, X2, X11    // x10 x14 x11 x15
	VUNPCKLPD X10, X8, X0    // p0
	VUNPCKHPD X10, X8, X1    // p1
	VUNPCKLPD X11, X9, X2    // p2
	VUNPCKHPD X11, X9, X3    // p3
	GRAD6(X0, X1, X2, X3, X4, X5, X6, X7, VMOVUPS)
	ADDQ      $64, SI
	ADDQ      $16, R8
	ADDQ      $16, R9
	SUBQ      $4, R13

g6in1:
	TESTQ  R13, R13
	JZ     g6next
	VMOVSS (SI), X0
	VMOVSS 4(SI), X1
	VMOVSS 8(SI), X2
	VMOVSS 12(SI), X3
	GRAD6(X0, X1, X2, X3, X4, X5, X6, X7, VMOVSS)
	ADDQ   $16, SI
	ADDQ   $4, R8
	ADDQ   $4, R9
	DECQ   R13
	JMP    g6in1

g6next:
	ADDQ CX, BX            // the next row of ∂y
	LEAQ (R10)(DX*4), R10
	LEAQ (R10)(DX*2), R10  // six positions on
	DECQ AX
	JNZ  g6a
	MOVQ 0(SP), BX
	LEAQ (BX)(CX*4), BX    // four rows on
	MOVQ 8(SP), R10
	LEAQ (R10)(R14*4), R10
	MOVQ R10, 8(SP)
	DECQ 16(SP)
	JNZ  g6row
	VZEROUPPER
	RET

// GT3 is winoGt3 on u0..u5 into D0, D1, D2; t0..t5 are scratch.
#define GT3(u0, u1, u2, u3, u4, u5, t0, t1, t2, t3, t4, t5, D0, D1, D2) \
	VADDPS  u2, u1, t0;              \
	VADDPS  u4, u3, t1;              \
	VSUBPS  u2, u1, t2;              \
	VSUBPS  u4, u3, t3;              \
	VMULPS  w4c6n<>(SB), t0, t0;     \
	VMULPS  w4quarter<>(SB), u0, t4; \
	VADDPS  t0, t4, t4;              \
	VMULPS  w4c24<>(SB), t1, t5;     \
	VADDPS  t5, t4, t4;              \
	VMOVUPS t4, D0;                  \
	VMULPS  w4c6n<>(SB), t2, t4;     \
	VMULPS  w4c12<>(SB), t3, t5;     \
	VADDPS  t5, t4, t4;              \
	VMOVUPS t4, D1;                  \
	VMULPS  w4c6<>(SB), t1, t5;      \
	VADDPS  t5, t0, t4;              \
	VADDPS  u5, t4, t4;              \
	VMOVUPS t4, D2

// HROW is row k of h = ∂U G: from ∂U's positions 6k..6k+5 at 0(SP) to
// h[k][0..2] at 1152(SP).
#define HROW(k) \
	VMOVUPS ((6*k+0)*32)(SP), Y0; \
	VMOVUPS ((6*k+1)*32)(SP), Y1; \
	VMOVUPS ((6*k+2)*32)(SP), Y2; \
	VMOVUPS ((6*k+3)*32)(SP), Y3; \
	VMOVUPS ((6*k+4)*32)(SP), Y4; \
	VMOVUPS ((6*k+5)*32)(SP), Y5; \
	GT3(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, (1152+(3*k+0)*32)(SP), (1152+(3*k+1)*32)(SP), (1152+(3*k+2)*32)(SP))

// GCOL is column l of ∂g = Gᵀ h: from h[0..5][l] to ∂g[0..2][l], element
// 3k+l of ∂g at 1728+(3k+l)·32(SP).
#define GCOL(l) \
	VMOVUPS (1152+(0+l)*32)(SP), Y0;  \
	VMOVUPS (1152+(3+l)*32)(SP), Y1;  \
	VMOVUPS (1152+(6+l)*32)(SP), Y2;  \
	VMOVUPS (1152+(9+l)*32)(SP), Y3;  \
	VMOVUPS (1152+(12+l)*32)(SP), Y4; \
	VMOVUPS (1152+(15+l)*32)(SP), Y5; \
	GT3(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, (1728+(0+l)*32)(SP), (1728+(3+l)*32)(SP), (1728+(6+l)*32)(SP))

// func wino4GradFiltersAVX2(du *float32, plane, slab, slabs int, dw *float32, blocks int)
// winoDir.gradFilters4 on blocks of eight filters, each lane with the Go
// code's operations: lane l of block b sums position p of ∂U over the
// slabs, du[s·slab + p·plane + 8b + l] for s = 0, 1, …, slabs−1 in that
// order, p < 36, takes h = ∂U G and ∂g = Gᵀ h by winoGt3 and writes its
// 3×3 ∂g to dw[(8b+l)·9:]; slabs, blocks > 0. ∂U, h and ∂g go through the
// stack (36, 18 and 9 vectors), too large a frame for NOSPLIT.
TEXT ·wino4GradFiltersAVX2(SB), 0, $2016-48
	MOVQ du+0(FP), SI
	MOVQ plane+8(FP), R8
	SHLQ $2, R8           // a position's stride in bytes
	MOVQ slab+16(FP), R9
	SHLQ $2, R9           // a slab's stride in bytes
	MOVQ slabs+24(FP), R10
	MOVQ dw+32(FP), DI
	MOVQ blocks+40(FP), R11

g4block:
	// ∂U position p summed over the slabs, to p·32(SP).
	MOVQ SI, DX
	XORQ R12, R12

g4pos:
	VMOVUPS (DX), Y0
	LEAQ    (DX)(R9*1), BX
	MOVQ    R10, CX
	DECQ    CX
	JZ      g4sum

g4slab:
	VADDPS (BX), Y0, Y0
	ADDQ   R9, BX
	DECQ   CX
	JNZ    g4slab

g4sum:
	VMOVUPS Y0, 0(SP)(R12*1)
	ADDQ    R8, DX
	ADDQ    $32, R12
	CMPQ    R12, $1152
	JLT     g4pos

	HROW(0)
	HROW(1)
	HROW(2)
	HROW(3)
	HROW(4)
	HROW(5)
	GCOL(0)
	GCOL(1)
	GCOL(2)

	// dw[(8b+l)·9 + k] = element k of lane l.
	XORQ AX, AX
	MOVQ DI, BX

g4out:
	MOVL 1728(SP)(AX*4), CX
	MOVL CX, 0(BX)
	MOVL 1760(SP)(AX*4), CX
	MOVL CX, 4(BX)
	MOVL 1792(SP)(AX*4), CX
	MOVL CX, 8(BX)
	MOVL 1824(SP)(AX*4), CX
	MOVL CX, 12(BX)
	MOVL 1856(SP)(AX*4), CX
	MOVL CX, 16(BX)
	MOVL 1888(SP)(AX*4), CX
	MOVL CX, 20(BX)
	MOVL 1920(SP)(AX*4), CX
	MOVL CX, 24(BX)
	MOVL 1952(SP)(AX*4), CX
	MOVL CX, 28(BX)
	MOVL 1984(SP)(AX*4), CX
	MOVL CX, 32(BX)
	ADDQ $36, BX
	INCQ AX
	CMPQ AX, $8
	JLT  g4out

	ADDQ $32, SI
	ADDQ $288, DI
	DECQ R11
	JNZ  g4block
	VZEROUPPER
	RET
