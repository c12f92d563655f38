package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/slotlab/slotlab/framework/internal/isa"
	"github.com/slotlab/slotlab/framework/isatest"
)

// forEachPath runs f as a subtest, named after the path, for every
// instruction-set path (see package isa), skipping those this CPU or
// build lacks.
func forEachPath(t *testing.T, f func(t *testing.T, shape kernelShape)) {
	for _, l := range isa.Levels {
		t.Run(l.String(), func(t *testing.T) {
			shape := shapeFor(l)
			isatest.Path(t, l, shape.isa == l)
			f(t, shape)
		})
	}
}

func shapeName(s kernelShape) string { return s.isa.String() }

// operands holds a random test problem stored with padded strides.
type operands struct {
	transA, transB bool
	m, n, k        int
	a, b, c        []float32
	lda, ldb, ldc  int
	prod, mag      []float64 // see reference
}

const sentinel = float32(-12345.5)

func newOperands(rng *rand.Rand, transA, transB bool, m, n, k, pad int) *operands {
	o := &operands{transA: transA, transB: transB, m: m, n: n, k: k}
	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}
	o.lda, o.ldb, o.ldc = colsA+pad, colsB+pad, n+pad
	o.a = randSlice(rng, rowsA*o.lda)
	o.b = randSlice(rng, rowsB*o.ldb)
	o.c = randSlice(rng, m*o.ldc)
	// Padding columns of C must never be written.
	for i := range m {
		for j := n; j < o.ldc; j++ {
			o.c[i*o.ldc+j] = sentinel
		}
	}
	return o
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

func (o *operands) atA(i, p int) float64 {
	if o.transA {
		return float64(o.a[p*o.lda+i])
	}
	return float64(o.a[i*o.lda+p])
}

func (o *operands) atB(p, j int) float64 {
	if o.transB {
		return float64(o.b[j*o.ldb+p])
	}
	return float64(o.b[p*o.ldb+j])
}

// reference returns op(A)·op(B) and Σ|a||b| per element, in float64,
// computing them on first use.
func (o *operands) reference() (prod, mag []float64) {
	if o.prod == nil {
		o.prod = make([]float64, o.m*o.n)
		o.mag = make([]float64, o.m*o.n)
		for i := range o.m {
			for p := range o.k {
				x := o.atA(i, p)
				for j := range o.n {
					v := x * o.atB(p, j)
					o.prod[i*o.n+j] += v
					o.mag[i*o.n+j] += math.Abs(v)
				}
			}
		}
	}
	return o.prod, o.mag
}

// check compares got (the C computed from o.c) with a float64 reference,
// allowing |err| ≤ 1e-5·(|alpha|·Σ|a||b| + |beta·c|) per element, and
// checks the padding columns of C were left alone.
func (o *operands) check(t *testing.T, got []float32, alpha, beta float32) {
	t.Helper()
	prod, mag := o.reference()
	bad := 0
	for i := range o.m {
		for j := range o.ldc {
			g := got[i*o.ldc+j]
			if j >= o.n {
				if g != sentinel {
					t.Fatalf("C[%d][%d] (padding) = %v, was written", i, j, g)
				}
				continue
			}
			want := float64(alpha) * prod[i*o.n+j]
			bound := math.Abs(float64(alpha)) * mag[i*o.n+j]
			if beta != 0 {
				cb := float64(beta) * float64(o.c[i*o.ldc+j])
				want += cb
				bound += math.Abs(cb)
			}
			if err := math.Abs(float64(g) - want); !(err <= 1e-5*bound+1e-30) {
				if bad++; bad <= 5 {
					t.Errorf("C[%d][%d] = %v, want %v (err %.3g, bound %.3g)", i, j, g, want, err, 1e-5*bound)
				}
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d wrong elements", bad)
	}
}

var testShapes = []struct{ m, n, k int }{
	{1, 1, 1}, {1, 1, 7}, {2, 3, 1}, {1, 17, 5}, {17, 1, 5},
	{6, 16, 4}, {6, 16, 1}, {12, 32, 8}, {5, 15, 3}, {7, 13, 17},
	{13, 7, 17}, {100, 3, 1}, {3, 100, 2}, {31, 47, 29},
	{64, 64, 64}, {65, 33, 385}, {145, 49, 770}, {150, 3100, 20},
	{128, 300, 784}, {128, 784, 300}, {784, 64, 576}, {100, 128, 1152},
}

func TestSgemmBackends(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	forEachPath(t, func(t *testing.T, shape kernelShape) {
		for _, sh := range testShapes {
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				for _, pad := range []int{0, 3} {
					name := fmt.Sprintf("%dx%dx%d/tA=%v,tB=%v/pad=%d", sh.m, sh.n, sh.k, tr[0], tr[1], pad)
					t.Run(name, func(t *testing.T) {
						if big := sh.m*sh.n*sh.k > 1e6; big && (raceEnabled || testing.Short() && pad == 0) {
							t.Skip("large shape")
						}
						o := newOperands(rng, tr[0], tr[1], sh.m, sh.n, sh.k, pad)
						for _, alpha := range []float32{1, 0.5} {
							for _, beta := range []float32{0, 1, -0.3} {
								got := append([]float32(nil), o.c...)
								if beta == 0 {
									for i := range o.m {
										for j := range o.n {
											got[i*o.ldc+j] = float32(math.NaN())
										}
									}
								}
								sgemmGo(shape, 2, o.transA, o.transB, o.m, o.n, o.k, alpha, o.a, o.lda, o.b, o.ldb, beta, got, o.ldc)
								o.check(t, got, alpha, beta)
							}
						}
					})
				}
			}
		}
	})
}

func TestSgemmPublic(t *testing.T) {
	t.Logf("backend %s", Backend())
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sh := range testShapes {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			o := newOperands(rng, tr[0], tr[1], sh.m, sh.n, sh.k, 1)
			got := append([]float32(nil), o.c...)
			Sgemm(o.transA, o.transB, o.m, o.n, o.k, 0.5, o.a, o.lda, o.b, o.ldb, -0.3, got, o.ldc)
			o.check(t, got, 0.5, -0.3)
		}
	}
}

func TestSgemmDegenerate(t *testing.T) {
	forEachPath(t, func(t *testing.T, shape kernelShape) {
		// k = 0 and alpha = 0 only scale C.
		c := []float32{1, 2, 3, 4}
		sgemmGo(shape, 2, false, false, 2, 2, 0, 1, nil, 1, nil, 2, 2, c, 2)
		if c[0] != 2 || c[3] != 8 {
			t.Errorf("%s: k=0 beta=2: C = %v", shapeName(shape), c)
		}
		sgemmGo(shape, 2, false, false, 2, 2, 0, 1, nil, 1, nil, 2, 1, c, 2)
		if c[0] != 2 || c[3] != 8 {
			t.Errorf("%s: k=0 beta=1: C = %v", shapeName(shape), c)
		}
		nan := float32(math.NaN())
		c = []float32{nan, nan, nan, nan}
		sgemmGo(shape, 2, false, false, 2, 2, 1, 0, []float32{1, 2}, 1, []float32{1, 2}, 2, 0, c, 2)
		for _, v := range c {
			if v != 0 {
				t.Errorf("%s: alpha=0 beta=0 over NaN: C = %v", shapeName(shape), c)
				break
			}
		}
		// m = 0 or n = 0: nothing happens.
		sgemmGo(shape, 2, false, false, 0, 2, 2, 1, nil, 2, []float32{1, 2, 3, 4}, 2, 0, nil, 2)
	})
	Sgemm(false, false, 0, 0, 0, 1, nil, 1, nil, 1, 0, nil, 1)
}

func TestSgemmPanics(t *testing.T) {
	a := make([]float32, 12)
	cases := []struct {
		name string
		f    func()
	}{
		{"negative m", func() { Sgemm(false, false, -1, 2, 2, 1, a, 2, a, 2, 0, a, 2) }},
		{"small lda", func() { Sgemm(false, false, 2, 2, 3, 1, a, 2, a, 2, 0, a, 2) }},
		{"small lda trans", func() { Sgemm(true, false, 3, 2, 2, 1, a, 2, a, 2, 0, a, 2) }},
		{"small ldb", func() { Sgemm(false, true, 2, 2, 3, 1, a, 3, a, 2, 0, a, 2) }},
		{"small ldc", func() { Sgemm(false, false, 2, 3, 2, 1, a, 2, a, 3, 0, a, 2) }},
		{"short a", func() { Sgemm(false, false, 4, 2, 4, 1, a, 4, a, 2, 0, a, 2) }},
		{"short b", func() { Sgemm(false, false, 2, 2, 7, 1, a, 7, a, 2, 0, a, 2) }},
		{"short c", func() { Sgemm(false, false, 7, 2, 1, 1, a, 1, a, 2, 0, a, 2) }},
	}
	for _, tc := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}

// TestSgemmPartitionInvariance computes C in rectangles cut at arbitrary
// (not tile-aligned) places and checks the result is bit-identical to the
// whole product: an element's value must not depend on the tile it is in.
func TestSgemmPartitionInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	forEachPath(t, func(t *testing.T, shape kernelShape) {
		for _, tr := range [][2]bool{{false, false}, {true, true}} {
			o := newOperands(rng, tr[0], tr[1], 97, 83, 800, 2)
			for _, beta := range []float32{0, 1, -0.3} {
				p := problem{shape: shape, transA: o.transA, transB: o.transB, m: o.m, n: o.n, k: o.k, kc: kcFor(o.k),
					alpha: 0.7, beta: beta, a: o.a, b: o.b, lda: o.lda, ldb: o.ldb, ldc: o.ldc}
				var buf buffers
				p.c = append([]float32(nil), o.c...)
				p.runPart(0, o.m, 0, o.n, &buf)
				whole := p.c
				p.c = append([]float32(nil), o.c...)
				is := []int{0, 1, 8, 40, 41, 90, o.m}
				js := []int{0, 5, 21, 22, 70, o.n}
				for x := 1; x < len(is); x++ {
					for y := 1; y < len(js); y++ {
						p.runPart(is[x-1], is[x], js[y-1], js[y], &buf)
					}
				}
				for i := range whole {
					if math.Float32bits(whole[i]) != math.Float32bits(p.c[i]) {
						t.Fatalf("%s beta=%v: element %d: %v whole vs %v in pieces", shapeName(shape), beta, i, whole[i], p.c[i])
					}
				}
			}
		}
	})
}

// TestSgemmDeterministic checks results are bit-identical across
// GOMAXPROCS settings, part counts and repeated runs.
func TestSgemmDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	shapes := []struct{ m, n, k int }{{784, 64, 576}, {64, 576, 2000}, {128, 300, 784}, {250, 250, 250}}
	if testing.Short() {
		shapes = []struct{ m, n, k int }{{200, 64, 576}, {64, 200, 900}, {128, 100, 300}}
	}
	forEachPath(t, func(t *testing.T, shape kernelShape) {
		for _, sh := range shapes {
			o := newOperands(rng, false, true, sh.m, sh.n, sh.k, 0)
			var first []float32
			for _, procs := range []int{1, 2, 3, 1, 2, 4, 2} {
				runtime.GOMAXPROCS(procs)
				for parts := range 9 {
					got := append([]float32(nil), o.c...)
					if parts == 0 {
						if override != nil || shape != active {
							continue // Sgemm runs another backend
						}
						Sgemm(o.transA, o.transB, o.m, o.n, o.k, 0.5, o.a, o.lda, o.b, o.ldb, 0.25, got, o.ldc)
					} else {
						sgemmGo(shape, parts, o.transA, o.transB, o.m, o.n, o.k, 0.5, o.a, o.lda, o.b, o.ldb, 0.25, got, o.ldc)
					}
					if first == nil {
						first = got
						continue
					}
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(first[i]) {
							t.Fatalf("%s %dx%dx%d GOMAXPROCS=%d parts=%d: element %d differs: %v vs %v",
								shapeName(shape), sh.m, sh.n, sh.k, procs, parts, i, got[i], first[i])
						}
					}
				}
			}
		}
	})
}

// TestSgemmConcurrent runs many calls at once; results must still match.
func TestSgemmConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	o := newOperands(rng, false, false, 200, 150, 300, 0)
	want := append([]float32(nil), o.c...)
	Sgemm(false, false, o.m, o.n, o.k, 1, o.a, o.lda, o.b, o.ldb, 0, want, o.ldc)
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			got := make([]float32, len(o.c))
			for range 20 {
				Sgemm(false, false, o.m, o.n, o.k, 1, o.a, o.lda, o.b, o.ldb, 0, got, o.ldc)
				for i := range got {
					if got[i] != want[i] {
						errs <- fmt.Errorf("goroutine %d: element %d: %v vs %v", g, i, got[i], want[i])
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func TestSgemmAllocs(t *testing.T) {
	if testing.CoverMode() != "" || raceEnabled {
		t.Skip("allocation counts are not meaningful under coverage or race")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	forEachPath(t, func(t *testing.T, shape kernelShape) {
		for _, sh := range []struct{ m, n, k int }{{7, 13, 17}, {128, 300, 784}, {784, 64, 576}} {
			o := newOperands(rng, true, false, sh.m, sh.n, sh.k, 0)
			f := func() {
				sgemmGo(shape, maxParts(), o.transA, o.transB, o.m, o.n, o.k, 1, o.a, o.lda, o.b, o.ldb, 0, o.c, o.ldc)
			}
			f()
			if n := testing.AllocsPerRun(20, f); n > 0.1 {
				t.Errorf("%s %dx%dx%d: %.2f allocations per call", shapeName(shape), sh.m, sh.n, sh.k, n)
			}
		}
	})
}

func TestKcFor(t *testing.T) {
	for _, k := range []int{1, 7, 384, 385, 576, 1152, 25088} {
		kc := kcFor(k)
		if kc <= 0 || kc > kcMax+7 || (k <= kcMax && kc != k) {
			t.Errorf("kcFor(%d) = %d", k, kc)
		}
	}
}

// TestSgemmDirectA checks that reading A in place gives bit-for-bit the
// results of packing it.
func TestSgemmDirectA(t *testing.T) {
	forEachPath(t, func(t *testing.T, base kernelShape) {
		if base.directMaxN == 0 {
			t.Skipf("the %s path always packs A", base.isa)
		}
		rng := rand.New(rand.NewPCG(13, 14))
		for _, sh := range []struct{ m, n, k int }{{7, 16, 5}, {784, 64, 576}, {100, 40, 900}, {13, 70, 33}, {29, 10, 17}, {12, 32, 3}} {
			for _, tb := range []bool{false, true} {
				o := newOperands(rng, false, tb, sh.m, sh.n, sh.k, 1)
				var res [2][]float32
				for i, dn := range []int{0, 1 << 30} {
					shape := base
					shape.directMaxN = dn
					for _, beta := range []float32{0, -0.3} {
						got := append([]float32(nil), o.c...)
						sgemmGo(shape, 1, o.transA, o.transB, o.m, o.n, o.k, 0.5, o.a, o.lda, o.b, o.ldb, beta, got, o.ldc)
						o.check(t, got, 0.5, beta)
						res[i] = append(res[i], got...)
					}
				}
				for i := range res[0] {
					if math.Float32bits(res[0][i]) != math.Float32bits(res[1][i]) {
						t.Fatalf("%dx%dx%d: element %d: packed %v, in place %v", sh.m, sh.n, sh.k, i, res[0][i], res[1][i])
					}
				}
			}
		}
	})
}

// TestSgemmAVX512MatchesAVX2 checks the property the package doc states:
// the AVX-512F and AVX2 paths compute every element with the same fused
// multiply-add chain, so their results are bit-identical. (Only "same
// path, same numbers" is promised; if the paths are ever made to differ on
// purpose, this test goes and the doc changes with it.)
func TestSgemmAVX512MatchesAVX2(t *testing.T) {
	isatest.Path(t, isa.AVX2, hasAVX2)
	isatest.Path(t, isa.AVX512, hasAVX512)
	rng := rand.New(rand.NewPCG(15, 16))
	for _, sh := range testShapes {
		if sh.m*sh.n*sh.k > 1e6 && (raceEnabled || testing.Short()) {
			continue
		}
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			o := newOperands(rng, tr[0], tr[1], sh.m, sh.n, sh.k, 3)
			for _, beta := range []float32{0, 1, -0.3} {
				var res [2][]float32
				for i, shape := range []kernelShape{avx512Shape, avx2Shape} {
					res[i] = append([]float32(nil), o.c...)
					sgemmGo(shape, 2, o.transA, o.transB, o.m, o.n, o.k, 0.7, o.a, o.lda, o.b, o.ldb, beta, res[i], o.ldc)
				}
				for i := range res[0] {
					if math.Float32bits(res[0][i]) != math.Float32bits(res[1][i]) {
						t.Fatalf("%dx%dx%d tA=%v tB=%v beta=%v: element %d: avx512 %v, avx2 %v",
							sh.m, sh.n, sh.k, tr[0], tr[1], beta, i, res[0][i], res[1][i])
					}
				}
			}
		}
	}
}

// TestSgemmBInPlace checks that the AVX-512 kernels reading B in place
// give bit-for-bit the results of packing it: every mix of whole and
// partial column tiles (n mod 32 of 0, 16, under 16 and over 16), one and
// several k blocks, A packed and in place, beta 0 and not, on one and two
// goroutines (which split C at other columns).
func TestSgemmBInPlace(t *testing.T) {
	isatest.Path(t, isa.AVX512, hasAVX512)
	defer func(v bool) { readBInPlace = v }(readBInPlace)
	rng := rand.New(rand.NewPCG(17, 18))
	for _, sh := range []struct{ m, n, k int }{
		{7, 16, 5}, {13, 32, 9}, {29, 70, 33}, {12, 48, 3}, {64, 98, 64}, {100, 40, 900}, {6, 5, 17}, {25, 200, 400}, {128, 37, 20},
	} {
		o := newOperands(rng, false, false, sh.m, sh.n, sh.k, 1)
		var res [2][]float32
		for i, in := range []bool{false, true} {
			readBInPlace = in
			for _, dn := range []int{0, 1 << 30} {
				shape := avx512Shape
				shape.directMaxN = dn
				for _, beta := range []float32{0, -0.3} {
					for _, parts := range []int{1, 2} {
						got := append([]float32(nil), o.c...)
						sgemmGo(shape, parts, false, false, o.m, o.n, o.k, 0.5, o.a, o.lda, o.b, o.ldb, beta, got, o.ldc)
						o.check(t, got, 0.5, beta)
						res[i] = append(res[i], got...)
					}
				}
			}
		}
		for i := range res[0] {
			if math.Float32bits(res[0][i]) != math.Float32bits(res[1][i]) {
				t.Fatalf("%dx%dx%d: element %d: packed %v, in place %v", sh.m, sh.n, sh.k, i, res[0][i], res[1][i])
			}
		}
	}
}

// TestSgemmATInPlace checks the AVX-512 T kernels, which read a transposed
// A in place: every shape (whole and partial row and column tiles, k
// blocks, B packed and in place, one and two parts, beta 0 and not) gives
// the reference's values and the same bits as with A packed.
func TestSgemmATInPlace(t *testing.T) {
	isatest.Path(t, isa.AVX512, hasAVX512)
	defer func(a, b bool) { readATInPlace, readBInPlace = a, b }(readATInPlace, readBInPlace)
	rng := rand.New(rand.NewPCG(19, 20))
	for _, sh := range []struct{ m, n, k int }{
		{7, 16, 5}, {13, 32, 9}, {29, 70, 33}, {12, 48, 3}, {64, 98, 64}, {100, 40, 900},
		{6, 5, 17}, {25, 200, 400}, {128, 37, 20}, {512, 64, 128}, {36, 300, 7}, {150, 320, 1},
	} {
		for _, transB := range []bool{false, true} {
			o := newOperands(rng, true, transB, sh.m, sh.n, sh.k, 3)
			var res [2][]float32
			for i, in := range []bool{false, true} {
				readATInPlace = in
				for _, bIn := range []bool{false, true} {
					readBInPlace = bIn
					for _, beta := range []float32{0, -0.3} {
						for _, parts := range []int{1, 2} {
							got := append([]float32(nil), o.c...)
							sgemmGo(avx512Shape, parts, true, transB, o.m, o.n, o.k, 0.5, o.a, o.lda, o.b, o.ldb, beta, got, o.ldc)
							o.check(t, got, 0.5, beta)
							res[i] = append(res[i], got...)
						}
					}
				}
			}
			for i := range res[0] {
				if math.Float32bits(res[0][i]) != math.Float32bits(res[1][i]) {
					t.Fatalf("%dx%dx%d transB=%v: element %d: packed %v, in place %v", sh.m, sh.n, sh.k, transB, i, res[0][i], res[1][i])
				}
			}
		}
	}
}
