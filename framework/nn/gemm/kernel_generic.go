package gemm

// Register tile of the portable micro-kernel: 2×4 keeps its eight
// accumulators in registers on amd64 (bigger tiles spill), and unrolling k
// by four keeps the loop overhead low.
const (
	genericMR = 2
	genericNR = 4
)

// kernelGeneric is the portable micro-kernel: from a packed 2×kb panel of
// A and a packed kb×4 panel of B it computes the 2×4 tile
// C = alpha·A·B + beta·C (C not read when beta is 0) and stores its first
// rows×cols elements at c with row stride ldc.
func kernelGeneric(kb int, a, b, c []float32, ldc, rows, cols int, alpha, beta float32) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	a = a[:2*kb]
	b = b[:4*kb]
	p := 0
	for ; p+4 <= kb; p += 4 {
		av := (*[8]float32)(a[2*p:])
		bv := (*[16]float32)(b[4*p:])
		c00 += av[0] * bv[0]
		c01 += av[0] * bv[1]
		c02 += av[0] * bv[2]
		c03 += av[0] * bv[3]
		c10 += av[1] * bv[0]
		c11 += av[1] * bv[1]
		c12 += av[1] * bv[2]
		c13 += av[1] * bv[3]
		c00 += av[2] * bv[4]
		c01 += av[2] * bv[5]
		c02 += av[2] * bv[6]
		c03 += av[2] * bv[7]
		c10 += av[3] * bv[4]
		c11 += av[3] * bv[5]
		c12 += av[3] * bv[6]
		c13 += av[3] * bv[7]
		c00 += av[4] * bv[8]
		c01 += av[4] * bv[9]
		c02 += av[4] * bv[10]
		c03 += av[4] * bv[11]
		c10 += av[5] * bv[8]
		c11 += av[5] * bv[9]
		c12 += av[5] * bv[10]
		c13 += av[5] * bv[11]
		c00 += av[6] * bv[12]
		c01 += av[6] * bv[13]
		c02 += av[6] * bv[14]
		c03 += av[6] * bv[15]
		c10 += av[7] * bv[12]
		c11 += av[7] * bv[13]
		c12 += av[7] * bv[14]
		c13 += av[7] * bv[15]
	}
	for ; p < kb; p++ {
		av := (*[2]float32)(a[2*p:])
		bv := (*[4]float32)(b[4*p:])
		c00 += av[0] * bv[0]
		c01 += av[0] * bv[1]
		c02 += av[0] * bv[2]
		c03 += av[0] * bv[3]
		c10 += av[1] * bv[0]
		c11 += av[1] * bv[1]
		c12 += av[1] * bv[2]
		c13 += av[1] * bv[3]
	}
	acc := [2][4]float32{{c00, c01, c02, c03}, {c10, c11, c12, c13}}
	for r := range rows {
		row := c[r*ldc : r*ldc+cols]
		for j := range row {
			if beta == 0 {
				row[j] = alpha * acc[r][j]
			} else {
				row[j] = alpha*acc[r][j] + beta*row[j]
			}
		}
	}
}
