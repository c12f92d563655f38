package gemm

import "testing"

// BenchmarkKernel6x16 measures the assembly micro-kernel alone on
// L1-resident panels: the ceiling of the blocked algorithm on one core.
func BenchmarkKernel6x16(b *testing.B) {
	if !hasAVX2 {
		b.Skip("no AVX2")
	}
	const kb = 256
	ap := make([]float32, 6*kb)
	bp := make([]float32, 16*kb)
	c := make([]float32, 6*16)
	for b.Loop() {
		kernel6x16(kb, &ap[0], &bp[0], &c[0], 16, 1, 1, modeBeta1, 1)
	}
	b.ReportMetric(2*6*16*kb*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
