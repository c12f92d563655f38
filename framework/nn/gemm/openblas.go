//go:build openblas

package gemm

import "github.com/slotlab/slotlab/framework/nn/gemm/internal/cblas"

// With the openblas build tag (and cgo) Sgemm calls OpenBLAS's
// cblas_sgemm. OpenBLAS's thread count follows OPENBLAS_NUM_THREADS;
// whether its results are reproducible across thread counts is up to
// OpenBLAS.
func init() {
	override = openblasSgemm
	backendName = "openblas"
}

// openblasSgemm forwards a checked, non-empty Sgemm call to OpenBLAS.
func openblasSgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if k == 0 || alpha == 0 {
		// Handled here so that beta=0 never reads C and A, B may be empty.
		scaleC(m, n, beta, c, ldc)
		return
	}
	cblas.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
