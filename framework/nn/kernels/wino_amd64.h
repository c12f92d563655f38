// Shared by wino_amd64.s and wino4_amd64.s.

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
