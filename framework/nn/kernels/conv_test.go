package kernels

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"
)

var convShapes = []ConvShape{
	{N: 3, C: 2, H: 7, W: 7, F: 5, KH: 3, KW: 3, Stride: 1, Pad: 0},
	{N: 3, C: 2, H: 7, W: 7, F: 5, KH: 3, KW: 3, Stride: 1, Pad: 1},
	{N: 3, C: 2, H: 7, W: 7, F: 5, KH: 3, KW: 3, Stride: 2, Pad: 0},
	{N: 3, C: 2, H: 7, W: 7, F: 5, KH: 3, KW: 3, Stride: 2, Pad: 1},
	{N: 3, C: 3, H: 6, W: 7, F: 4, KH: 2, KW: 3, Stride: 1, Pad: 1},
	{N: 3, C: 2, H: 7, W: 5, F: 3, KH: 2, KW: 2, Stride: 2, Pad: 2},
	{N: 3, C: 4, H: 5, W: 5, F: 3, KH: 1, KW: 1, Stride: 1, Pad: 0},
	{N: 3, C: 2, H: 7, W: 7, F: 5, KH: 7, KW: 7, Stride: 1, Pad: 0},
	{N: 3, C: 2, H: 5, W: 12, F: 3, KH: 3, KW: 3, Stride: 1, Pad: 1}, // wide: block copies
	{N: 3, C: 2, H: 6, W: 19, F: 3, KH: 3, KW: 2, Stride: 2, Pad: 1},
}

var convOptions = []ConvOptions{
	{},
	{Strategy: ConvPerImage, Group: 1},
	{Strategy: ConvPerImage, Group: 2},
	{Strategy: ConvPerGEMM, Group: 1},
	{Strategy: ConvPerGEMM, Group: 2},
	{Strategy: ConvMixed, Group: 2},
}

func TestConvShape(t *testing.T) {
	tests := []struct {
		s      ConvShape
		oh, ow int
		ok     bool
	}{
		{ConvShape{1, 3, 32, 32, 64, 3, 3, 1, 0}, 30, 30, true},
		{ConvShape{1, 3, 32, 32, 64, 3, 3, 1, 1}, 32, 32, true},
		{ConvShape{1, 2, 7, 7, 5, 3, 3, 2, 1}, 4, 4, true},
		{ConvShape{1, 2, 2, 2, 5, 3, 3, 1, 0}, 0, 0, false},
		{ConvShape{1, 2, 7, 7, 5, 3, 3, 0, 0}, 0, 0, false},
		{ConvShape{1, 2, 7, 7, 5, 3, 3, 1, -1}, 0, 0, false},
	}
	for _, tc := range tests {
		err := tc.s.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("%+v: Validate() = %v, want ok=%v", tc.s, err, tc.ok)
		}
		if tc.ok && (tc.s.OutH() != tc.oh || tc.s.OutW() != tc.ow) {
			t.Errorf("%+v: out %d×%d, want %d×%d", tc.s, tc.s.OutH(), tc.s.OutW(), tc.oh, tc.ow)
		}
	}
}

var convChecks = [...]string{"forward", "backward data", "backward filter", "backward data vs FD", "backward filter vs FD"}

func TestConvAgainstReference(t *testing.T) {
	const tol = 2e-6
	var worst [len(convChecks)]float64
	for si, s := range convShapes {
		x := randVec(uint64(10*si+1), s.InSize(), 1)
		w := randVec(uint64(10*si+2), s.WeightSize(), 1)
		r := randVec(uint64(10*si+3), s.OutSize(), 1)
		y64 := refConv(s, x, w)
		dx64, dw64 := refConvBackward(s, x, w, r)
		fdx := numGrad(func(v []float64) float64 { return dot(r, refConv(s, v, w)) }, x, 1e-3)
		fdw := numGrad(func(v []float64) float64 { return dot(r, refConv(s, x, v)) }, w, 1e-3)
		var first [2][]float32 // dx, dw of the first variant
		for _, o := range convOptions {
			for _, table := range []bool{true, false} {
				c := NewConvWith(s, o)
				if !table {
					if c.plan.tab == nil {
						continue
					}
					c.plan.tab = nil // force the block-copy im2col
				}
				name := fmt.Sprintf("%+v/%+v/table=%v", s, o, c.plan.tab != nil)
				y := make([]float32, s.OutSize())
				dx := make([]float32, s.InSize())
				dw := make([]float32, s.WeightSize())
				for i := range dx {
					dx[i] = float32(math.NaN()) // must be overwritten
				}
				for i := range dw {
					dw[i] = float32(math.NaN())
				}
				c.Forward(to32(x), to32(w), y)
				c.BackwardData(to32(r), to32(w), dx)
				c.BackwardFilter(to32(x), to32(r), dw)
				errs := []float64{relErr(y, y64), relErr(dx, dx64), relErr(dw, dw64), relErr(dx, fdx), relErr(dw, fdw)}
				for k, e := range errs {
					if !(e <= tol) {
						t.Errorf("%s: %s relative error %.3g > %g", name, convChecks[k], e, tol)
					}
					worst[k] = math.Max(worst[k], e)
				}
				// Every variant sums dx in the same order; dw only when the
				// grouping and slabs match.
				if first[0] == nil {
					first = [2][]float32{dx, dw}
				} else if !sameBits(dx, first[0]) {
					t.Errorf("%s: dx differs in bits from the first variant", name)
				}
				if o == (ConvOptions{}) && !sameBits(dw, first[1]) {
					t.Errorf("%s: dw with the table differs in bits from without", name)
				}
			}
		}
	}
	for k, e := range worst {
		t.Logf("conv %s: max relative error %.3g", convChecks[k], e)
	}
}

// BackwardFilter must give the same bits whatever GOMAXPROCS, and on every
// run; so must the other two passes.
func TestConvDeterminism(t *testing.T) {
	s := ConvShape{N: 21, C: 4, H: 9, W: 9, F: 6, KH: 3, KW: 3, Stride: 1, Pad: 1}
	x := to32(randVec(31, s.InSize(), 1))
	w := to32(randVec(32, s.WeightSize(), 1))
	dy := to32(randVec(33, s.OutSize(), 1))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, o := range append(convOptions, ConvOptions{Group: 4}, ConvOptions{Group: 3}) {
		c := NewConvWith(s, o)
		var ref [3][]float32
		for _, p := range []int{1, 2, 3, 8, 2, 1, 2} {
			runtime.GOMAXPROCS(p)
			for rep := 0; rep < 2; rep++ {
				out := [3][]float32{make([]float32, s.OutSize()), make([]float32, s.InSize()), make([]float32, s.WeightSize())}
				c.Forward(x, w, out[0])
				c.BackwardData(dy, w, out[1])
				c.BackwardFilter(x, dy, out[2])
				if ref[0] == nil {
					ref = out
					continue
				}
				for k, name := range []string{"forward", "backward data", "backward filter"} {
					for i := range out[k] {
						if math.Float32bits(out[k][i]) != math.Float32bits(ref[k][i]) {
							t.Fatalf("%+v GOMAXPROCS=%d run %d: %s differs at %d: %v vs %v", o, p, rep, name, i, out[k][i], ref[k][i])
						}
					}
				}
			}
		}
	}
}

func TestConvPanicsOnShortSlices(t *testing.T) {
	s := convShapes[0]
	c := NewConv(s)
	defer func() {
		if recover() == nil {
			t.Error("Forward with a short y did not panic")
		}
	}()
	c.Forward(make([]float32, s.InSize()), make([]float32, s.WeightSize()), make([]float32, s.OutSize()-1))
}

func TestConvWorkspaceBytes(t *testing.T) {
	// CONV-4's second conv: one image's columns are 576×784 floats (on
	// im2col alone; ConvAlgoAuto adds Winograd's workspace for Forward).
	s := ConvShape{N: 128, C: 64, H: 30, W: 30, F: 64, KH: 3, KW: 3, Stride: 1, Pad: 0}
	c := NewConvWith(s, ConvOptions{Algo: ConvIm2col})
	cols := 576 * 784 * 4
	got := c.WorkspaceBytes()
	workers := min(runtime.GOMAXPROCS(0), 128)
	if got < workers*cols || got > workers*cols+(DefaultSlabs-1)*4*s.WeightSize() {
		t.Errorf("WorkspaceBytes = %d, want about %d columns + partial gradients", got, workers*cols)
	}
	if c.Group() != 1 {
		t.Errorf("Group = %d, want 1 for a 28×28 output", c.Group())
	}
	if c.Strategy() != ConvPerImage {
		t.Errorf("CONV-4 strategy %v, want ConvPerImage", c.Strategy())
	}
	// VGG-19's 2×2 convs batch 64 images per GEMM and, their weights being
	// 9 MiB, sum filter gradients without partial buffers.
	v := NewConv(ConvShape{N: 128, C: 512, H: 2, W: 2, F: 512, KH: 3, KW: 3, Stride: 1, Pad: 1})
	if v.Group() != 64 {
		t.Errorf("VGG 2×2 Group = %d, want 64", v.Group())
	}
	if v.Strategy() != ConvMixed {
		t.Errorf("VGG 2×2 strategy %v, want ConvMixed", v.Strategy())
	}
	cols = 4608 * 256 * 4
	buf := 512 * 256 * 4
	workers = min(runtime.GOMAXPROCS(0), 2)
	if got := v.WorkspaceBytes(); got != workers*(cols+buf) {
		t.Errorf("VGG 2×2 WorkspaceBytes = %d, want %d", got, workers*(cols+buf))
	}
}

// Distinct Convs may run at the same time from different goroutines (for
// example two models trained side by side); results must not change.
func TestConvConcurrentUse(t *testing.T) {
	s := ConvShape{N: 9, C: 3, H: 10, W: 10, F: 4, KH: 3, KW: 3, Stride: 1, Pad: 1}
	x := to32(randVec(41, s.InSize(), 1))
	w := to32(randVec(42, s.WeightSize(), 1))
	dy := to32(randVec(43, s.OutSize(), 1))
	want := make([]float32, s.WeightSize())
	NewConv(s).BackwardFilter(x, dy, want)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := NewConvWith(s, convOptions[g%len(convOptions)])
			y := make([]float32, s.OutSize())
			dx := make([]float32, s.InSize())
			dw := make([]float32, s.WeightSize())
			for rep := 0; rep < 5; rep++ {
				c.Forward(x, w, y)
				c.BackwardData(dy, w, dx)
				c.BackwardFilter(x, dy, dw)
			}
			if c.Strategy() == ConvPerImage && c.slabs == NewConv(s).slabs && c.Group() == NewConv(s).Group() {
				for i := range dw {
					if dw[i] != want[i] {
						errs <- fmt.Sprintf("goroutine %d: dw[%d] = %v, want %v", g, i, dw[i], want[i])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func sameBits(a, b []float32) bool {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return len(a) == len(b)
}
