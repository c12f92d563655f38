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
// (where useAVX512 is set): those where they measured faster than the AVX2
// kernel (see below), or every K they take while zEverywhere is set.
func zSampleWins(k int) bool {
	if k > 64 {
		return false
	}
	return zEverywhere
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
