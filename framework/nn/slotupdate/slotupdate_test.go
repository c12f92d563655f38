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

// state is the input of one Argmax call, with slack after every slice to
// catch writes past the end.
type state struct {
	s, w []float32
	idx  []int32
	weff []float32
}

const slack = 11

func sentinelF() float32 { return math.Float32frombits(0x7fa5a5a5) } // a signalling NaN pattern

func (st *state) clone() *state {
	return &state{
		s: append([]float32(nil), st.s...), w: append([]float32(nil), st.w...),
		idx: append([]int32(nil), st.idx...), weff: append([]float32(nil), st.weff...),
	}
}

type valueKind int

const (
	random valueKind = iota // uniform scores and weights
	coarse                  // few distinct values: many ties
)

func newState(r *rand.Rand, n, k, stride int, kind valueKind) *state {
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
	fill := func(m int) []float32 {
		x := make([]float32, m+slack)
		for i := range x {
			if i < m {
				x[i] = val()
			} else {
				x[i] = sentinelF()
			}
		}
		return x
	}
	st := &state{s: fill(n * k), w: fill(nw), idx: make([]int32, n+slack), weff: make([]float32, n+slack)}
	for i := range st.idx {
		st.idx[i] = -7
		st.weff[i] = sentinelF()
	}
	return st
}

// compareStates checks the selection and that neither the scores nor the
// weights changed.
func compareStates(t *testing.T, got, want *state) {
	t.Helper()
	diffF(t, "s", got.s, want.s)
	diffF(t, "w", got.w, want.w)
	diffI(t, "idx", got.idx, want.idx)
	diffF(t, "weff", got.weff, want.weff)
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

// TestArgmaxNonFinite checks rows with NaN and ±Inf scores or weights,
// anywhere (often in the connections the Go code takes after the kernels),
// and that the selection of an all-NaN row is 0.
func TestArgmaxNonFinite(t *testing.T) {
	for _, k := range append(testKs, 7, 17) {
		for _, stride := range []int{k, 0} {
			for _, n := range []int{1, 9, 100} {
				for _, inject := range []string{"nan-row", "nan-s", "inf-s", "inf-w", "none"} {
					r := rand.New(rand.NewPCG(uint64(k), uint64(n)))
					in := newState(r, n, k, stride, random)
					at := n - 1 - r.IntN(n) // anywhere, often in a tail
					switch inject {
					case "nan-row":
						for j := 0; j < k; j++ {
							in.s[at*k+j] = float32(math.NaN())
						}
					case "nan-s":
						in.s[at*k+r.IntN(k)] = float32(math.NaN())
					case "inf-s":
						in.s[at*k+r.IntN(k)] = float32(math.Inf(1 - 2*r.IntN(2)))
					case "inf-w":
						in.w[at*stride+r.IntN(k)] = float32(math.Inf(1))
					}
					want := in.clone()
					refArgmax(want.s, want.w, k, stride, want.idx[:n], want.weff)
					for _, im := range impls() {
						got := in.clone()
						with(im, func() { Argmax(got.s, got.w, k, stride, got.idx[:n], got.weff) })
						compareStates(t, got, want)
						if inject == "nan-row" && got.idx[at] != 0 {
							t.Fatalf("K%d stride%d n%d %s: all-NaN row selected %d", k, stride, n, im.name, got.idx[at])
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
					in := newState(r, n, k, stride, kind)
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
			st := newState(r, 100, k, stride, random)
			v := make([]float32, len(st.s))
			p := SGD{LR: 0.01, Momentum: 0.9, WeightDecay: 1e-4}
			for _, im := range impls() {
				with(im, func() {
					a := testing.AllocsPerRun(10, func() {
						Argmax(st.s, st.w, k, stride, st.idx[:100], st.weff)
						SGDStep(st.s, v, st.s, p)
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
		"k0":      func() { Argmax(s, s, 0, 0, make([]int32, 2), s) },
		"stride":  func() { Argmax(s, s, 4, 3, make([]int32, 2), s) },
		"short s": func() { Argmax(s[:7], s, 4, 4, make([]int32, 2), s) },
		"short w": func() { Argmax(s, s[:7], 4, 4, make([]int32, 2), s) },
		"weff":    func() { Argmax(s, s, 4, 0, make([]int32, 2), s[:1]) },
		"sgd":     func() { SGDStep(s, s[:3], s, SGD{}) },
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

// TestArgmaxOtherK covers K that are neither small nor a multiple of 8,
// where argmaxKn reads a partial last register of every connection.
func TestArgmaxOtherK(t *testing.T) {
	for _, k := range []int{6, 7, 9, 17, 1027} {
		for _, stride := range []int{k, 0} {
			for _, n := range []int{1, 2, 5, 300} {
				if k > 1000 && n > 5 {
					continue
				}
				for _, kind := range []valueKind{random, coarse} {
					r := rand.New(rand.NewPCG(uint64(k), uint64(n)))
					in := newState(r, n, k, stride, kind)
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
