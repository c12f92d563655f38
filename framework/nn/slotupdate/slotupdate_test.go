package slotupdate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// impl is one implementation of the package: the assembly kernels (where
// this machine and build have them) or the portable Go code.
type impl struct {
	name string
	asm  bool
}

func impls() []impl {
	l := []impl{{"go", false}}
	if hasAVX2 {
		l = append(l, impl{"asm", true})
	}
	return l
}

// with runs f with the implementation selected.
func with(im impl, f func()) {
	old := useAsm
	useAsm = im.asm
	defer func() { useAsm = old }()
	f()
}

// refUpdate is the specification, written plainly.
func refUpdate(s, v, w, g []float32, k, stride int, p SGD, idx []int32, weff []float32) bool {
	ok := true
	for i := range g {
		for j := 0; j < k; j++ {
			c, wi := i*k+j, i*stride+j
			d := float32(g[i]*w[wi]) + float32(p.WeightDecay*s[c])
			v[c] = float32(p.Momentum*v[c]) + d
			if p.Nesterov {
				d = d + float32(p.Momentum*v[c])
			} else {
				d = v[c]
			}
			s[c] = s[c] - float32(p.LR*d)
			if math.IsNaN(float64(s[c])) || math.IsInf(float64(s[c]), 0) {
				ok = false
			}
		}
	}
	if idx != nil {
		refArgmax(s, w, k, stride, idx[:len(g)], weff)
	}
	return ok
}

// refArgmax is the specification of the selection.
func refArgmax(s, w []float32, k, stride int, idx []int32, weff []float32) {
	for i := range idx {
		b := -1
		for j := 0; j < k; j++ {
			x := s[i*k+j]
			if math.IsNaN(float64(x)) {
				continue
			}
			if b < 0 || x > s[i*k+b] {
				b = j
			}
		}
		b = max(b, 0)
		idx[i] = int32(b)
		weff[i] = w[i*stride+b]
	}
}

func refSGD(x, v, g []float32, p SGD) bool {
	ok := true
	for j := range x {
		d := g[j] + float32(p.WeightDecay*x[j])
		v[j] = float32(p.Momentum*v[j]) + d
		if p.Nesterov {
			d = d + float32(p.Momentum*v[j])
		} else {
			d = v[j]
		}
		x[j] = x[j] - float32(p.LR*d)
		if math.IsNaN(float64(x[j])) || math.IsInf(float64(x[j]), 0) {
			ok = false
		}
	}
	return ok
}

// same is bit equality, except that any two NaNs are equal (the payload of
// a NaN made from two NaNs depends on the operand order, which Go does not
// fix).
func same(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

func diffF(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if !same(got[i], want[i]) {
			t.Fatalf("%s[%d] = %g (%#08x), want %g (%#08x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

func diffI(t *testing.T, what string, got, want []int32) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s[%d] = %d, want %d", what, i, got[i], want[i])
		}
	}
}

// state is the input of one Update call, with slack after every slice to
// catch writes past the end.
type state struct {
	s, v, w, g []float32
	idx        []int32
	weff       []float32
}

const slack = 11

func sentinelF() float32 { return math.Float32frombits(0x7fa5a5a5) } // a signalling NaN pattern

func (st *state) clone() *state {
	c := &state{
		s: append([]float32(nil), st.s...), v: append([]float32(nil), st.v...),
		w: append([]float32(nil), st.w...), g: append([]float32(nil), st.g...),
	}
	if st.idx != nil {
		c.idx = append([]int32(nil), st.idx...)
		c.weff = append([]float32(nil), st.weff...)
	}
	return c
}

type valueKind int

const (
	random valueKind = iota // uniform scores and weights
	coarse                  // few distinct values: many ties
)

func newState(r *rand.Rand, n, k, stride int, sel bool, kind valueKind) *state {
	nw := k
	if stride != 0 {
		nw = n * k
	}
	val := func() float32 {
		if kind == coarse {
			return []float32{-1, 0, float32(math.Copysign(0, -1)), 0.5, 1}[r.IntN(5)]
		}
		return r.Float32()*2 - 1
	}
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
	st := &state{
		s: fill(n*k, val),
		v: fill(n*k, func() float32 { return (r.Float32()*2 - 1) * 0.1 }),
		w: fill(nw, val),
		g: fill(n, func() float32 {
			if kind == coarse {
				return 0
			}
			return (r.Float32()*2 - 1) * 3
		}),
	}
	st.g = st.g[:n] // len(g) is n
	if sel {
		st.idx = make([]int32, n+slack)
		st.weff = make([]float32, n+slack)
		for i := range st.idx {
			st.idx[i] = -7
			st.weff[i] = sentinelF()
		}
	}
	return st
}

func (st *state) update(k, stride int, p SGD, ref bool) bool {
	var idx []int32
	var weff []float32
	if st.idx != nil {
		idx, weff = st.idx, st.weff
	}
	if ref {
		return refUpdate(st.s, st.v, st.w, st.g, k, stride, p, idx, weff)
	}
	return Update(st.s, st.v, st.w, st.g, k, stride, p, idx, weff)
}

func compareStates(t *testing.T, got, want *state) {
	t.Helper()
	diffF(t, "s", got.s, want.s)
	diffF(t, "v", got.v, want.v)
	if want.idx != nil {
		diffI(t, "idx", got.idx, want.idx)
		diffF(t, "weff", got.weff, want.weff)
	}
}

var (
	testKs = []int{1, 2, 3, 4, 5, 8, 12, 16, 24, 64}
	testNs = []int{1, 3, 7, 8, 9, 100, 1000}
)

func testParams() []SGD {
	var ps []SGD
	for _, nest := range []bool{false, true} {
		for _, wd := range []float32{0, 5e-4} {
			ps = append(ps, SGD{LR: 0.1, Momentum: 0.9, WeightDecay: wd, Nesterov: nest})
		}
	}
	return ps
}

// TestUpdate checks every implementation against the reference, bit for
// bit, and the implementations against each other.
func TestUpdate(t *testing.T) {
	for _, k := range testKs {
		for _, stride := range []int{k, 0} {
			for _, n := range testNs {
				for pi, p := range testParams() {
					for _, sel := range []bool{false, true} {
						for _, kind := range []valueKind{random, coarse} {
							name := fmt.Sprintf("K%d/stride%d/n%d/p%d/sel%v/kind%d", k, stride, n, pi, sel, kind)
							r := rand.New(rand.NewPCG(uint64(k*1000+n), uint64(pi*4+stride)))
							in := newState(r, n, k, stride, sel, kind)
							want := in.clone()
							wantOK := want.update(k, stride, p, true)
							var results []*state
							for _, im := range impls() {
								got := in.clone()
								var ok bool
								with(im, func() { ok = got.update(k, stride, p, false) })
								if ok != wantOK {
									t.Fatalf("%s %s: ok = %v, want %v", name, im.name, ok, wantOK)
								}
								compareStates(t, got, want)
								results = append(results, got)
							}
							// The implementations agree exactly, NaNs included
							// (there are none here, but be strict).
							for _, r := range results[1:] {
								for i := range r.s {
									if math.Float32bits(r.s[i]) != math.Float32bits(results[0].s[i]) {
										t.Fatalf("%s: asm s[%d] differs from go", name, i)
									}
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestUpdateOffsets runs the kernels on slices that do not start at an
// aligned address and checks nothing outside [0, n*K) is written.
func TestUpdateOffsets(t *testing.T) {
	p := SGD{LR: 0.05, Momentum: 0.5, WeightDecay: 1e-3}
	for _, k := range []int{1, 2, 4, 8, 16} {
		for off := 0; off < 8; off++ {
			n := 37
			r := rand.New(rand.NewPCG(uint64(k), uint64(off)))
			in := newState(r, n+off, k, k, true, random)
			want := in.clone()
			refUpdate(want.s[off*k:], want.v[off*k:], want.w[off*k:], want.g[off:off+n], k, k, p, want.idx[off:], want.weff[off:])
			for _, im := range impls() {
				got := in.clone()
				with(im, func() {
					Update(got.s[off*k:], got.v[off*k:], got.w[off*k:], got.g[off:off+n], k, k, p, got.idx[off:], got.weff[off:])
				})
				compareStates(t, got, want)
			}
		}
	}
}

// TestNonFinite checks that a NaN gradient or an infinite score is
// reported and that the selection of an all-NaN row is 0.
func TestNonFinite(t *testing.T) {
	for _, k := range testKs {
		for _, stride := range []int{k, 0} {
			for _, n := range []int{1, 9, 100} {
				for _, inject := range []string{"nan-g", "inf-s", "inf-w", "none"} {
					for _, wd := range []float32{0, 1e-4} {
						p := SGD{LR: 0.1, Momentum: 0.9, WeightDecay: wd}
						r := rand.New(rand.NewPCG(uint64(k), uint64(n)))
						in := newState(r, n, k, stride, true, random)
						at := n - 1 - r.IntN(n) // anywhere, often in a tail
						switch inject {
						case "nan-g":
							in.g[at] = float32(math.NaN())
						case "inf-s":
							in.s[at*k+r.IntN(k)] = float32(math.Inf(1 - 2*r.IntN(2)))
						case "inf-w":
							in.w[at*stride+r.IntN(k)] = float32(math.Inf(1))
						}
						want := in.clone()
						wantOK := want.update(k, stride, p, true)
						if wantOK != (inject == "none") {
							t.Fatalf("reference ok = %v with %s", wantOK, inject)
						}
						for _, im := range impls() {
							got := in.clone()
							var ok bool
							with(im, func() { ok = got.update(k, stride, p, false) })
							if ok != wantOK {
								t.Fatalf("K%d stride%d n%d %s wd%g %s: ok = %v, want %v", k, stride, n, inject, wd, im.name, ok, wantOK)
							}
							compareStates(t, got, want)
							if inject == "nan-g" && got.idx[at] != 0 {
								t.Fatalf("K%d %s: all-NaN row selected %d", k, im.name, got.idx[at])
							}
						}
					}
				}
			}
		}
	}
}

// TestArgmaxCases checks hand-made rows: ties, signed zeros, NaN, ±Inf.
func TestArgmaxCases(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	nz := float32(math.Copysign(0, -1))
	rows := []struct {
		s    []float32
		want int32
	}{
		{[]float32{1, 1, 1, 1, 1, 1, 1, 1}, 0},
		{[]float32{0, 2, 2, 1, 0, 2, 0, 0}, 1},
		{[]float32{nz, 0, 0, nz, 0, 0, 0, 0}, 0},
		{[]float32{-1, -1, nz, 0, 0, 0, 0, 0}, 2},
		{[]float32{nan, nan, nan, nan, nan, nan, nan, nan}, 0},
		{[]float32{nan, -inf, nan, -inf, nan, nan, nan, nan}, 1},
		{[]float32{-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf}, 0},
		{[]float32{nan, 3, inf, nan, inf, 3, 3, 3}, 2},
		{[]float32{nan, nan, nan, nan, nan, nan, nan, -5}, 7},
		{[]float32{1, 2, 3, 4, 5, 6, 7, 8}, 7},
	}
	for _, k := range []int{1, 2, 4, 8, 16, 3, 5} {
		for ri, row := range rows {
			// Tile the row over n connections of K scores.
			n := 13
			s := make([]float32, n*k)
			for i := range s {
				s[i] = row.s[i%len(row.s)]
			}
			w := make([]float32, n*k)
			for i := range w {
				w[i] = float32(i)
			}
			wantIdx := make([]int32, n)
			wantW := make([]float32, n)
			refArgmax(s, w, k, k, wantIdx, wantW)
			if k == 8 && wantIdx[0] != row.want {
				t.Fatalf("row %d: reference picks %d, want %d", ri, wantIdx[0], row.want)
			}
			for _, im := range impls() {
				idx := make([]int32, n)
				weff := make([]float32, n)
				with(im, func() { Argmax(s, w, k, k, idx, weff) })
				diffI(t, fmt.Sprintf("K%d row%d %s idx", k, ri, im.name), idx, wantIdx)
				diffF(t, "weff", weff, wantW)
				// Update with lr = 0 and finite d keeps the scores, so it must
				// select the same.
				if ri < 4 || ri == 9 {
					v := make([]float32, n*k)
					g := make([]float32, n)
					s2 := append([]float32(nil), s...)
					with(im, func() { Update(s2, v, w, g, k, k, SGD{}, idx, weff) })
					diffI(t, fmt.Sprintf("K%d row%d %s Update idx", k, ri, im.name), idx, wantIdx)
				}
			}
		}
	}
}

// TestArgmax compares Argmax with the reference on random and tied rows.
func TestArgmax(t *testing.T) {
	for _, k := range testKs {
		for _, stride := range []int{k, 0} {
			for _, n := range testNs {
				for _, kind := range []valueKind{random, coarse} {
					r := rand.New(rand.NewPCG(uint64(k), uint64(n)))
					in := newState(r, n, k, stride, true, kind)
					want := in.clone()
					refArgmax(want.s, want.w, k, stride, want.idx[:n], want.weff)
					for _, im := range impls() {
						got := in.clone()
						with(im, func() { Argmax(got.s, got.w, k, stride, got.idx[:n], got.weff) })
						compareStates(t, got, want)
					}
				}
			}
		}
	}
}

func TestSGDStep(t *testing.T) {
	for _, n := range []int{1, 7, 8, 9, 31, 1000} {
		for pi, p := range testParams() {
			for _, bad := range []bool{false, true} {
				r := rand.New(rand.NewPCG(uint64(n), uint64(pi)))
				x := make([]float32, n+slack)
				v := make([]float32, n+slack)
				g := make([]float32, n+slack)
				for i := range x {
					x[i], v[i], g[i] = r.Float32()*2-1, r.Float32()*0.1, r.Float32()*2-1
				}
				if bad {
					g[r.IntN(n)] = float32(math.NaN())
				}
				wx, wv := append([]float32(nil), x...), append([]float32(nil), v...)
				wantOK := refSGD(wx[:n], wv, g, p)
				if wantOK == bad {
					t.Fatal("reference missed the NaN")
				}
				for _, im := range impls() {
					gx, gv := append([]float32(nil), x...), append([]float32(nil), v...)
					var ok bool
					with(im, func() { ok = SGDStep(gx[:n], gv, g, p) })
					if ok != wantOK {
						t.Fatalf("n%d p%d %s: ok = %v, want %v", n, pi, im.name, ok, wantOK)
					}
					diffF(t, "x", gx, wx)
					diffF(t, "v", gv, wv)
				}
			}
		}
	}
}

func TestNoAlloc(t *testing.T) {
	for _, k := range []int{1, 2, 3, 4, 8, 16} {
		for _, stride := range []int{k, 0} {
			r := rand.New(rand.NewPCG(1, 2))
			st := newState(r, 100, k, stride, true, random)
			p := SGD{LR: 0.01, Momentum: 0.9, WeightDecay: 1e-4}
			for _, im := range impls() {
				with(im, func() {
					a := testing.AllocsPerRun(10, func() {
						Update(st.s, st.v, st.w, st.g, k, stride, p, st.idx, st.weff)
						Argmax(st.s, st.w, k, stride, st.idx[:100], st.weff)
						SGDStep(st.s, st.v, st.s, p)
					})
					if a != 0 {
						t.Errorf("K%d stride%d %s: %v allocations", k, stride, im.name, a)
					}
				})
			}
		}
	}
}

func TestPanics(t *testing.T) {
	s := make([]float32, 16)
	cases := map[string]func(){
		"k0":        func() { Update(s, s, s, s[:2], 0, 0, SGD{}, nil, nil) },
		"stride":    func() { Update(s, s, s, s[:2], 4, 3, SGD{}, nil, nil) },
		"short s":   func() { Update(s[:7], s, s, s[:2], 4, 4, SGD{}, nil, nil) },
		"short v":   func() { Update(s, s[:7], s, s[:2], 4, 4, SGD{}, nil, nil) },
		"short w":   func() { Update(s, s, s[:7], s[:2], 4, 4, SGD{}, nil, nil) },
		"short idx": func() { Update(s, s, s, s[:2], 4, 4, SGD{}, make([]int32, 1), s) },
		"weff":      func() { Argmax(s, s, 4, 0, make([]int32, 2), s[:1]) },
		"sgd":       func() { SGDStep(s, s[:3], s, SGD{}) },
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

// TestUpdateOtherK covers the K that only the expanded update and argmaxKn
// (or, beyond expandBlock, the Go code) handle.
func TestUpdateOtherK(t *testing.T) {
	for _, k := range []int{6, 7, 9, 17, 1027} {
		for _, stride := range []int{k, 0} {
			for _, n := range []int{1, 2, 5, 300} {
				if k > 1000 && n > 5 {
					continue
				}
				for pi, p := range testParams() {
					for _, kind := range []valueKind{random, coarse} {
						r := rand.New(rand.NewPCG(uint64(k), uint64(n*10+pi)))
						in := newState(r, n, k, stride, true, kind)
						want := in.clone()
						wantOK := want.update(k, stride, p, true)
						wantArg := in.clone()
						refArgmax(wantArg.s, wantArg.w, k, stride, wantArg.idx[:n], wantArg.weff)
						for _, im := range impls() {
							got := in.clone()
							var ok bool
							with(im, func() { ok = got.update(k, stride, p, false) })
							if ok != wantOK {
								t.Fatalf("K%d stride%d n%d %s: ok = %v, want %v", k, stride, n, im.name, ok, wantOK)
							}
							compareStates(t, got, want)
							got = in.clone()
							with(im, func() { Argmax(got.s, got.w, k, stride, got.idx[:n], got.weff) })
							compareStates(t, got, wantArg)
						}
					}
				}
			}
		}
	}
}
