package slotupdate

import "math"

// SampleSoftmax draws, for each connection i of n = len(idx), an index j
// with probability softmax(s[i*k : i*k+k])_j, by inverting the cumulative
// distribution at u[i] ∈ [0, 1): idx[i] is the first j whose prefix sum of
// the exponentials exceeds u[i]·total (k−1 if rounding leaves none). This is
// the sampling of the paper's probabilistic selector (PS).
//
// The arithmetic is fixed so that the AVX2 and AVX-512 kernels and the Go
// code give the same bits: e_j = Exp32(s_j − max s), and the prefix sums are taken over
// blocks of 8 (Hillis–Steele: p += p shifted by 1, then 2, then 4 places),
// each block offset by the last sum of the one before. Scores must be
// finite. len(s) ≥ n·k and len(u) ≥ n; it does not allocate for k ≤ 64.
func SampleSoftmax(idx []int32, s, u []float32, k int) {
	n := len(idx)
	if n == 0 {
		return
	}
	_, _ = s[n*k-1], u[n-1]
	// The prefix sums of one connection, or two for the AVX-512 kernel. A
	// small array: it is zeroed on every call, and PS calls this for every
	// few hundred connections.
	var buf [sampleScratch]float32
	scratch := buf[:]
	if k+8 > len(buf) {
		scratch = make([]float32, k+8)
	}
	if useAsm && k%8 == 0 {
		z := useAVX512 && zSampleWins(k)
		for lo := 0; lo < n; lo += max(1, asmBlock/k) {
			c := min(n, lo+max(1, asmBlock/k)) - lo
			sampleKernel(z, &idx[lo], &s[lo*k], &u[lo], &scratch[0], c, k)
		}
		return
	}
	sampleSoftmaxGo(idx, s, u, k, scratch)
}

// sampleScratch is the scratch SampleSoftmax gives the kernels for K ≤ 64:
// the AVX-512 kernel for K > 8 keeps the K+8 prefix sums of a second
// connection 72 values after those of the first.
const sampleScratch = 2 * (64 + 8)

// sampleSoftmaxGo is SampleSoftmax in Go; scratch holds at least k+8 values.
func sampleSoftmaxGo(idx []int32, s, u []float32, k int, scratch []float32) {
	p := scratch[:k]
	for i := range idx {
		row := s[i*k : i*k+k]
		m := row[0]
		for _, v := range row[1:] {
			m = max(m, v)
		}
		var carry float32
		for c := 0; c < k; c += 8 {
			var b [8]float32
			w := min(8, k-c)
			for j := range w {
				b[j] = Exp32(row[c+j] - m)
			}
			for j := 7; j >= 1; j-- {
				b[j] += b[j-1]
			}
			for j := 7; j >= 2; j-- {
				b[j] += b[j-2]
			}
			for j := 7; j >= 4; j-- {
				b[j] += b[j-4]
			}
			for j := range w {
				p[c+j] = b[j] + carry
			}
			carry = p[c+w-1]
		}
		target := u[i] * carry
		j := k - 1
		for q, v := range p {
			if target < v {
				j = q
				break
			}
		}
		idx[i] = int32(j)
	}
}

// Exp32 returns e^x for x ≤ 0 (x < −87 gives 0): x = n·ln2 + r with
// |r| ≤ ln2/2 (Cody–Waite, ln2 split in two), e^r by its degree-6 Taylor
// polynomial (error below 2e-7 on that interval), times 2^n built from bits.
// Every operation is a separately rounded float32 product or sum, so the
// AVX2 and AVX-512 kernels of SampleSoftmax compute the same bits.
func Exp32(x float32) float32 {
	if x < -87 {
		return 0
	}
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
	)
	n := float32(int32(x*log2e - 0.5))
	r := x - n*ln2hi - n*ln2lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720))))))
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}
