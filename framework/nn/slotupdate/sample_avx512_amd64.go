//go:build amd64 && !purego

package slotupdate

// The kernels of sample_avx512_amd64.s: SampleSoftmax's AVX-512 versions,
// with the results of sampleK8nAVX2 and the Go code, bit for bit.

// sampleK8Z is SampleSoftmax for n connections of K = 8 (any n).
//
//go:noescape
func sampleK8Z(idx *int32, s, u *float32, n int)

// sampleK16nZ is SampleSoftmax for n connections of K scores, K a multiple
// of 8 from 16 to 64; scratch holds sampleScratch values.
//
//go:noescape
func sampleK16nZ(idx *int32, s, u, scratch *float32, n, k int)

// zSampleWins says for which K SampleSoftmax uses its AVX-512 kernels
// (where useAVX512 is set): every K they take, 8 to 64. Measured with
// BenchmarkSampleSoftmax on an Intel Xeon (AVX-512, 2 cores, busy with
// training runs at nice 5), medians of 6 interleaved rounds, AVX2 time /
// AVX-512 time: K = 8 1.96, 16 1.49, 24 1.23, 32 1.62, 40 1.32, 48 1.66,
// 56 1.51, 64 1.75 (against the AVX2 kernel of main, before its draw lost
// its branch: 1.65 to 2.52); docs/perf/sample-avx512-vs-avx2.txt. Each is
// above the 1.10 a kernel must gain to be used. Past K = 64 there is no
// AVX-512 kernel (the draw gathers its compares into one 64-bit word).
func zSampleWins(k int) bool {
	return k <= 64
}

// sampleKernel calls the sampling kernel for K, a multiple of 8: the
// AVX-512 one if z, else the AVX2 one; scratch holds sampleScratch values
// or K+8, whichever is more.
func sampleKernel(z bool, ip *int32, sp, up, scratch *float32, c, k int) {
	switch {
	case z && k == 8:
		sampleK8Z(ip, sp, up, c)
	case z:
		sampleK16nZ(ip, sp, up, scratch, c, k)
	default:
		sampleK8nAVX2(ip, sp, up, scratch, c, k)
	}
}
