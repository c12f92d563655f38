package kernels

import (
	"fmt"
	"math"
	"testing"
)

var poolShapes = []Pool2D{
	{N: 3, C: 2, H: 7, W: 7, Size: 2, Stride: 2}, // odd size: last row/column dropped
	{N: 3, C: 2, H: 8, W: 6, Size: 2, Stride: 2},
	{N: 3, C: 2, H: 7, W: 7, Size: 3, Stride: 2}, // overlapping windows
	{N: 2, C: 3, H: 5, W: 6, Size: 2, Stride: 1},
	{N: 2, C: 3, H: 4, W: 4, Size: 4, Stride: 4},
}

func TestMaxPoolAgainstReference(t *testing.T) {
	for i, p := range poolShapes {
		t.Run(fmt.Sprintf("%+v", p), func(t *testing.T) {
			x := randVec(uint64(100+i), p.InSize(), 1)
			r := randVec(uint64(200+i), p.OutSize(), 1)
			y64, arg64 := refMaxPool(p, x)
			fd := numGrad(func(v []float64) float64 { y, _ := refMaxPool(p, v); return dot(r, y) }, x, 1e-6)
			y := make([]float32, p.OutSize())
			arg := make([]int32, p.OutSize())
			dx := make([]float32, p.InSize())
			for k := range dx {
				dx[k] = 7 // must be overwritten
			}
			MaxPoolForward(p, to32(x), y, arg)
			MaxPoolBackward(p, to32(r), arg, dx)
			checkErr(t, "forward", relErr(y, y64), 0)
			for o, a := range arg {
				if want := arg64[o] % (p.H * p.W); int(a) != want {
					t.Fatalf("argmax[%d] = %d, want %d", o, a, want)
				}
			}
			checkErr(t, "backward", relErr(dx, refMaxPoolBackward(p, arg64, r)), 2e-7) // overlapping windows add in float32
			checkErr(t, "backward FD", relErr(dx, fd), 2e-7)
		})
	}
}

// On ties the gradient goes to the first maximum in row-major window order,
// as in PyTorch; NaN wins.
func TestMaxPoolTies(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		name string
		p    Pool2D
		x    []float32
		arg  []int32
	}{
		{"all equal 2x2", Pool2D{1, 1, 2, 2, 2, 2}, []float32{1, 1, 1, 1}, []int32{0}},
		{"later pair ties", Pool2D{1, 1, 2, 2, 2, 2}, []float32{0, 3, 1, 3}, []int32{1}},
		{"bottom row ties", Pool2D{1, 1, 2, 2, 2, 2}, []float32{-1, -2, 5, 5}, []int32{2}},
		{"zeros and negative zero", Pool2D{1, 1, 2, 2, 2, 2}, []float32{float32(math.Copysign(0, -1)), 0, 0, 0}, []int32{0}},
		{"nan wins", Pool2D{1, 1, 2, 2, 2, 2}, []float32{1, 9, nan, 2}, []int32{2}},
		{"first nan wins", Pool2D{1, 1, 2, 4, 2, 2}, []float32{nan, 1, 5, 6, 2, 3, nan, nan}, []int32{0, 6}},
		{"infinity", Pool2D{1, 1, 2, 2, 2, 2}, []float32{1, float32(math.Inf(1)), 2, float32(math.Inf(1))}, []int32{1}},
		{"all equal 3x3 stride 1", Pool2D{1, 1, 3, 4, 3, 1}, []float32{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, []int32{0, 1}},
		{"equal 3x3 stride 2", Pool2D{1, 1, 3, 5, 3, 2}, []float32{0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 0, 0, 4, 0, 0}, []int32{2, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y := make([]float32, tc.p.OutSize())
			arg := make([]int32, tc.p.OutSize())
			MaxPoolForward(tc.p, tc.x, y, arg)
			for o := range arg {
				if arg[o] != tc.arg[o] {
					t.Fatalf("argmax = %v, want %v", arg, tc.arg)
				}
			}
			dy := make([]float32, len(y))
			for o := range dy {
				dy[o] = float32(o + 1)
			}
			dx := make([]float32, tc.p.InSize())
			MaxPoolBackward(tc.p, dy, arg, dx)
			want := make([]float32, len(dx))
			for o, a := range tc.arg {
				want[a] += dy[o]
			}
			for k := range dx {
				if dx[k] != want[k] {
					t.Fatalf("dx = %v, want %v", dx, want)
				}
			}
		})
	}
}

func TestAvgPoolAgainstReference(t *testing.T) {
	for i, p := range poolShapes {
		t.Run(fmt.Sprintf("%+v", p), func(t *testing.T) {
			x := randVec(uint64(300+i), p.InSize(), 1)
			r := randVec(uint64(400+i), p.OutSize(), 1)
			fd := numGrad(func(v []float64) float64 { return dot(r, refAvgPool(p, v)) }, x, 1e-3)
			y := make([]float32, p.OutSize())
			dx := make([]float32, p.InSize())
			for k := range dx {
				dx[k] = 7
			}
			AvgPoolForward(p, to32(x), y)
			AvgPoolBackward(p, to32(r), dx)
			checkErr(t, "forward", relErr(y, refAvgPool(p, x)), 2e-7)
			checkErr(t, "backward", relErr(dx, refAvgPoolBackward(p, r)), 2e-7)
			checkErr(t, "backward FD", relErr(dx, fd), 2e-7)
		})
	}
}

func TestPoolValidate(t *testing.T) {
	for _, p := range []Pool2D{{0, 1, 2, 2, 2, 2}, {1, 1, 1, 2, 2, 2}, {1, 1, 2, 2, 2, 0}} {
		if p.Validate() == nil {
			t.Errorf("%+v: Validate() = nil", p)
		}
	}
}
