package kernels

import (
	"fmt"
	"math"
	"runtime"
	"testing"
)

// winoShapes returns 3×3 stride-1 shapes for the Winograd tests: odd and even
// sizes (so that edge tiles are partial), paddings 0, 1 and 2, channel counts
// that are multiples of nothing, batches 1 to 5, and a few wide layers.
func winoShapes() []ConvShape {
	var ss []ConvShape
	sizes := []int{3, 4, 5, 7, 8, 9, 11, 13}
	chans := []int{1, 3, 5, 17, 33}
	i := 0
	for pad := 0; pad <= 2; pad++ {
		for _, h := range sizes {
			w := sizes[(i*3+pad)%len(sizes)]
			if h+2*pad < 3 || w+2*pad < 3 {
				continue
			}
			ss = append(ss, ConvShape{N: 1 + i%5, C: chans[i%len(chans)], H: h, W: w,
				F: chans[(i*2+1)%len(chans)], KH: 3, KW: 3, Stride: 1, Pad: pad})
			i++
		}
	}
	return append(ss,
		ConvShape{N: 2, C: 64, H: 15, W: 13, F: 37, KH: 3, KW: 3, Stride: 1, Pad: 0},
		ConvShape{N: 3, C: 129, H: 6, W: 7, F: 65, KH: 3, KW: 3, Stride: 1, Pad: 1},
		ConvShape{N: 1, C: 256, H: 4, W: 4, F: 31, KH: 3, KW: 3, Stride: 1, Pad: 1},
	)
}

// winoTol bounds Winograd F(2×2, 3×3)'s error relative to the largest output.
// Its transforms add a few rounded terms per product (the input transform
// sums two values per direction, the filter and output ones three), which
// raises the float32 error over direct convolution by a small constant
// factor. Over these shapes the measured maxima are 5.3e-7 (forward) and
// 3.7e-7 (backward data) against float64, 9.4e-7 against the im2col path,
// whose own error is 7.8e-7; the tolerance is about 3× the largest. A 2e-5
// relative change in one filter-transform coefficient fails it.
const winoTol = 3e-6

func TestWinogradAgainstReference(t *testing.T) {
	var worst [3]float64 // forward, backward data, vs im2col
	var direct64 float64 // the im2col path's own error, for comparison
	for si, s := range winoShapes() {
		x := randVec(uint64(10*si+1), s.InSize(), 1)
		w := randVec(uint64(10*si+2), s.WeightSize(), 1)
		r := randVec(uint64(10*si+3), s.OutSize(), 1)
		y64 := refConv(s, x, w)
		dx64, _ := refConvBackward(s, x, w, r)
		direct := NewConvWith(s, ConvOptions{Algo: ConvIm2col})
		yd, dxd := make([]float32, s.OutSize()), make([]float32, s.InSize())
		direct.Forward(to32(x), to32(w), yd)
		direct.BackwardData(to32(r), to32(w), dxd)
		direct64 = math.Max(direct64, math.Max(relErr(yd, y64), relErr(dxd, dx64)))
		for _, tiles := range []int{0, 1, 40} {
			c := NewConvWith(s, ConvOptions{Algo: ConvWinograd, WinoTiles: tiles})
			if c.winoFwd == nil || c.winoData == nil {
				t.Fatalf("%+v: Winograd not in use", s)
			}
			name := fmt.Sprintf("%+v/tiles=%d/group=%d", s, tiles, c.winoFwd.group)
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
			errs := []float64{relErr(y, y64), relErr(dx, dx64),
				math.Max(relErr(y, to64(yd)), relErr(dx, to64(dxd)))}
			for k, e := range errs {
				if !(e <= winoTol) {
					t.Errorf("%s: %s relative error %.3g > %g", name, []string{"forward", "backward data", "vs im2col"}[k], e, winoTol)
				}
				worst[k] = math.Max(worst[k], e)
			}
		}
	}
	t.Logf("Winograd max relative error: forward %.3g, backward data %.3g, vs im2col %.3g; im2col's own %.3g", worst[0], worst[1], worst[2], direct64)
}

// The Winograd passes, F(2×2), F(4×4) and the transform GEMMs (on the
// small planes of the last two shapes), like the im2col ones, give the
// same bits whatever GOMAXPROCS and on every run, all three passes.
func TestWinogradDeterminism(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, s := range []ConvShape{
		{N: 21, C: 4, H: 9, W: 9, F: 6, KH: 3, KW: 3, Stride: 1, Pad: 1},
		{N: 7, C: 40, H: 13, W: 11, F: 36, KH: 3, KW: 3, Stride: 1, Pad: 0},
		{N: 9, C: 70, H: 5, W: 5, F: 66, KH: 3, KW: 3, Stride: 1, Pad: 1},
		{N: 7, C: 96, H: 4, W: 4, F: 80, KH: 3, KW: 3, Stride: 1, Pad: 1},
	} {
		x := to32(randVec(31, s.InSize(), 1))
		w := to32(randVec(32, s.WeightSize(), 1))
		dy := to32(randVec(33, s.OutSize(), 1))
		for _, o := range []ConvOptions{{Algo: ConvWinograd}, {Algo: ConvWinograd, WinoTiles: 1},
			{Algo: ConvWinograd, WinoTiles: 100}, {Algo: ConvWinograd4}, {Algo: ConvWinograd4, WinoTiles: 1},
			{Algo: ConvWinogradGEMM}} {
			c := NewConvWith(s, o)
			if o.Algo == ConvWinogradGEMM && s.H <= 6 && c.wg == nil {
				t.Fatalf("%+v: the transform-GEMM path is not in use", s)
			}
			tiles := fmt.Sprintf("%v tiles=%d", o.Algo, o.WinoTiles)
			var ref [3][]float32
			for _, p := range []int{1, 2, 3, 4, 8, 2, 1} {
				runtime.GOMAXPROCS(p)
				out := [3][]float32{make([]float32, s.OutSize()), make([]float32, s.InSize()), make([]float32, s.WeightSize())}
				c.Forward(x, w, out[0])
				c.BackwardData(dy, w, out[1])
				c.BackwardFilter(x, dy, out[2])
				if ref[0] == nil {
					ref = out
					continue
				}
				for k, name := range []string{"forward", "backward data", "backward filter"} {
					if !sameBits(out[k], ref[k]) {
						t.Fatalf("%+v %s GOMAXPROCS=%d: %s differs in bits", s, tiles, p, name)
					}
				}
			}
		}
	}
}

func TestWinogradSelection(t *testing.T) {
	for _, tc := range []struct {
		s               ConvShape
		o               ConvOptions
		fwd, data, filt bool
	}{
		{ConvShape{N: 8, C: 64, H: 30, W: 30, F: 64, KH: 3, KW: 3, Stride: 1}, ConvOptions{Algo: ConvIm2col}, false, false, false},
		{ConvShape{N: 8, C: 3, H: 32, W: 32, F: 64, KH: 3, KW: 3, Stride: 1}, ConvOptions{}, false, false, false},
		{ConvShape{N: 8, C: 64, H: 30, W: 30, F: 64, KH: 3, KW: 3, Stride: 1}, ConvOptions{}, true, false, true},
		{ConvShape{N: 8, C: 64, H: 14, W: 14, F: 128, KH: 3, KW: 3, Stride: 1}, ConvOptions{}, true, false, true},
		{ConvShape{N: 8, C: 128, H: 12, W: 12, F: 128, KH: 3, KW: 3, Stride: 1}, ConvOptions{}, true, true, true},
		{ConvShape{N: 8, C: 32, H: 12, W: 12, F: 64, KH: 3, KW: 3, Stride: 1}, ConvOptions{}, true, false, false},
		// Padded: VGG-19's convs with even outputs of 4×4 and more and
		// C, F ≥ 64 take Winograd in every pass; its 3→64 conv, its 2×2
		// outputs and CONV-6's 5×5 ones do not.
		{ConvShape{N: 8, C: 128, H: 8, W: 8, F: 128, KH: 3, KW: 3, Stride: 1, Pad: 1}, ConvOptions{}, true, true, true},
		{ConvShape{N: 8, C: 64, H: 32, W: 32, F: 64, KH: 3, KW: 3, Stride: 1, Pad: 1}, ConvOptions{}, true, true, true},
		{ConvShape{N: 8, C: 256, H: 4, W: 4, F: 512, KH: 3, KW: 3, Stride: 1, Pad: 1}, ConvOptions{}, true, true, true},
		{ConvShape{N: 8, C: 3, H: 32, W: 32, F: 64, KH: 3, KW: 3, Stride: 1, Pad: 1}, ConvOptions{}, false, false, false},
		{ConvShape{N: 8, C: 512, H: 2, W: 2, F: 512, KH: 3, KW: 3, Stride: 1, Pad: 1}, ConvOptions{}, false, false, false},
		{ConvShape{N: 8, C: 256, H: 5, W: 5, F: 256, KH: 3, KW: 3, Stride: 1, Pad: 1}, ConvOptions{}, false, false, false},
		{ConvShape{N: 8, C: 64, H: 6, W: 7, F: 64, KH: 3, KW: 3, Stride: 1, Pad: 1}, ConvOptions{}, false, false, false},
		{ConvShape{N: 8, C: 32, H: 8, W: 8, F: 64, KH: 3, KW: 3, Stride: 1, Pad: 1}, ConvOptions{}, false, false, false},
		{ConvShape{N: 8, C: 3, H: 32, W: 32, F: 64, KH: 3, KW: 3, Stride: 1}, ConvOptions{Algo: ConvWinograd}, true, true, true},
		{ConvShape{N: 8, C: 3, H: 32, W: 32, F: 64, KH: 3, KW: 3, Stride: 2}, ConvOptions{Algo: ConvWinograd}, false, false, false},
		{ConvShape{N: 8, C: 3, H: 32, W: 32, F: 64, KH: 3, KW: 3, Stride: 1, Pad: 3}, ConvOptions{Algo: ConvWinograd}, false, false, false},
		{ConvShape{N: 8, C: 3, H: 32, W: 32, F: 64, KH: 5, KW: 5, Stride: 1}, ConvOptions{Algo: ConvWinograd}, false, false, false},
	} {
		c := NewConvWith(tc.s, tc.o)
		if (c.winoFwd != nil) != tc.fwd || (c.winoData != nil) != tc.data || (c.winoFilt != nil) != tc.filt {
			t.Errorf("%+v %v: Winograd forward %v data %v filter %v, want %v %v %v", tc.s, tc.o.Algo,
				c.winoFwd != nil, c.winoData != nil, c.winoFilt != nil, tc.fwd, tc.data, tc.filt)
		}
	}
}

// winoFilterTol bounds the Winograd BackwardFilter's error relative to the
// largest gradient element. Its transforms add a few rounded terms per
// product on both sides of the GEMMs (∂y's sums two values per direction,
// the input's two and the filter-gradient's three), on top of the sums over
// every tile that the im2col path has too. Over winoShapes the measured
// maxima are 5.3e-7 against float64 and 6.7e-7 against the im2col path,
// whose own error is 6.2e-7; the tolerance is about 3× the largest. A 2e-5
// relative change in one coefficient of the filter-gradient transform
// fails it.
const winoFilterTol = 2e-6

// TestWinogradFilterAgainstReference checks the Winograd BackwardFilter
// against float64 and the im2col path, over winoShapes (odd and even
// sizes, paddings 0–2, channels that are multiples of nothing), at group
// sizes of one image, a few and the default, and at several slab counts.
func TestWinogradFilterAgainstReference(t *testing.T) {
	var worst [2]float64 // vs float64, vs im2col
	var direct64 float64
	for si, s := range winoShapes() {
		x := randVec(uint64(10*si+1), s.InSize(), 1)
		w := randVec(uint64(10*si+2), s.WeightSize(), 1)
		r := randVec(uint64(10*si+3), s.OutSize(), 1)
		_, dw64 := refConvBackward(s, x, w, r)
		direct := NewConvWith(s, ConvOptions{Algo: ConvIm2col})
		dwd := make([]float32, s.WeightSize())
		direct.BackwardFilter(to32(x), to32(r), dwd)
		direct64 = math.Max(direct64, relErr(dwd, dw64))
		for _, o := range []ConvOptions{
			{Algo: ConvWinograd},
			{Algo: ConvWinograd, WinoTiles: 1},
			{Algo: ConvWinograd, WinoTiles: 40, Slabs: 3},
			{Algo: ConvWinograd, WinoTiles: 1, Slabs: 1},
		} {
			c := NewConvWith(s, o)
			if c.winoFilt == nil {
				t.Fatalf("%+v: Winograd BackwardFilter not in use", s)
			}
			name := fmt.Sprintf("%+v/tiles=%d/group=%d/slabs=%d", s, o.WinoTiles, c.winoFilt.group, c.winoFilt.slabs)
			dw := make([]float32, s.WeightSize())
			for i := range dw {
				dw[i] = float32(math.NaN()) // must be overwritten
			}
			c.BackwardFilter(to32(x), to32(r), dw)
			for k, e := range []float64{relErr(dw, dw64), relErr(dw, to64(dwd))} {
				if !(e <= winoFilterTol) {
					t.Errorf("%s: %s relative error %.3g > %g", name, []string{"backward filter", "vs im2col"}[k], e, winoFilterTol)
				}
				worst[k] = math.Max(worst[k], e)
			}
		}
	}
	t.Logf("Winograd backward filter max relative error: %.3g, vs im2col %.3g; im2col's own %.3g", worst[0], worst[1], direct64)
}

// The Winograd BackwardFilter gives the same bits whatever GOMAXPROCS (so
// whatever the number of workers and whichever ran which slab) and on every
// run, at any group size and slab count.
func TestWinogradFilterDeterminism(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, s := range []ConvShape{
		{N: 21, C: 4, H: 9, W: 9, F: 6, KH: 3, KW: 3, Stride: 1, Pad: 1},
		{N: 7, C: 40, H: 13, W: 11, F: 36, KH: 3, KW: 3, Stride: 1, Pad: 0},
	} {
		x := to32(randVec(31, s.InSize(), 1))
		dy := to32(randVec(33, s.OutSize(), 1))
		for _, o := range []ConvOptions{
			{Algo: ConvWinograd},
			{Algo: ConvWinograd, WinoTiles: 1},
			{Algo: ConvWinograd, WinoTiles: 100, Slabs: 3},
			{Algo: ConvWinograd, WinoTiles: 1, Slabs: 7},
			{Algo: ConvWinograd4},
			{Algo: ConvWinograd4, WinoTiles: 1, Slabs: 7},
		} {
			c := NewConvWith(s, o)
			var ref []float32
			for _, p := range []int{1, 2, 3, 4, 8, 2, 1} {
				runtime.GOMAXPROCS(p)
				dw := make([]float32, s.WeightSize())
				c.BackwardFilter(x, dy, dw)
				if ref == nil {
					ref = dw
				} else if !sameBits(dw, ref) {
					t.Fatalf("%+v tiles=%d slabs=%d GOMAXPROCS=%d: backward filter differs in bits", s, o.WinoTiles, c.winoFilt.slabs, p)
				}
			}
		}
	}
}

// The Winograd row helpers' assembly (8-, 4- and 1-wide steps) agrees bit
// for bit with plain Go.
func TestWinoRowHelpers(t *testing.T) {
	if !useAsm {
		t.Skip("no assembly in this build")
	}
	for n := 1; n <= 37; n++ {
		a := to32(randVec(uint64(n), 2*n+2, 1))
		var got, want [3][4][]float32
		for h := range got {
			for k := range got[h] {
				got[h][k], want[h][k] = make([]float32, n), make([]float32, n)
			}
		}
		winoGrad4(a[:n], a[n:2*n], got[0][0], got[0][1], got[0][2], got[0][3])
		winoRowIn4(a, got[1][0], got[1][1], got[1][2], got[1][3])
		winoRowGrad4(a, got[2][0], got[2][1], got[2][2], got[2][3])
		for q := 0; q < n; q++ {
			p, r := a[q], a[n+q]
			want[0][0][q], want[0][1][q], want[0][2][q], want[0][3][q] = p, p+r, p-r, r
			x := a[2*q : 2*q+4]
			want[1][0][q], want[1][1][q], want[1][2][q], want[1][3][q] = x[0]-x[2], x[1]+x[2], x[2]-x[1], x[1]-x[3]
			want[2][0][q], want[2][1][q], want[2][2][q], want[2][3][q] = x[0], x[0]+x[1], x[0]-x[1], x[1]
		}
		for h, name := range []string{"winoGrad4", "winoRowIn4", "winoRowGrad4"} {
			for k := range got[h] {
				if !sameBits(got[h][k], want[h][k]) {
					t.Fatalf("%s n=%d: output %d = %v, want %v", name, n, k, got[h][k], want[h][k])
				}
			}
		}
	}
}

// WorkspaceBytes counts what the Winograd passes hold once all have run,
// and no im2col columns where no pass uses them.
func TestWinogradWorkspaceBytes(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(2)
	for _, tc := range []struct {
		s    ConvShape
		algo ConvAlgo
	}{
		{ConvShape{N: 16, C: 128, H: 12, W: 12, F: 128, KH: 3, KW: 3, Stride: 1}, ConvAlgoAuto},  // all three passes Winograd
		{ConvShape{N: 16, C: 64, H: 14, W: 14, F: 128, KH: 3, KW: 3, Stride: 1}, ConvAlgoAuto},   // BackwardData on im2col
		{ConvShape{N: 16, C: 128, H: 12, W: 12, F: 128, KH: 3, KW: 3, Stride: 1}, ConvAlgoAuto4}, // F(2×2) forward, F(4×4) data
		{ConvShape{N: 16, C: 64, H: 14, W: 14, F: 128, KH: 3, KW: 3, Stride: 1}, ConvAlgoAuto4},  // F(4×4) forward and data
		{ConvShape{N: 5, C: 9, H: 10, W: 13, F: 7, KH: 3, KW: 3, Stride: 1, Pad: 1}, ConvWinograd4},
	} {
		s := tc.s
		c := NewConvWith(s, ConvOptions{Algo: tc.algo})
		x, w := make([]float32, s.InSize()), make([]float32, s.WeightSize())
		y, dw := make([]float32, s.OutSize()), make([]float32, s.WeightSize())
		c.Forward(x, w, y)
		c.BackwardData(y, w, x)
		c.BackwardFilter(x, y, dw)
		held := 0
		for _, ws := range c.winoWS {
			held += len(ws)
		}
		for _, ws := range c.ws {
			held += len(ws.cols) + len(ws.buf)
		}
		for _, p := range c.partial {
			held += len(p)
		}
		for _, d := range []*winoDir{c.winoFwd, c.winoData, c.winoFilt} {
			if d != nil {
				held += len(d.u) + len(d.du)
			}
		}
		if got := c.WorkspaceBytes(); got != 4*held {
			t.Errorf("%+v: WorkspaceBytes = %d, buffers hold %d", s, got, 4*held)
		}
	}
}

// TestParseConvAlgo checks the names SLOTLAB_CONV takes, and that
// SetDefaultAlgo changes what NewConv builds and gives back the previous
// algorithm.
func TestParseConvAlgo(t *testing.T) {
	for _, tc := range []struct {
		name string
		want ConvAlgo
		err  bool
	}{{"", ConvAlgoAuto, false}, {"auto", ConvAlgoAuto, false}, {"im2col", ConvIm2col, false},
		{"winograd", ConvWinograd, false}, {"winograd4", ConvWinograd4, false}, {"auto4", ConvAlgoAuto4, false},
		{"Winograd", ConvAlgoAuto, true}, {"fft", ConvAlgoAuto, true}, {"f4", ConvAlgoAuto, true}} {
		got, err := ParseConvAlgo(tc.name)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("%q: %v, %v; want %v, error %v", tc.name, got, err, tc.want, tc.err)
		}
	}
	s := ConvShape{N: 8, C: 64, H: 30, W: 30, F: 64, KH: 3, KW: 3, Stride: 1}
	prev := SetDefaultAlgo(ConvIm2col)
	defer SetDefaultAlgo(prev)
	if c := NewConv(s); c.winoFwd != nil {
		t.Error("default im2col: NewConv still uses Winograd")
	}
	if back := SetDefaultAlgo(ConvAlgoAuto); back != ConvIm2col {
		t.Errorf("SetDefaultAlgo gave back %v, want ConvIm2col", back)
	}
	if c := NewConv(s); c.winoFwd == nil {
		t.Error("default auto: NewConv does not use Winograd on CONV-4's 64→64 conv")
	}
}
