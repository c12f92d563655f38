package slotupdate

import (
	"math"
	"math/rand/v2"
	"testing"
)

// impl is one implementation of the package: the portable Go code, the
// AVX2 kernels or the AVX-512 ones (with AVX2 for the kernels that have no
// AVX-512 version), each where this machine and build have it.
type impl struct {
	name   string
	asm    bool // useAsm
	avx512 bool // useAVX512
	all    bool // zEverywhere: every AVX-512 kernel, not only where faster
}

// impls lists the paths this machine and build can run: every test that
// compares against the reference runs each of them (TestKernelPaths says
// which are missing).
func impls() []impl {
	l := []impl{{"go", false, false, false}}
	if hasAVX2 {
		l = append(l, impl{"avx2", true, false, false})
	}
	if hasAVX512 {
		l = append(l, impl{"avx512", true, true, false}, impl{"avx512-all", true, true, true})
	}
	return l
}

// with runs f with the implementation selected.
func with(im impl, f func()) {
	oldAsm, old512, oldAll := useAsm, useAVX512, zEverywhere
	useAsm, useAVX512, zEverywhere = im.asm, im.avx512, im.all
	defer func() { useAsm, useAVX512, zEverywhere = oldAsm, old512, oldAll }()
	f()
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

const slack = 11

func sentinelF() float32 { return math.Float32frombits(0x7fa5a5a5) } // a signalling NaN pattern

var (
	testKs = []int{1, 2, 3, 4, 5, 8, 12, 16, 24, 64}
	testNs = []int{1, 2, 3, 6, 7, 8, 9, 10, 100, 1000}
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
	const n = 100
	x, v, g := make([]float32, n), make([]float32, n), make([]float32, n)
	p := SGD{LR: 0.01, Momentum: 0.9, WeightDecay: 1e-4}
	for _, im := range impls() {
		with(im, func() {
			a := testing.AllocsPerRun(10, func() { SGDStep(x, v, g, p) })
			if a != 0 {
				t.Errorf("%s: %v allocations", im.name, a)
			}
		})
	}
}

func TestPanics(t *testing.T) {
	s := make([]float32, 16)
	cases := map[string]func(){
		"short v": func() { SGDStep(s, s[:3], s, SGD{}) },
		"short g": func() { SGDStep(s, s, s[:3], SGD{}) },
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
