//go:build amd64 && !purego

package slotupdate

// The kernels of factored_amd64.s.

// advanceAVX2 is Advance for n connections, n a multiple of 4.
//
//go:noescape
func advanceAVX2(y, grad *float32, n int, m *[6]float32) (ok bool)

// The selection kernels write idx and weff for n connections whose initial
// scores start at s0 and coefficients at y; w advances by wstep bytes per
// register of scores (argmaxFK2, argmaxFK4, argmaxFK8) or per connection
// (argmaxFK8n); wstep 0 reuses the same 8 (or K) weights for every
// connection. n must be a multiple of 8/K for K < 8; k is only read by
// argmaxFK8n, which handles every K that is a multiple of 8.

//go:noescape
func argmaxFK2(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)

//go:noescape
func argmaxFK4(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)

//go:noescape
func argmaxFK8(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)

//go:noescape
func argmaxFK8n(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)

// The score kernels write the n*K scores of n connections to dst, with w
// stepped as in the selection kernels (scoresK1 takes 8 connections per
// step, scoresK2 4, scoresK4 2, scoresK8n 1).

//go:noescape
func scoresK1(dst, s0, w, y *float32, n, k, wstep int, a float32)

//go:noescape
func scoresK2(dst, s0, w, y *float32, n, k, wstep int, a float32)

//go:noescape
func scoresK4(dst, s0, w, y *float32, n, k, wstep int, a float32)

//go:noescape
func scoresK8n(dst, s0, w, y *float32, n, k, wstep int, a float32)

// sel2 and sel4 map the 8-bit mask of the scores equal to their
// connection's maximum (VMOVMSKPS of one register: 4 connections of K = 2,
// or 2 of K = 4) to the selections of these connections: the lowest set bit
// of each connection's bits, 0 if none is set (all scores NaN). Read by
// argmaxFK2 and argmaxFK4.
var (
	sel2 = selTable[[4]int32](2)
	sel4 = selTable[[2]int32](4)
)

func selTable[T [4]int32 | [2]int32](k int) (t [256]T) {
	for m := range t {
		for j := range 8 / k {
			bits := m >> (j * k) & (1<<k - 1)
			for b := range k {
				if bits>>b&1 != 0 {
					t[m][j] = int32(b)
					break
				}
			}
		}
	}
	return t
}

// asmBlock is about the most scores (or, for Advance, connections) one
// assembly call handles, so that a long call does not hold off preemption
// for more than some 20 µs.
const asmBlock = 1 << 16

func advanceAsm(y, g []float32, m *[6]float32) bool {
	n := len(g)
	q := n &^ 3
	ok := true
	for lo := 0; lo < q; lo += asmBlock {
		hi := min(q, lo+asmBlock)
		mid := lo
		if useAVX512 {
			// 8 connections per step; the last 4, if any, in AVX2.
			mid = lo + (hi-lo)&^7
			if mid > lo {
				ok = advanceZ(&y[2*lo], &g[lo], mid-lo, m) && ok
			}
		}
		if mid < hi {
			ok = advanceAVX2(&y[2*mid], &g[mid], hi-mid, m) && ok
		}
	}
	if q < n {
		ok = advanceGo(y[2*q:], g[q:], m) && ok
	}
	return ok
}

// factoredGroup returns how many connections the kernels for K take per
// step, or 0 if there is no kernel for K.
func factoredGroup(k int) int {
	switch {
	case k == 1:
		return 8
	case k == 2:
		return 4
	case k == 4:
		return 2
	case k%8 == 0:
		return 1
	}
	return 0
}

// blockRows returns how many connections of K one assembly call takes: a
// multiple of the kernel's group gr, about asmBlock scores.
func blockRows(k, gr int) int {
	return max(gr, asmBlock/k/gr*gr)
}

// kernelW returns the weights pointer and the w step of the kernels for K
// and stride: for stride 0 and K < 8, the K shared weights repeated over
// one register, in rep.
func kernelW(w []float32, k, stride int, rep *[8]float32) (*float32, int) {
	if stride != 0 {
		if k >= 8 {
			return &w[0], 4 * k
		}
		return &w[0], 32
	}
	if k >= 8 {
		return &w[0], 0
	}
	for l := range rep {
		rep[l] = w[l%k]
	}
	return &rep[0], 0
}

// zWins says where the AVX-512 kernels were measured faster than the AVX2
// ones, and so are used: BenchmarkArgmaxFactored and BenchmarkWriteScores,
// AMD Zen 5, 2 cores, 5 interleaved rounds, median of AVX2 time / AVX-512
// time per round (the machine busy with another run: ranges were wide).
// Selection: K = 2 1.38, K = 4 1.55, K = 64 1.31 (used, and for every K ≥
// 32); K = 8 0.88 (shared pool 0.84) and K = 16 1.01 (not used). Writing
// the scores: 0.77–1.04 for every K but K = 2 (2.12, shared pool 0.90): not
// used. Advance (BenchmarkAdvance, 1.85×) always uses AVX-512.
func zWins(scores bool, k int) bool {
	if zEverywhere {
		return true
	}
	return !scores && (k == 2 || k == 4 || k >= 32)
}

// zEverywhere makes every AVX-512 kernel run where it can, measured faster
// or not, so that the tests check them all against the Go code.
var zEverywhere = false

// zGroup returns how many connections the AVX-512 kernels for K take per
// step (twice the AVX2 group for K < 8), or 0 if useAVX512 is off or they
// are not used for K (zWins). K = 1 has only a score kernel; no selection
// is needed.
func zGroup(scores bool, k, gr int) int {
	if !useAVX512 || gr == 0 || !zWins(scores, k) {
		return 0
	}
	if k < 8 {
		return 2 * gr
	}
	return 1
}

// argmaxFactoredAsm is ArgmaxFactored for K ≥ 2 with the kernels where K
// has one, and the Go code for the other K and the last connections.
func argmaxFactoredAsm(idx []int32, weff, s0, w, y []float32, a float32, k, stride int) {
	n := len(idx)
	gr := factoredGroup(k)
	m := 0
	if gr != 0 {
		m = n / gr * gr
	}
	zg := zGroup(false, k, gr)
	if m > 0 {
		var rep [8]float32
		rows := blockRows(k, gr)
		for lo := 0; lo < m; lo += rows {
			hi := min(m, lo+rows)
			// The AVX-512 kernel takes what it can (all of it for K ≥ 8),
			// the AVX2 kernel the last group of K < 8.
			mid := lo
			if zg != 0 {
				mid = lo + (hi-lo)/zg*zg
			}
			if mid > lo {
				wp, wstep := kernelW(w[lo*stride:], k, stride, &rep)
				argmaxKernel(true, &idx[lo], &weff[lo], &s0[lo*k], wp, &y[2*lo], mid-lo, k, wstep, a)
			}
			if mid < hi {
				wp, wstep := kernelW(w[mid*stride:], k, stride, &rep)
				argmaxKernel(false, &idx[mid], &weff[mid], &s0[mid*k], wp, &y[2*mid], hi-mid, k, wstep, a)
			}
		}
	}
	if m < n {
		argmaxFactoredGo(idx[m:], weff[m:], s0[m*k:], w[m*stride:], y[2*m:], a, k, stride)
	}
}

// argmaxKernel calls the selection kernel for K: the AVX-512 one if z,
// else the AVX2 one.
func argmaxKernel(z bool, ip *int32, fp, sp, wp, yp *float32, c, k, wstep int, a float32) {
	switch {
	case k == 2 && z:
		argmaxFK2Z(ip, fp, sp, wp, yp, c, k, wstep, a)
	case k == 2:
		argmaxFK2(ip, fp, sp, wp, yp, c, k, wstep, a)
	case k == 4 && z:
		argmaxFK4Z(ip, fp, sp, wp, yp, c, k, wstep, a)
	case k == 4:
		argmaxFK4(ip, fp, sp, wp, yp, c, k, wstep, a)
	case k == 8 && z:
		argmaxFK8Z(ip, fp, sp, wp, yp, c, k, wstep, a)
	case k == 8:
		argmaxFK8(ip, fp, sp, wp, yp, c, k, wstep, a)
	case z:
		argmaxFK8nZ(ip, fp, sp, wp, yp, c, k, wstep, a)
	default:
		argmaxFK8n(ip, fp, sp, wp, yp, c, k, wstep, a)
	}
}

// writeScoresAsm is WriteScores with the kernels where K has one; len(dst)
// = n*K.
func writeScoresAsm(dst, s0, w, y []float32, a float32, k, stride int) {
	n := len(dst) / k
	gr := factoredGroup(k)
	m := 0
	if gr != 0 {
		m = n / gr * gr
	}
	zg := zGroup(true, k, gr)
	if m > 0 {
		var rep [8]float32
		rows := blockRows(k, gr)
		for lo := 0; lo < m; lo += rows {
			hi := min(m, lo+rows)
			mid := lo
			if zg != 0 {
				mid = lo + (hi-lo)/zg*zg
			}
			if mid > lo {
				wp, wstep := kernelW(w[lo*stride:], k, stride, &rep)
				scoresKernel(true, &dst[lo*k], &s0[lo*k], wp, &y[2*lo], mid-lo, k, wstep, a)
			}
			if mid < hi {
				wp, wstep := kernelW(w[mid*stride:], k, stride, &rep)
				scoresKernel(false, &dst[mid*k], &s0[mid*k], wp, &y[2*mid], hi-mid, k, wstep, a)
			}
		}
	}
	if m < n {
		writeScoresGo(dst[m*k:], s0[m*k:], w[m*stride:], y[2*m:], a, k, stride)
	}
}

// scoresKernel calls the score kernel for K: the AVX-512 one if z, else
// the AVX2 one.
func scoresKernel(z bool, dp, sp, wp, yp *float32, c, k, wstep int, a float32) {
	switch {
	case k == 1 && z:
		scoresK1Z(dp, sp, wp, yp, c, k, wstep, a)
	case k == 1:
		scoresK1(dp, sp, wp, yp, c, k, wstep, a)
	case k == 2 && z:
		scoresK2Z(dp, sp, wp, yp, c, k, wstep, a)
	case k == 2:
		scoresK2(dp, sp, wp, yp, c, k, wstep, a)
	case k == 4 && z:
		scoresK4Z(dp, sp, wp, yp, c, k, wstep, a)
	case k == 4:
		scoresK4(dp, sp, wp, yp, c, k, wstep, a)
	case z:
		scoresK8nZ(dp, sp, wp, yp, c, k, wstep, a)
	default:
		scoresK8n(dp, sp, wp, yp, c, k, wstep, a)
	}
}

// sampleK8nAVX2 is SampleSoftmax for n connections of K scores, K a
// multiple of 8; scratch holds K values.
//
//go:noescape
func sampleK8nAVX2(idx *int32, s, u, scratch *float32, n, k int)
