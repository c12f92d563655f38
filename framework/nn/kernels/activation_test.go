package kernels

import (
	"math"
	"testing"

	"github.com/slotlab/slotlab/framework/rng"
)

func TestReLU(t *testing.T) {
	nan := float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	for _, n := range []int{0, 1, 7, 3 * elemGrain} { // small and parallel sizes
		x := to32(randVec(700, n, 1))
		if n > 2 {
			x[0], x[1], x[2] = 0, nan, negZero
		}
		dy := to32(randVec(701, n, 1))
		y := make([]float32, n)
		dx := make([]float32, n)
		ReLUForward(x, y)
		ReLUBackward(y, dy, dx)
		want := refReLU(to64(x))
		wantDx := refReLUBackward(to64(x), to64(dy))
		for i := range x {
			if x[i] != x[i] {
				if y[i] == y[i] || dx[i] != 0 {
					t.Fatalf("n=%d: NaN input gave y=%v dx=%v, want NaN and 0", n, y[i], dx[i])
				}
				continue
			}
			if float64(y[i]) != want[i] || float64(dx[i]) != wantDx[i] {
				t.Fatalf("n=%d at %d: x=%v y=%v dx=%v, want %v %v", n, i, x[i], y[i], dx[i], want[i], wantDx[i])
			}
		}
		// in place
		ReLUForward(x, x)
		ReLUBackward(x, dy, dy)
		for i := range x {
			if math.Float32bits(x[i]) != math.Float32bits(y[i]) || dy[i] != dx[i] {
				t.Fatalf("n=%d: in-place ReLU differs at %d", n, i)
			}
		}
	}
}

func TestDropout(t *testing.T) {
	s := rng.New(9, "dropout")
	for _, tc := range []struct {
		n int
		p float32
	}{{0, 0.5}, {11, 0.5}, {3 * elemGrain, 0.5}, {1000, 0}, {1000, 1}, {5000, 0.2}} {
		x := to32(randVec(800, tc.n, 1))
		dy := to32(randVec(801, tc.n, 1))
		y := make([]float32, tc.n)
		mask := make([]float32, tc.n)
		dx := make([]float32, tc.n)
		const counter = 12345
		DropoutForward(x, y, mask, tc.p, s, counter)
		DropoutBackward(dy, mask, dx)
		kept := 0
		for j := range x {
			var want float32
			if s.Float32(counter+uint64(j)) >= tc.p && tc.p < 1 {
				want = 1 / (1 - tc.p)
				kept++
			}
			if mask[j] != want || y[j] != x[j]*want || dx[j] != dy[j]*want {
				t.Fatalf("n=%d p=%v at %d: mask %v y %v dx %v, want mask %v", tc.n, tc.p, j, mask[j], y[j], dx[j], want)
			}
		}
		if tc.n >= 1000 {
			frac := float64(kept) / float64(tc.n)
			if math.Abs(frac-(1-float64(tc.p))) > 0.05 {
				t.Errorf("n=%d p=%v: kept fraction %.3f", tc.n, tc.p, frac)
			}
		}
		// Splitting the call and advancing the counter gives the same mask.
		if tc.n > 1 {
			h := tc.n / 2
			m2 := make([]float32, tc.n)
			DropoutForward(x[:h], y[:h], m2[:h], tc.p, s, counter)
			DropoutForward(x[h:], y[h:], m2[h:], tc.p, s, counter+uint64(h))
			for j := range m2 {
				if m2[j] != mask[j] {
					t.Fatalf("n=%d: split call differs at %d", tc.n, j)
				}
			}
		}
	}
}

// ReLU's and dropout's backward passes against finite differences of
// L = Σ r·y in float64.
func TestElementwiseFiniteDifferences(t *testing.T) {
	const n = 257
	x := randVec(710, n, 1)
	r := randVec(711, n, 1)
	dx := make([]float32, n)
	y := make([]float32, n)
	ReLUForward(to32(x), y)
	ReLUBackward(y, to32(r), dx)
	fd := numGrad(func(v []float64) float64 { return dot(r, refReLU(v)) }, x, 1e-6)
	checkErr(t, "relu backward FD", relErr(dx, fd), 1e-7)

	mask := make([]float32, n)
	DropoutForward(to32(x), y, mask, 0.3, rng.New(3, "fd"), 99)
	DropoutBackward(to32(r), mask, dx)
	m := to64(mask)
	fd = numGrad(func(v []float64) float64 {
		var s float64
		for i := range v {
			s += r[i] * v[i] * m[i]
		}
		return s
	}, x, 1e-3)
	checkErr(t, "dropout backward FD", relErr(dx, fd), 1e-7)
}

// reluSpecials are inputs whose ReLU bits matter: signed zeros, NaNs of
// both signs, infinities, subnormals and ordinary values.
func reluSpecials(n int) []float32 {
	sp := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), math.Float32frombits(0xffc00001),
		float32(math.Inf(1)), float32(math.Inf(-1)), math.Float32frombits(1), math.Float32frombits(0x80000001),
		1.5, -1.5, math.MaxFloat32, -math.MaxFloat32}
	x := to32(randVec(702, n, 1))
	for i := range x {
		if i%3 == 0 {
			x[i] = sp[(i/3)%len(sp)]
		}
	}
	return x
}

// TestReLUBits checks ReLU and its gradient bit for bit against the
// definition (y = x unless x < 0, then +0, so −0 and NaN pass; dx = dy
// where y > 0, else +0) at every length up to 70, where the AVX2 kernel
// takes multiples of 8 and Go the rest, on signed zeros, NaNs,
// infinities and subnormals; and the kernels alone where the CPU has them.
func TestReLUBits(t *testing.T) {
	relu := func(v float32) uint32 {
		if v < 0 {
			return 0
		}
		return math.Float32bits(v)
	}
	grad := func(y, dy float32) uint32 {
		if y > 0 {
			return math.Float32bits(dy)
		}
		return 0
	}
	for n := 0; n <= 70; n++ {
		x := reluSpecials(n)
		dy := reluSpecials(n)
		for i := range dy {
			dy[i] = -dy[(i+1)%n]
		}
		y, dx := make([]float32, n), make([]float32, n)
		ReLUForward(x, y)
		ReLUBackward(x, dy, dx)
		for i := range x {
			if math.Float32bits(y[i]) != relu(x[i]) || math.Float32bits(dx[i]) != grad(x[i], dy[i]) {
				t.Fatalf("n=%d at %d: x=%v (%#x) dy=%v: y %#x dx %#x, want %#x %#x", n, i, x[i], math.Float32bits(x[i]), dy[i],
					math.Float32bits(y[i]), math.Float32bits(dx[i]), relu(x[i]), grad(x[i], dy[i]))
			}
		}
	}
	if !useAsm {
		t.Skip("no AVX2 here: the Go loops alone were checked")
	}
	for n := 8; n <= 72; n += 8 {
		x := reluSpecials(n)
		dy := reluSpecials(n)
		y, dx := make([]float32, n+1), make([]float32, n+1)
		y[n], dx[n] = 7, 7
		reluAVX2(&x[0], &y[0], n)
		reluGradAVX2(&x[0], &dy[0], &dx[0], n)
		for i := range x {
			if math.Float32bits(y[i]) != relu(x[i]) || math.Float32bits(dx[i]) != grad(x[i], dy[i]) {
				t.Fatalf("AVX2 n=%d at %d: x=%#x: y %#x dx %#x, want %#x %#x", n, i, math.Float32bits(x[i]), math.Float32bits(y[i]), math.Float32bits(dx[i]), relu(x[i]), grad(x[i], dy[i]))
			}
		}
		if y[n] != 7 || dx[n] != 7 {
			t.Fatalf("AVX2 n=%d wrote past n", n)
		}
	}
}
