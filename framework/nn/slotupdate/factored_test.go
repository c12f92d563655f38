package slotupdate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The specification of the factored kernels, written plainly (the loops
// framework/nn ran before the kernels, with the selection of NaN made
// explicit).

func refAdvance(y, g []float32, m [6]float32) bool {
	ok := true
	for i := range g {
		y0, y1 := y[2*i], y[2*i+1]
		n0 := float32(m[0]*y0) + float32(m[1]*y1) + float32(m[4]*g[i])
		n1 := float32(m[2]*y0) + float32(m[3]*y1) + float32(m[5]*g[i])
		y[2*i], y[2*i+1] = n0, n1
		for _, v := range []float32{n0, n1} {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				ok = false
			}
		}
	}
	return ok
}

func refScore(a, s0, c, w float32) float32 { return float32(a*s0) + float32(c*w) }

func refArgmaxFactored(idx []int32, weff, s0, w, y []float32, a float32, k, stride int) {
	for i := range idx {
		b, bv := -1, float32(0)
		for j := 0; j < k; j++ {
			v := refScore(a, s0[i*k+j], y[2*i], w[i*stride+j])
			if math.IsNaN(float64(v)) {
				continue
			}
			if b < 0 || v > bv {
				b, bv = j, v
			}
		}
		b = max(b, 0)
		idx[i] = int32(b)
		weff[i] = w[i*stride+b]
	}
}

// refArgmax is the plain argmax with Argmax's rule: the first maximum,
// NaN skipped, 0 when all are NaN.
func refArgmax(idx []int32, scores []float32, k int) {
	for i := range idx {
		b, bv := -1, float32(0)
		for j, v := range scores[i*k : i*k+k] {
			if !math.IsNaN(float64(v)) && (b < 0 || v > bv) {
				b, bv = j, v
			}
		}
		idx[i] = int32(max(b, 0))
	}
}

// TestArgmax checks Argmax against refArgmax on random scores with many
// ties, ±0, ±Inf and NaN, for K with special kernels and without, K above
// Argmax's block, and n across block edges, with each implementation.
func TestArgmax(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 1, 1}
	for _, im := range impls() {
		for _, k := range []int{1, 2, 3, 4, 5, 8, 12, 16, 24, 64, 2048, 2049} {
			for _, n := range []int{1, 7, 1023, 1024, 1025, 2500} {
				if k*n > 1<<21 {
					continue
				}
				scores := make([]float32, n*k)
				for i := range scores {
					if r.IntN(5) == 0 {
						scores[i] = special[r.IntN(len(special))]
					} else {
						scores[i] = float32(r.IntN(7)) - 3
					}
				}
				got, want := make([]int32, n), make([]int32, n)
				with(im, func() { Argmax(got, scores, k) })
				refArgmax(want, scores, k)
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("%s K=%d n=%d: connection %d (%v): got %d, want %d", im.name, k, n, i, scores[i*k:i*k+k], got[i], want[i])
					}
				}
			}
		}
	}
}

func refWriteScores(dst, s0, w, y []float32, a float32, k, stride int) {
	for i := 0; i < len(dst)/k; i++ {
		for j := 0; j < k; j++ {
			dst[i*k+j] = refScore(a, s0[i*k+j], y[2*i], w[i*stride+j])
		}
	}
}

// factoredKind says how the inputs of a factored test are drawn.
type factoredKind int

const (
	fRandom  factoredKind = iota // uniform values
	fTied                        // a = 1, c = 0 or w = 0: scores from few values, many ties, ±0
	fSpecial                     // NaN, ±Inf, ±0, huge values sprinkled in
)

// factoredIn is the input of one call, every slice followed by slack
// sentinels.
type factoredIn struct {
	s0, w, y []float32
	a        float32
}

func newFactoredIn(r *rand.Rand, n, k, stride int, kind factoredKind) *factoredIn {
	nw := k
	if stride != 0 {
		nw = n * k
	}
	nz := float32(math.Copysign(0, -1))
	coarse := []float32{-1, 0, nz, 0.5, 1}
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, nz, 3e38, -3e38, 1e-45}
	fill := func(m int, f func() float32) []float32 {
		x := make([]float32, m+slack)
		for i := range x {
			if i < m {
				x[i] = f()
			} else {
				x[i] = sentinelF()
			}
		}
		return x
	}
	uni := func() float32 { return r.Float32()*2 - 1 }
	in := &factoredIn{a: 0.5 + r.Float32()}
	switch kind {
	case fRandom:
		in.s0 = fill(n*k, uni)
		in.w = fill(nw, uni)
		in.y = fill(2*n, func() float32 { return uni() * 4 })
	case fTied:
		pick := func() float32 { return coarse[r.IntN(len(coarse))] }
		in.a = 1
		in.s0 = fill(n*k, pick)
		in.w = fill(nw, pick)
		in.y = fill(2*n, func() float32 { return []float32{0, nz, 0, 1}[r.IntN(4)] })
	case fSpecial:
		val := func() float32 {
			if r.IntN(6) == 0 {
				return special[r.IntN(len(special))]
			}
			return uni()
		}
		in.s0 = fill(n*k, val)
		in.w = fill(nw, val)
		in.y = fill(2*n, val)
		// Some rows entirely NaN or −Inf.
		for i := 0; i < n; i += 5 {
			for j := 0; j < k; j++ {
				in.s0[i*k+j] = special[i/5%3]
			}
		}
	}
	return in
}

var factoredKinds = []factoredKind{fRandom, fTied, fSpecial}

func sentinelI() int32 { return -7 }

func outputs(n, m int) ([]int32, []float32) {
	idx := make([]int32, n+slack)
	weff := make([]float32, m+slack)
	for i := range idx {
		idx[i] = sentinelI()
	}
	for i := range weff {
		weff[i] = sentinelF()
	}
	return idx, weff
}

// checkGuards fails if any slack value after the first n was changed.
func checkGuards(t *testing.T, what string, x []float32, n int) {
	t.Helper()
	for i := n; i < len(x); i++ {
		if math.Float32bits(x[i]) != math.Float32bits(sentinelF()) {
			t.Fatalf("%s[%d] (past the end) was written", what, i)
		}
	}
}

func TestAdvanceFactored(t *testing.T) {
	ns := append([]int{0, 2, 4, 5, 12, 13, 16, 17, 31}, testNs...)
	ms := [][6]float32{
		{1 - 0.1*5e-4, -0.1 * 0.9, 5e-4, 0.9, -0.1, 1},
		{0.99981, -0.0729, 1e-4, 0.9, -0.19, 1},
		{1, 0, 0, 1, 0, 0},
	}
	for _, n := range ns {
		for mi, m := range ms {
			for _, inject := range []string{"none", "nan-g", "inf-g", "huge-y", "nan-y"} {
				name := fmt.Sprintf("n%d/m%d/%s", n, mi, inject)
				r := rand.New(rand.NewPCG(uint64(n), uint64(mi)))
				y := make([]float32, 2*n+slack)
				g := make([]float32, n+slack)
				for i := range y {
					y[i] = sentinelF()
					if i < 2*n {
						y[i] = (r.Float32()*2 - 1) * 3
					}
				}
				for i := range g {
					g[i] = (r.Float32()*2 - 1) * 2
				}
				if n > 0 {
					at := r.IntN(n)
					switch inject {
					case "nan-g":
						g[at] = float32(math.NaN())
					case "inf-g":
						g[at] = float32(math.Inf(-1))
					case "huge-y":
						y[2*at+1] = 3e38
						y[2*at] = 3e38
					case "nan-y":
						y[2*at+r.IntN(2)] = float32(math.NaN())
					}
				}
				want := append([]float32(nil), y...)
				wantOK := refAdvance(want, g[:n], m)
				if inject == "none" && !wantOK {
					t.Fatalf("%s: the reference reports a non-finite value", name)
				}
				for _, im := range impls() {
					got := append([]float32(nil), y...)
					var ok bool
					with(im, func() { ok = Advance(got, g[:n], m) })
					if ok != wantOK {
						t.Fatalf("%s %s: ok = %v, want %v", name, im.name, ok, wantOK)
					}
					diffF(t, name+" "+im.name+" y", got, want)
				}
			}
		}
	}
}

func TestArgmaxFactored(t *testing.T) {
	for _, k := range append(testKs, 6, 7, 9, 17, 40, 72) {
		for _, stride := range []int{k, 0} {
			for _, n := range testNs {
				for _, kind := range factoredKinds {
					name := fmt.Sprintf("K%d/stride%d/n%d/kind%d", k, stride, n, kind)
					r := rand.New(rand.NewPCG(uint64(k*1000+n), uint64(int(kind)*2+stride)))
					in := newFactoredIn(r, n, k, stride, kind)
					orig := &factoredIn{s0: append([]float32(nil), in.s0...), w: append([]float32(nil), in.w...), y: append([]float32(nil), in.y...)}
					wantIdx, wantW := outputs(n, n)
					refArgmaxFactored(wantIdx[:n], wantW, in.s0, in.w, in.y, in.a, k, stride)
					for _, im := range impls() {
						idx, weff := outputs(n, n)
						with(im, func() { ArgmaxFactored(idx[:n], weff, in.s0, in.w, in.y, in.a, k, stride) })
						diffI(t, name+" "+im.name+" idx", idx, wantIdx)
						// weff is copied from w: bit for bit, NaN payloads included.
						for i := range weff {
							if math.Float32bits(weff[i]) != math.Float32bits(wantW[i]) {
								t.Fatalf("%s %s: weff[%d] = %#08x, want %#08x", name, im.name, i, math.Float32bits(weff[i]), math.Float32bits(wantW[i]))
							}
						}
					}
					diffF(t, "s0", in.s0, orig.s0)
					diffF(t, "w", in.w, orig.w)
					diffF(t, "y", in.y, orig.y)
				}
			}
		}
	}
}

func TestWriteScores(t *testing.T) {
	for _, k := range append(testKs, 6, 7, 9, 17, 40, 72) {
		for _, stride := range []int{k, 0} {
			for _, n := range testNs {
				for _, kind := range factoredKinds {
					name := fmt.Sprintf("K%d/stride%d/n%d/kind%d", k, stride, n, kind)
					r := rand.New(rand.NewPCG(uint64(k*1000+n), uint64(int(kind)*2+stride)))
					in := newFactoredIn(r, n, k, stride, kind)
					_, want := outputs(0, n*k)
					refWriteScores(want[:n*k], in.s0, in.w, in.y, in.a, k, stride)
					for _, im := range impls() {
						_, got := outputs(0, n*k)
						// dst may be longer than n*K by less than K: the
						// remainder is not a connection and stays untouched.
						dst := got[:n*k+min(k-1, slack)]
						with(im, func() { WriteScores(dst, in.s0, in.w, in.y, in.a, k, stride) })
						diffF(t, name+" "+im.name+" dst", got, want)
						checkGuards(t, name+" dst", got, n*k)
					}
				}
			}
		}
	}
}

// TestArgmaxFactoredCases checks hand-made rows (ties, signed zeros, NaN,
// ±Inf) as scores a·s0 with a = 1 and c = 0.
func TestArgmaxFactoredCases(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	nz := float32(math.Copysign(0, -1))
	rows := [][]float32{
		{1, 1, 1, 1, 1, 1, 1, 1},
		{0, 2, 2, 1, 0, 2, 0, 0},
		{nz, 0, 0, nz, 0, 0, 0, 0},
		{-1, -1, nz, 0, 0, 0, 0, 0},
		{nan, nan, nan, nan, nan, nan, nan, nan},
		{nan, -inf, nan, -inf, nan, nan, nan, nan},
		{-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf},
		{nan, 3, inf, nan, inf, 3, 3, 3},
		{nan, nan, nan, nan, nan, nan, nan, -5},
		{1, 2, 3, 4, 5, 6, 7, 8},
	}
	for _, k := range []int{2, 3, 4, 5, 8, 16, 24} {
		for ri, row := range rows {
			n := 13
			s0 := make([]float32, n*k)
			for i := range s0 {
				s0[i] = row[i%len(row)]
			}
			w := make([]float32, n*k)
			for i := range w {
				w[i] = float32(i) + 0.5
			}
			y := make([]float32, 2*n)
			wantIdx, wantW := make([]int32, n), make([]float32, n)
			refArgmaxFactored(wantIdx, wantW, s0, w, y, 1, k, k)
			if k == 8 {
				want := []int32{0, 1, 0, 2, 0, 1, 0, 2, 7, 7}[ri]
				if wantIdx[0] != want {
					t.Fatalf("row %d: the reference picks %d, want %d", ri, wantIdx[0], want)
				}
			}
			for _, im := range impls() {
				idx, weff := make([]int32, n), make([]float32, n)
				with(im, func() { ArgmaxFactored(idx, weff, s0, w, y, 1, k, k) })
				diffI(t, fmt.Sprintf("K%d row%d %s idx", k, ri, im.name), idx, wantIdx)
				diffF(t, "weff", weff, wantW)
			}
		}
	}
}

// TestArgmaxFactoredPositions puts the maximum of a row at every position
// (and, for ties, at every pair of positions), against every kind of
// rest: 0 or −0 among −1 (so that a kernel that lets lanes outside the row,
// or zeroed lanes, into the comparison picks them), −Inf or 1 among NaN,
// +Inf among −Inf, for K with kernels and without, K/8 odd and even. The
// scores are a·s0 with a = 1 and c = 0.
func TestArgmaxFactoredPositions(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	nz := float32(math.Copysign(0, -1))
	pairs := [][2]float32{{0, -1}, {nz, -1}, {-inf, nan}, {1, nan}, {inf, -inf}, {-1, -2}}
	for _, k := range []int{2, 3, 4, 5, 8, 9, 16, 24, 40, 72} {
		var s0 []float32
		row := func(rest, top float32, at ...int) {
			r := make([]float32, k)
			for j := range r {
				r[j] = rest
			}
			for _, p := range at {
				r[p] = top
			}
			s0 = append(s0, r...)
		}
		for _, pr := range pairs {
			for p := range k {
				row(pr[1], pr[0], p)
				for q := p + 1; q < k; q++ {
					row(pr[1], pr[0], p, q)
				}
			}
		}
		n := len(s0) / k
		w := make([]float32, n*k)
		for i := range w {
			w[i] = float32(i%1000) + 0.5
		}
		y := make([]float32, 2*n)
		wantIdx, wantW := make([]int32, n), make([]float32, n)
		refArgmaxFactored(wantIdx, wantW, s0, w, y, 1, k, k)
		for _, im := range impls() {
			idx, weff := make([]int32, n), make([]float32, n)
			with(im, func() { ArgmaxFactored(idx, weff, s0, w, y, 1, k, k) })
			for i := range idx {
				if idx[i] != wantIdx[i] || weff[i] != wantW[i] {
					t.Fatalf("K%d %s: row %v: got %d (weff %v), want %d (%v)", k, im.name, s0[i*k:i*k+k], idx[i], weff[i], wantIdx[i], wantW[i])
				}
			}
		}
	}
}

// TestFactoredOffsets runs the kernels on slices that start at every
// alignment.
func TestFactoredOffsets(t *testing.T) {
	for _, k := range []int{1, 2, 4, 8, 16} {
		for off := 0; off < 8; off++ {
			n := 37
			r := rand.New(rand.NewPCG(uint64(k), uint64(off)))
			in := newFactoredIn(r, n+off, k, k, fRandom)
			s0, w, y := in.s0[off*k:], in.w[off*k:], in.y[2*off:]
			wantIdx, wantW := outputs(n, n)
			refArgmaxFactored(wantIdx[:n], wantW, s0, w, y, in.a, k, k)
			_, wantS := outputs(0, n*k)
			refWriteScores(wantS[:n*k], s0, w, y, in.a, k, k)
			for _, im := range impls() {
				idx, weff := outputs(n+off, n+off)
				_, dst := outputs(0, (n+off)*k)
				with(im, func() {
					ArgmaxFactored(idx[off:off+n], weff[off:], s0, w, y, in.a, k, k)
					WriteScores(dst[off*k:off*k+n*k], s0, w, y, in.a, k, k)
				})
				diffI(t, "idx", idx[off:], wantIdx)
				diffF(t, "weff", weff[off:], wantW)
				diffF(t, "dst", dst[off*k:], wantS)
			}
		}
	}
}

func TestFactoredNoAlloc(t *testing.T) {
	for _, k := range []int{1, 2, 3, 4, 8, 16} {
		for _, stride := range []int{k, 0} {
			r := rand.New(rand.NewPCG(1, 2))
			const n = 100
			in := newFactoredIn(r, n, k, stride, fRandom)
			idx, weff := outputs(n, n)
			dst := make([]float32, n*k)
			g := make([]float32, n)
			m := [6]float32{1, 0, 0, 1, 0, 0}
			for _, im := range impls() {
				with(im, func() {
					a := testing.AllocsPerRun(10, func() {
						Advance(in.y, g, m)
						ArgmaxFactored(idx[:n], weff, in.s0, in.w, in.y, in.a, k, stride)
						WriteScores(dst, in.s0, in.w, in.y, in.a, k, stride)
					})
					if a != 0 {
						t.Errorf("K%d stride%d %s: %v allocations", k, stride, im.name, a)
					}
				})
			}
		}
	}
}

func TestFactoredPanics(t *testing.T) {
	s := make([]float32, 64)
	idx := make([]int32, 4)
	cases := map[string]func(){
		"advance y":  func() { Advance(s[:7], s[:4], [6]float32{}) },
		"argmax k0":  func() { ArgmaxFactored(idx, s, s, s, s, 1, 0, 0) },
		"stride":     func() { ArgmaxFactored(idx, s, s, s, s, 1, 4, 3) },
		"short s0":   func() { ArgmaxFactored(idx, s, s[:15], s, s, 1, 4, 4) },
		"short w":    func() { ArgmaxFactored(idx, s, s, s[:15], s, 1, 4, 4) },
		"short w0":   func() { ArgmaxFactored(idx, s, s, s[:3], s, 1, 4, 0) },
		"short y":    func() { ArgmaxFactored(idx, s, s, s, s[:7], 1, 4, 4) },
		"short weff": func() { ArgmaxFactored(idx, s[:3], s, s, s, 1, 4, 4) },
		"scores k0":  func() { WriteScores(s, s, s, s, 1, 0, 0) },
		"scores s0":  func() { WriteScores(s[:16], s[:15], s, s, 1, 4, 4) },
		"scores y":   func() { WriteScores(s[:16], s, s, s[:7], 1, 4, 4) },
	}
	for name, f := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestFactoredLong runs calls long enough that the assembly is split into
// several blocks (asmBlock), so that the block boundaries are checked.
func TestFactoredLong(t *testing.T) {
	for _, k := range []int{1, 2, 4, 8, 16, 24, 64} {
		for _, stride := range []int{k, 0} {
			n := 70001/k + 3
			r := rand.New(rand.NewPCG(uint64(k), 77))
			in := newFactoredIn(r, n, k, stride, fRandom)
			wantIdx, wantW := outputs(n, n)
			refArgmaxFactored(wantIdx[:n], wantW, in.s0, in.w, in.y, in.a, k, stride)
			_, wantS := outputs(0, n*k)
			refWriteScores(wantS[:n*k], in.s0, in.w, in.y, in.a, k, stride)
			for _, im := range impls() {
				idx, weff := outputs(n, n)
				_, dst := outputs(0, n*k)
				with(im, func() {
					ArgmaxFactored(idx[:n], weff, in.s0, in.w, in.y, in.a, k, stride)
					WriteScores(dst[:n*k], in.s0, in.w, in.y, in.a, k, stride)
				})
				diffI(t, fmt.Sprintf("K%d stride%d %s idx", k, stride, im.name), idx, wantIdx)
				diffF(t, "weff", weff, wantW)
				diffF(t, "dst", dst, wantS)
			}
		}
	}
	n := 70001
	r := rand.New(rand.NewPCG(5, 5))
	y, g := make([]float32, 2*n), make([]float32, n)
	for i := range y {
		y[i] = r.Float32()*2 - 1
	}
	for i := range g {
		g[i] = r.Float32()*2 - 1
	}
	m := [6]float32{0.99, -0.09, 1e-4, 0.9, -0.1, 1}
	want := append([]float32(nil), y...)
	refAdvance(want, g, m)
	for _, im := range impls() {
		got := append([]float32(nil), y...)
		with(im, func() { Advance(got, g, m) })
		diffF(t, "advance "+im.name, got, want)
	}
}
