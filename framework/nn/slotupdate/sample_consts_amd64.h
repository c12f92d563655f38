// Constants of Exp32 (sample.go) for the assembly kernels of SampleSoftmax:
// sample_amd64.s (AVX2) and sample_avx512_amd64.s (AVX-512) include this
// file, so both broadcast the same bits. Each defines its own file-local
// copy (name<>).

#define BCAST(name, bits) \
	DATA name<>+0(SB)/4, $bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $4

BCAST(cLog2e, 0x3fb8aa3b)
BCAST(cHalf, 0x3f000000)
BCAST(cLn2hi, 0x3f318000)
BCAST(cLn2lo, 0xb95e8083)
BCAST(c720, 0x3ab60b61)
BCAST(c120, 0x3c088889)
BCAST(c24, 0x3d2aaaab)
BCAST(c6, 0x3e2aaaab)
BCAST(cOne, 0x3f800000)
BCAST(cM87, 0xc2ae0000)
BCAST(cBias, 0x0000007f)
