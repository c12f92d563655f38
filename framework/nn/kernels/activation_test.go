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
