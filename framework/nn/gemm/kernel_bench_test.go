package gemm

import "testing"

// BenchmarkKernel6x16 measures the AVX2 micro-kernel alone on L1-resident
// panels: the ceiling of the blocked algorithm on one core.
func BenchmarkKernel6x16(b *testing.B) {
	if !hasAVX2 {
		b.Skip("this CPU (or build) has no AVX2+FMA kernel")
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

// BenchmarkKernel12x32Z measures the AVX-512F micro-kernel Sgemm uses
// inside C alone, like BenchmarkKernel6x16.
func BenchmarkKernel12x32Z(b *testing.B) {
	if !hasAVX512 {
		b.Skip("this CPU (or build) has no AVX-512F kernel")
	}
	const kb = 256
	ap := make([]float32, 12*kb)
	bp := make([]float32, 32*kb)
	c := make([]float32, 12*32)
	for b.Loop() {
		kernel12x32Z(kb, &ap[0], &bp[0], &c[0], 32, 1, 1, modeBeta1, 1)
	}
	b.ReportMetric(2*12*32*kb*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkKernel6x32Z measures the 6-row AVX-512F kernel.
func BenchmarkKernel6x32Z(b *testing.B) {
	if !hasAVX512 {
		b.Skip("this CPU (or build) has no AVX-512F kernel")
	}
	const kb = 256
	ap := make([]float32, 6*kb)
	bp := make([]float32, 32*kb)
	c := make([]float32, 6*32)
	for b.Loop() {
		kernel6x32Z(kb, &ap[0], &bp[0], &c[0], 32, 1, 1, modeBeta1, 1)
	}
	b.ReportMetric(2*6*32*kb*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
