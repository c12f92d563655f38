// Shared by wino_amd64.s, wino4_amd64.s and wino_avx512_amd64.s.

// GATHER9 loads the nine weights of eight filters, one filter per lane:
// Yk lane l = w[SI + idx[l]·4 + k·R8] (bytes), k < 9, idx at (R9). It
// uses DX, Y14 and Y15.
#define GATHER9 \
	VMOVDQU    (R9), Y14; \
	MOVQ       SI, DX; \
	VPCMPEQD   Y15, Y15, Y15; \
	VGATHERDPS Y15, (DX)(Y14*4), Y0; \
	ADDQ       R8, DX; \
	VPCMPEQD   Y15, Y15, Y15; \
	VGATHERDPS Y15, (DX)(Y14*4), Y1; \
	ADDQ       R8, DX; \
	VPCMPEQD   Y15, Y15, Y15; \
	VGATHERDPS Y15, (DX)(Y14*4), Y2; \
	ADDQ       R8, DX; \
	VPCMPEQD   Y15, Y15, Y15; \
	VGATHERDPS Y15, (DX)(Y14*4), Y3; \
	ADDQ       R8, DX; \
	VPCMPEQD   Y15, Y15, Y15; \
	VGATHERDPS Y15, (DX)(Y14*4), Y4; \
	ADDQ       R8, DX; \
	VPCMPEQD   Y15, Y15, Y15; \
	VGATHERDPS Y15, (DX)(Y14*4), Y5; \
	ADDQ       R8, DX; \
	VPCMPEQD   Y15, Y15, Y15; \
	VGATHERDPS Y15, (DX)(Y14*4), Y6; \
	ADDQ       R8, DX; \
	VPCMPEQD   Y15, Y15, Y15; \
	VGATHERDPS Y15, (DX)(Y14*4), Y7; \
	ADDQ       R8, DX; \
	VPCMPEQD   Y15, Y15, Y15; \
	VGATHERDPS Y15, (DX)(Y14*4), Y8

// LOWMASK sets mask register k to the low n bits, n < 64 in a register:
// r = (1<<n) − 1, kept for further shifts (SHLX: BMI2, which the AVX-512
// path requires).
#define LOWMASK(n, r, k) \
	MOVQ  $1, r;    \
	SHLXQ n, r, r;  \
	DECQ  r;        \
	KMOVW r, k

// T6 transposes x0..x35 (Y0..Y3 = x0..x31, Y4..Y7 = x4..x35) into
// a0..a3 in Y0..Y3 and a4, a5 in Y14, Y15: a_l lane q = x[4q+l] (the
// 8-wide steps of winoPlaneIn6AVX2 and winoPlaneIn6AVX512); Y4..Y13 are
// scratch.
#define T6 \
	VPERM2F128 $0x20, Y6, Y4, Y8;  \
	VPERM2F128 $0x31, Y6, Y4, Y9;  \
	VPERM2F128 $0x20, Y7, Y5, Y10; \
	VPERM2F128 $0x31, Y7, Y5, Y11; \
	VUNPCKLPS  Y9, Y8, Y12;        \
	VUNPCKLPS  Y11, Y10, Y13;      \
	VUNPCKLPD  Y13, Y12, Y14;      \
	VUNPCKHPD  Y13, Y12, Y15;      \
	VPERM2F128 $0x20, Y2, Y0, Y8;  \
	VPERM2F128 $0x31, Y2, Y0, Y9;  \
	VPERM2F128 $0x20, Y3, Y1, Y10; \
	VPERM2F128 $0x31, Y3, Y1, Y11; \
	VUNPCKLPS  Y9, Y8, Y4;         \
	VUNPCKHPS  Y9, Y8, Y5;         \
	VUNPCKLPS  Y11, Y10, Y6;       \
	VUNPCKHPS  Y11, Y10, Y7;       \
	VUNPCKLPD  Y6, Y4, Y0;         \
	VUNPCKHPD  Y6, Y4, Y1;         \
	VUNPCKLPD  Y7, Y5, Y2;         \
	VUNPCKHPD  Y7, Y5, Y3
