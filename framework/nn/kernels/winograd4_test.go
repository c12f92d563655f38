package kernels

import (
	"fmt"
	"math"
	"testing"
)

// wino4Shapes are winoShapes plus shapes of the networks that would use
// F(4×4): VGG-19's planes of 32×32 down to 2×2, CONV-6's 28×28 and 10×10
// (whose tiles are partial), and CONV-4's 30×30 unpadded input.
func wino4Shapes() []ConvShape {
	return append(winoShapes(),
		ConvShape{N: 2, C: 16, H: 32, W: 32, F: 8, KH: 3, KW: 3, Stride: 1, Pad: 1},
		ConvShape{N: 2, C: 256, H: 8, W: 8, F: 32, KH: 3, KW: 3, Stride: 1, Pad: 1},
		ConvShape{N: 3, C: 40, H: 4, W: 4, F: 24, KH: 3, KW: 3, Stride: 1, Pad: 1},
		ConvShape{N: 2, C: 24, H: 2, W: 2, F: 9, KH: 3, KW: 3, Stride: 1, Pad: 1},
		ConvShape{N: 2, C: 64, H: 30, W: 30, F: 8, KH: 3, KW: 3, Stride: 1, Pad: 0},
		ConvShape{N: 2, C: 9, H: 12, W: 12, F: 16, KH: 3, KW: 3, Stride: 1, Pad: 0},
		ConvShape{N: 5, C: 8, H: 36, W: 44, F: 3, KH: 3, KW: 3, Stride: 1, Pad: 1},
	)
}

// TestWinograd4AgainstReference bounds F(4×4)'s Forward and BackwardData
// against float64 by wino4Tol, the bound the float32 reference of
// winograd4_ref_test.go measured, and checks that the assembly transforms
// give the same bits as the Go ones (winoG6, winoB6, winoA4), pass by pass.
func TestWinograd4AgainstReference(t *testing.T) {
	defer func(a bool) { wino4Asm = a }(wino4Asm)
	var worst [2]float64
	for si, s := range wino4Shapes() {
		x := randVec(uint64(10*si+1), s.InSize(), 1)
		w := randVec(uint64(10*si+2), s.WeightSize(), 1)
		r := randVec(uint64(10*si+3), s.OutSize(), 1)
		y64 := refConv(s, x, w)
		dx64, _ := refConvBackward(s, x, w, r)
		for _, tiles := range []int{0, 1, 40} {
			c := NewConvWith(s, ConvOptions{Algo: ConvWinograd4, WinoTiles: tiles})
			if c.winoFwd == nil || !c.winoFwd.f4 || c.winoData == nil || !c.winoData.f4 {
				t.Fatalf("%+v: F(4×4) not in use", s)
			}
			name := fmt.Sprintf("%+v/tiles=%d/group=%d", s, tiles, c.winoFwd.group)
			var outs [2][2][]float32 // [asm][forward, data]
			for k, asm := range []bool{false, true} {
				if asm && !useAsm {
					continue
				}
				wino4Asm = asm
				y := make([]float32, s.OutSize())
				dx := make([]float32, s.InSize())
				for i := range y {
					y[i] = float32(math.NaN()) // must be overwritten
				}
				for i := range dx {
					dx[i] = float32(math.NaN())
				}
				c.Forward(to32(x), to32(w), y)
				c.BackwardData(to32(r), to32(w), dx)
				outs[k] = [2][]float32{y, dx}
				for p, e := range []float64{relErr(y, y64), relErr(dx, dx64)} {
					if !(e <= wino4Tol) {
						t.Errorf("%s asm=%v: %s relative error %.3g > %g", name, asm,
							[]string{"forward", "backward data"}[p], e, wino4Tol)
					}
					worst[p] = math.Max(worst[p], e)
				}
			}
			if useAsm {
				for p, pass := range []string{"forward", "backward data"} {
					if !sameBits(outs[0][p], outs[1][p]) {
						t.Errorf("%s: %s by the assembly transforms differs in bits from the Go ones", name, pass)
					}
				}
			}
		}
	}
	t.Logf("F(4×4) max relative error against float64: forward %.3g, backward data %.3g", worst[0], worst[1])
}

// TestWino4Helpers checks each F(4×4) transform against the matrices of
// winograd4_ref_test.go in float64 on one tile, and, where there is
// assembly, the assembly helpers against the Go loops bit for bit for every
// length up to 19 (the 8-, 4- and 1-wide steps and their mixes), with
// values that make every rounding count.
func TestWino4Helpers(t *testing.T) {
	defer func(a bool) { wino4Asm = a }(wino4Asm)
	// The transforms against the matrices.
	v := to32(randVec(7, 36, 1))
	b := winoB6(v[0], v[1], v[2], v[3], v[4], v[5])
	a := winoA4(v[0], v[1], v[2], v[3], v[4], v[5])
	g := winoG6(v[0], v[1], v[2])
	for i := range 6 {
		var wb, wg float64
		for k := range 6 {
			wb += float64(wino4BT[i][k]) * float64(v[k])
		}
		for k := range 3 {
			wg += float64(wino4G[i][k]) * float64(v[k])
		}
		if math.Abs(float64(b[i])-wb) > 1e-5 || math.Abs(float64(g[i])-wg) > 1e-5 {
			t.Errorf("row %d: Bᵀd %v want %v, Gg %v want %v", i, b[i], wb, g[i], wg)
		}
		if i < 4 {
			var wa float64
			for k := range 6 {
				wa += float64(wino4AT[i][k]) * float64(v[k])
			}
			if math.Abs(float64(a[i])-wa) > 1e-5 {
				t.Errorf("row %d: Aᵀm %v want %v", i, a[i], wa)
			}
		}
	}
	gr := winoGrad6(v[0], v[1], v[2], v[3])
	gt := winoGt3(v[0], v[1], v[2], v[3], v[4], v[5])
	for i := range 6 { // A = (Aᵀ)ᵀ and Gᵀ
		var wa, wg float64
		for k := range 4 {
			wa += float64(wino4AT[k][i]) * float64(v[k])
		}
		if i < 3 {
			for k := range 6 {
				wg += float64(wino4G[k][i]) * float64(v[k])
			}
			if math.Abs(float64(gt[i])-wg) > 1e-5 {
				t.Errorf("row %d: Gᵀu %v want %v", i, gt[i], wg)
			}
		}
		if math.Abs(float64(gr[i])-wa) > 1e-5 {
			t.Errorf("row %d: A p %v want %v", i, gr[i], wa)
		}
	}
	if !useAsm {
		t.Skip("no assembly in this build: the transforms are the Go code")
	}
	run := func(asm bool, f func()) { wino4Asm = asm; f() }
	for n := 1; n <= 19; n++ {
		const st = 23 // row strides that are not multiples of the vector width
		src := to32(randVec(uint64(n), 6*st+n, 1e3))
		for i := range src {
			src[i] *= float32(1 + i%7) // a spread of exponents
		}
		var in, out, grad [2][]float32
		for k, asm := range []bool{false, true} {
			in[k] = make([]float32, 5*29+n+3)
			out[k] = make([]float32, 3*31+n+3)
			grad[k] = make([]float32, 5*29+n+3)
			run(asm, func() {
				wino4In(src, st, in[k], 29, n)
				wino4Out(src, st, out[k], 31, n)
				wino4Grad(src, st, grad[k], 29, n)
			})
		}
		if !sameBits(grad[0], grad[1]) {
			t.Errorf("n=%d: wino4Grad's assembly differs from Go", n)
		}
		if !sameBits(in[0], in[1]) {
			t.Errorf("n=%d: wino4In's assembly differs from Go", n)
		}
		if !sameBits(out[0], out[1]) {
			t.Errorf("n=%d: wino4Out's assembly differs from Go", n)
		}
	}
}

// TestWinograd4Selection: ConvAlgoAuto4 takes F(4×4) for the passes whose
// 4×4 tiles cover their planes with little waste (VGG-19's 32×32 to 8×8,
// CONV-4's 28×28 and 30×30, 12×12 and 14×14), the transform-GEMM path for
// outputs of at most 6×6 with 64 channels or more (VGG-19's 4×4 and 2×2,
// CONV-6's 5×5), and ConvAlgoAuto's choice elsewhere (10×10 outputs, fewer
// than 64 channels).
func TestWinograd4Selection(t *testing.T) {
	const im2col, f2, f4 = "im2col", "F(2×2)", "F(4×4)"
	kind := func(c *Conv, d *winoDir) string {
		switch {
		case c.wg != nil:
			return c.wg.name()
		case d == nil:
			return im2col
		case d.f4:
			return f4
		}
		return f2
	}
	for _, tc := range []struct {
		s               ConvShape
		fwd, data, filt string
	}{
		{ConvShape{N: 8, C: 64, H: 32, W: 32, F: 64, KH: 3, KW: 3, Stride: 1, Pad: 1}, f4, f4, f4},
		{ConvShape{N: 8, C: 128, H: 8, W: 8, F: 256, KH: 3, KW: 3, Stride: 1, Pad: 1}, f4, f4, f4},
		{ConvShape{N: 8, C: 256, H: 4, W: 4, F: 512, KH: 3, KW: 3, Stride: 1, Pad: 1}, "F(4×4) GEMM", "F(4×4) GEMM", "F(4×4) GEMM"},
		{ConvShape{N: 8, C: 512, H: 2, W: 2, F: 512, KH: 3, KW: 3, Stride: 1, Pad: 1}, "F(2×2) GEMM", "F(2×2) GEMM", "F(2×2) GEMM"},
		{ConvShape{N: 8, C: 3, H: 32, W: 32, F: 64, KH: 3, KW: 3, Stride: 1, Pad: 1}, im2col, im2col, im2col},
		{ConvShape{N: 8, C: 64, H: 30, W: 30, F: 64, KH: 3, KW: 3, Stride: 1}, f4, f4, f4},   // CONV-4's conv2
		{ConvShape{N: 8, C: 64, H: 14, W: 14, F: 128, KH: 3, KW: 3, Stride: 1}, f4, f4, f4},  // conv3
		{ConvShape{N: 8, C: 128, H: 12, W: 12, F: 128, KH: 3, KW: 3, Stride: 1}, f2, f4, f2}, // conv4: 10×10 out
		{ConvShape{N: 8, C: 256, H: 5, W: 5, F: 256, KH: 3, KW: 3, Stride: 1, Pad: 1}, "F(3×3) GEMM", "F(3×3) GEMM", "F(3×3) GEMM"},
		{ConvShape{N: 8, C: 32, H: 5, W: 5, F: 256, KH: 3, KW: 3, Stride: 1, Pad: 1}, im2col, im2col, im2col},
		{ConvShape{N: 8, C: 32, H: 12, W: 12, F: 64, KH: 3, KW: 3, Stride: 1}, f2, im2col, im2col},
	} {
		c := NewConvWith(tc.s, ConvOptions{Algo: ConvAlgoAuto4})
		if f, d, w := kind(c, c.winoFwd), kind(c, c.winoData), kind(c, c.winoFilt); f != tc.fwd || d != tc.data || w != tc.filt {
			t.Errorf("%+v: forward %s data %s filter %s, want %s %s %s", tc.s, f, d, w, tc.fwd, tc.data, tc.filt)
		}
		if f, d, w := ConvPasses(tc.s, ConvAlgoAuto4); f != tc.fwd || d != tc.data || w != tc.filt {
			t.Errorf("%+v: ConvPasses says %s / %s / %s", tc.s, f, d, w)
		}
		// ConvAlgoAuto never takes F(4×4) or the transform-GEMM path.
		c = NewConvWith(tc.s, ConvOptions{})
		if c.wg != nil {
			t.Errorf("%+v: ConvAlgoAuto took the transform-GEMM path", tc.s)
		}
		for _, d := range []*winoDir{c.winoFwd, c.winoData, c.winoFilt} {
			if d != nil && d.f4 {
				t.Errorf("%+v: ConvAlgoAuto took F(4×4)", tc.s)
			}
		}
	}
}

// wino4FilterTol bounds F(4×4)'s BackwardFilter error relative to the
// largest gradient element, about 3× the largest measured over
// wino4Shapes (see the test's log).
const wino4FilterTol = 2e-5

// TestWinograd4FilterAgainstReference checks F(4×4)'s BackwardFilter
// against float64 over wino4Shapes, at group sizes of one image, a few and
// the default and at several slab counts, and, where there is assembly,
// that the assembly transforms give the Go ones' bits.
func TestWinograd4FilterAgainstReference(t *testing.T) {
	defer func(a bool) { wino4Asm = a }(wino4Asm)
	var worst float64
	for si, s := range wino4Shapes() {
		x := randVec(uint64(10*si+1), s.InSize(), 1)
		w := randVec(uint64(10*si+2), s.WeightSize(), 1)
		r := randVec(uint64(10*si+3), s.OutSize(), 1)
		_, dw64 := refConvBackward(s, x, w, r)
		for _, o := range []ConvOptions{
			{Algo: ConvWinograd4},
			{Algo: ConvWinograd4, WinoTiles: 1},
			{Algo: ConvWinograd4, WinoTiles: 40, Slabs: 3},
			{Algo: ConvWinograd4, WinoTiles: 1, Slabs: 1},
		} {
			c := NewConvWith(s, o)
			if c.winoFilt == nil || !c.winoFilt.f4 {
				t.Fatalf("%+v: F(4×4) BackwardFilter not in use", s)
			}
			name := fmt.Sprintf("%+v/tiles=%d/group=%d/slabs=%d", s, o.WinoTiles, c.winoFilt.group, c.winoFilt.slabs)
			var dws [2][]float32
			for k, asm := range []bool{false, true} {
				if asm && !useAsm {
					continue
				}
				wino4Asm = asm
				dw := make([]float32, s.WeightSize())
				for i := range dw {
					dw[i] = float32(math.NaN()) // must be overwritten
				}
				c.BackwardFilter(to32(x), to32(r), dw)
				dws[k] = dw
				if e := relErr(dw, dw64); !(e <= wino4FilterTol) {
					t.Errorf("%s asm=%v: relative error %.3g > %g", name, asm, e, wino4FilterTol)
				} else {
					worst = math.Max(worst, e)
				}
			}
			if useAsm && !sameBits(dws[0], dws[1]) {
				t.Errorf("%s: the assembly transforms' bits differ from the Go ones'", name)
			}
		}
	}
	t.Logf("F(4×4) backward filter max relative error against float64: %.3g", worst)
}
