//go:build amd64 && !purego

package slotupdate

import "golang.org/x/sys/cpu"

// hasAVX2 reports whether the AVX2 kernels can run here (they also use
// TZCNT, which every AVX2 processor has).
var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasBMI1

// useAsm selects the assembly kernels (the tests switch it off to run the
// Go code on the same machine).
var useAsm = hasAVX2

// The kernels of update_amd64.s. Each updates (or, with flagArgmax, only
// selects) the n connections at s, v, w, g, writing idx and weff when
// flagSelect is set, and reports whether all new scores are finite.
// lr, mu and wd are the SGD settings, flags a combination of flagNesterov,
// flagSelect and flagArgmax. w advances by wstep bytes per 8 scores
// (updateK1, updateK2, updateK4, updateK8) or per connection (updateK8n);
// wstep 0 reuses the same 8 (or K) weights for all connections. n must be a
// multiple of 8/K for the kernels with K < 8; k is only read by updateK8n,
// which handles every K that is a multiple of 8.

//go:noescape
func updateK1(s, v, w, grad *float32, idx *int32, weff *float32, n, k, wstep int, lr, mu, wd float32, flags int) (ok bool)

//go:noescape
func updateK2(s, v, w, grad *float32, idx *int32, weff *float32, n, k, wstep int, lr, mu, wd float32, flags int) (ok bool)

//go:noescape
func updateK4(s, v, w, grad *float32, idx *int32, weff *float32, n, k, wstep int, lr, mu, wd float32, flags int) (ok bool)

//go:noescape
func updateK8(s, v, w, grad *float32, idx *int32, weff *float32, n, k, wstep int, lr, mu, wd float32, flags int) (ok bool)

//go:noescape
func updateK8n(s, v, w, grad *float32, idx *int32, weff *float32, n, k, wstep int, lr, mu, wd float32, flags int) (ok bool)

// sgdAVX2 is SGDStep over n elements, n a multiple of 8.
//
//go:noescape
func sgdAVX2(x, v, grad *float32, n int, lr, mu, wd float32, flags int) (ok bool)

// sel2 and sel4 map the 8-bit mask of the scores equal to their
// connection's maximum (VMOVMSKPS of one register: 4 connections of K = 2,
// or 2 of K = 4) to the selections of these connections: the lowest set bit
// of each connection's bits, 0 if none is set (all scores NaN). Read by
// updateK2 and updateK4.
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

// argmaxKn is Argmax for any K ≥ 2 with wstep = 4*stride; see
// argmaxRowsAsm for the connections it must not be given.
//
//go:noescape
func argmaxKn(s, w *float32, idx *int32, weff *float32, n, k, wstep int)

// argmaxRowsAsm is Argmax for K ≥ 2 with argmaxKn, whose last register of a
// connection reads 8-K%8 values past it: the last connections, where that
// would leave s[:n*K], go to argmaxGo.
func argmaxRowsAsm(s, w []float32, k, stride int, idx []int32, weff []float32) {
	n := len(idx)
	m := n
	if r := k % 8; r != 0 {
		m = max(0, n-(8-r+k-1)/k)
	}
	if m > 0 {
		argmaxKn(&s[0], &w[0], &idx[0], &weff[0], m, k, 4*stride)
	}
	if m < n {
		argmaxGo(s[m*k:], w[m*stride:], k, stride, idx[m:], weff[m:])
	}
}

// group returns how many connections the assembly kernel for K processes
// per step, or 0 if no kernel handles K.
func group(k int) int {
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

// runKernel runs the kernel for K on the first m connections, m a multiple
// of group(k) ≥ 1. v and g are unused with flagArgmax.
func runKernel(s, v, w, g []float32, k, stride, m int, p SGD, idx []int32, weff []float32, flags int) bool {
	var wrep [8]float32
	wp := &w[0]
	wstep := 32
	if k >= 8 {
		wstep = 4 * k
	}
	if stride == 0 {
		wstep = 0
		if k < 8 {
			for l := range wrep {
				wrep[l] = w[l%k]
			}
			wp = &wrep[0]
		}
	}
	var ip *int32
	var fp *float32
	if idx != nil {
		ip, fp = &idx[0], &weff[0]
		flags |= flagSelect
	}
	if p.Nesterov {
		flags |= flagNesterov
	}
	sp := &s[0]
	vp, gp := sp, sp
	if flags&flagArgmax == 0 {
		vp, gp = &v[0], &g[0]
	}
	lr, mu, wd := p.LR, p.Momentum, p.WeightDecay
	switch k {
	case 1:
		return updateK1(sp, vp, wp, gp, ip, fp, m, k, wstep, lr, mu, wd, flags)
	case 2:
		return updateK2(sp, vp, wp, gp, ip, fp, m, k, wstep, lr, mu, wd, flags)
	case 4:
		return updateK4(sp, vp, wp, gp, ip, fp, m, k, wstep, lr, mu, wd, flags)
	case 8:
		return updateK8(sp, vp, wp, gp, ip, fp, m, k, wstep, lr, mu, wd, flags)
	}
	return updateK8n(sp, vp, wp, gp, ip, fp, m, k, wstep, lr, mu, wd, flags)
}

func updateAsm(s, v, w, g []float32, k, stride int, p SGD, idx []int32, weff []float32) bool {
	n := len(g)
	gr := group(k)
	if gr == 0 {
		return updateExpanded(s, v, w, g, k, stride, p, idx, weff)
	}
	m := n / gr * gr
	ok := true
	if m > 0 {
		ok = runKernel(s, v, w, g, k, stride, m, p, idx, weff, 0)
	}
	if m < n {
		if idx != nil {
			idx, weff = idx[m:], weff[m:]
		}
		ok = updateGo(s[m*k:], v[m*k:], w[m*stride:], g[m:], k, stride, p, idx, weff) && ok
	}
	return ok
}

// expandBlock is the number of scores updateExpanded handles at a time.
const expandBlock = 1024

// updateExpanded is Update for the K without a kernel of their own (3, 5,
// 6, 7, 12, …): block by block, it writes g[i] for every score of
// connection i into a buffer (and for stride 0 the pattern of the shared
// weights into another), updates the block with the K = 1 kernel, which
// then sees one gradient and one weight per score, and selects with
// argmaxKn while the block is in L1. K > expandBlock goes to updateGo.
func updateExpanded(s, v, w, g []float32, k, stride int, p SGD, idx []int32, weff []float32) bool {
	n := len(g)
	rows := expandBlock / k
	if rows == 0 {
		return updateGo(s, v, w, g, k, stride, p, idx, weff)
	}
	var gexp, wexp [expandBlock]float32
	if stride == 0 {
		for c := range rows * k {
			wexp[c] = w[c%k]
		}
	}
	flags := 0
	if p.Nesterov {
		flags = flagNesterov
	}
	var bad uint32
	ok := true
	for lo := 0; lo < n; lo += rows {
		hi := min(n, lo+rows)
		m := (hi - lo) * k
		ge := gexp[:m]
		for i, gi := range g[lo:hi] {
			row := ge[i*k : i*k+k]
			for j := range row {
				row[j] = gi
			}
		}
		sb, vb := s[lo*k:lo*k+m], v[lo*k:lo*k+m]
		wb := wexp[:m]
		if stride != 0 {
			wb = w[lo*k : lo*k+m]
		}
		m8 := m &^ 7
		if m8 > 0 {
			ok = updateK1(&sb[0], &vb[0], &wb[0], &ge[0], nil, nil, m8, 1, 32, p.LR, p.Momentum, p.WeightDecay, flags) && ok
		}
		bad |= updateFlat(sb[m8:], vb[m8:], wb[m8:], ge[m8:], p)
		if idx != nil {
			argmaxRowsAsm(sb, w[lo*stride:], k, stride, idx[lo:hi], weff[lo:hi])
		}
	}
	return ok && bad&0x80000000 == 0
}

// updateFlat is the update of K = 1 scores (one gradient and one weight per
// score), for the tails of updateExpanded; it returns the nonFinite bits.
func updateFlat(s, v, w, g []float32, p SGD) uint32 {
	lr, mu, wd := p.LR, p.Momentum, p.WeightDecay
	v, w, g = v[:len(s)], w[:len(s)], g[:len(s)]
	var bad uint32
	for c, sc := range s {
		d := float32(g[c]*w[c]) + float32(wd*sc)
		vc := float32(mu*v[c]) + d
		v[c] = vc
		if p.Nesterov {
			d = d + float32(mu*vc)
		} else {
			d = vc
		}
		sc = sc - float32(lr*d)
		s[c] = sc
		bad |= nonFinite(sc)
	}
	return bad
}

func argmaxAsm(s, w []float32, k, stride int, idx []int32, weff []float32) {
	n := len(idx)
	gr := group(k)
	if gr == 0 {
		argmaxRowsAsm(s, w, k, stride, idx, weff)
		return
	}
	m := n / gr * gr
	if m > 0 {
		runKernel(s, nil, w, nil, k, stride, m, SGD{}, idx, weff, flagArgmax)
	}
	if m < n {
		argmaxGo(s[m*k:], w[m*stride:], k, stride, idx[m:], weff[m:])
	}
}

func sgdAsm(x, v, g []float32, p SGD) bool {
	n := len(x)
	m := n &^ 7
	ok := true
	if m > 0 {
		flags := 0
		if p.Nesterov {
			flags = flagNesterov
		}
		ok = sgdAVX2(&x[0], &v[0], &g[0], m, p.LR, p.Momentum, p.WeightDecay, flags)
	}
	if m < n {
		ok = sgdGo(x[m:], v[m:], g[m:], p) && ok
	}
	return ok
}
