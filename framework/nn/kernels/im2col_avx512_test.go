//go:build linux && amd64 && !purego

package kernels

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// permShapes are conv shapes whose planes and outputs have at most 32
// values, so that the table im2col takes the register permutations: every
// kernel size, padding and stride among them, CONV-6's 5×5 padded convs and
// VGG-19's 2×2 planes included.
func permShapes() []ConvShape {
	var ss []ConvShape
	for _, hw := range [][2]int{{5, 5}, {2, 2}, {1, 1}, {4, 4}, {3, 6}, {6, 5}, {4, 7}} {
		for _, k := range [][2]int{{3, 3}, {1, 1}, {2, 3}, {5, 5}} {
			for pad := 0; pad <= 2; pad++ {
				for stride := 1; stride <= 2; stride++ {
					s := ConvShape{N: 1, C: 5, H: hw[0], W: hw[1], F: 1, KH: k[0], KW: k[1], Stride: stride, Pad: pad}
					if s.OutH() < 1 || s.OutW() < 1 || s.OutH()*s.OutW() > permMax {
						continue
					}
					ss = append(ss, s)
				}
			}
		}
	}
	return ss
}

// TestIm2colPermMatchesGo runs the table im2col and col2im of the AVX-512
// path (im2colPermAVX512, col2imPermAVX512) against their Go loops on
// permShapes with special values (±0, NaN, infinities, subnormals): the
// same bits, row ranges that start and end inside a channel included, and
// nothing written outside the rows and channels asked for (the buffers
// start as a NaN pattern no kernel writes, and col2im's ends at an
// unreadable page).
func TestIm2colPermMatchesGo(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 path here")
	}
	for si, s := range permShapes() {
		pl := newColPlan(s)
		if pl.tab == nil || pl.perm == nil {
			t.Fatalf("%+v: no table or no permutations", s)
		}
		kk, ohw, hw := s.KH*s.KW, s.OutH()*s.OutW(), s.H*s.W
		rows := s.C * kk
		ld := ohw + 3
		x := guarded(t, s.C*hw)
		copy(x, specials(to32(randVec(uint64(si+1), len(x), 1))))
		x[len(x)-1] = float32(math.NaN())
		x[0] = float32(math.Inf(-1))
		for _, rr := range [][2]int{{0, rows}, {1, rows}, {kk, rows - 1}, {kk - 1, 2*kk + 1}, {2, 3}, {kk, 3 * kk}} {
			r0, r1 := rr[0], min(rr[1], rows)
			if r0 >= r1 {
				continue
			}
			name := fmt.Sprintf("%dx%d/k%dx%d/pad%d/stride%d/rows[%d,%d)", s.H, s.W, s.KH, s.KW, s.Pad, s.Stride, r0, r1)
			var got, want []float32
			for _, perm := range []bool{true, false} {
				useAVX512 = perm
				cols := filled(rows * ld)
				pl.im2colTable(x, cols, ld, r0, r1)
				if perm {
					got = cols
				} else {
					want = cols
				}
			}
			useAVX512 = true
			if !sameBits(got, want) {
				t.Errorf("im2col %s: differs from the Go loop in bits", name)
			}
		}
		for _, cc := range [][2]int{{0, s.C}, {1, s.C}, {2, 3}} {
			c0, c1 := cc[0], cc[1]
			name := fmt.Sprintf("%dx%d/k%dx%d/pad%d/stride%d/channels[%d,%d)", s.H, s.W, s.KH, s.KW, s.Pad, s.Stride, c0, c1)
			cols := specials(to32(randVec(uint64(100+si), rows*ld, 1)))
			cols[len(cols)-1] = float32(math.NaN())
			init := specials(to32(randVec(uint64(200+si), s.C*hw, 2)))
			var got, want []float32
			for _, perm := range []bool{true, false} {
				useAVX512 = perm
				dx := guarded(t, s.C*hw)
				copy(dx, init)
				pl.col2imTable(cols, ld, dx, c0, c1)
				if perm {
					got = append([]float32(nil), dx...)
				} else {
					want = append([]float32(nil), dx...)
				}
			}
			useAVX512 = true
			if !sameBits(got, want) {
				t.Errorf("col2im %s: differs from the Go loop in bits", name)
			}
		}
	}
}

// BenchmarkIm2colPerm times the table im2col and col2im of one image with
// the register permutations (perm) and with the Go loops (go), on CONV-6's
// padded 5×5 convs and VGG-19's 2×2 ones.
func BenchmarkIm2colPerm(b *testing.B) {
	if !useAVX512 {
		b.Skip("no AVX-512 path here")
	}
	defer func() { useAVX512 = true }()
	for _, s := range []ConvShape{
		{N: 1, C: 256, H: 5, W: 5, F: 256, KH: 3, KW: 3, Stride: 1, Pad: 1},
		{N: 1, C: 512, H: 2, W: 2, F: 512, KH: 3, KW: 3, Stride: 1, Pad: 1},
	} {
		pl := newColPlan(s)
		ohw := s.OutH() * s.OutW()
		rows := s.C * s.KH * s.KW
		x := to32(randVec(1, s.C*s.H*s.W, 1))
		cols := make([]float32, rows*ohw)
		dx := make([]float32, len(x))
		for _, op := range []string{"im2col", "col2im"} {
			for _, v := range []string{"perm", "go"} {
				b.Run(fmt.Sprintf("%dx%d-c%d/%s/%s", s.H, s.W, s.C, op, v), func(b *testing.B) {
					useAVX512 = v == "perm"
					for b.Loop() {
						if op == "im2col" {
							pl.im2colTable(x, cols, ohw, 0, rows)
						} else {
							pl.col2imTable(cols, ohw, dx, 0, s.C)
						}
					}
					useAVX512 = true
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows*ohw), "ns/value")
				})
			}
		}
	}
}

// BenchmarkIm2colPermPasses times whole im2col passes (Forward,
// BackwardData, BackwardFilter at batch 128) of CONV-6's padded 5×5 convs
// with the table im2col by register permutations and by the Go loops,
// alternating call by call in one process, and reports each side's time
// per pass and their ratio.
func BenchmarkIm2colPermPasses(b *testing.B) {
	if !useAVX512 {
		b.Skip("no AVX-512 path here")
	}
	for _, s := range []ConvShape{
		{N: 128, C: 128, H: 5, W: 5, F: 256, KH: 3, KW: 3, Stride: 1, Pad: 1},
		{N: 128, C: 256, H: 5, W: 5, F: 256, KH: 3, KW: 3, Stride: 1, Pad: 1},
	} {
		x := to32(randVec(1, s.InSize(), 1))
		w := to32(randVec(2, s.WeightSize(), 0.1))
		y := make([]float32, s.OutSize())
		dx := make([]float32, s.InSize())
		dw := make([]float32, s.WeightSize())
		c := NewConvWith(s, ConvOptions{Algo: ConvIm2col})
		perm := c.plan.perm
		for _, pass := range []string{"Forward", "BackwardData", "BackwardFilter"} {
			f := convPass(c, pass, x, w, y, dx, dw)
			b.Run(fmt.Sprintf("%dto%d/%s", s.C, s.F, pass), func(b *testing.B) {
				var t [2]time.Duration
				f()
				for i := 0; b.Loop(); i++ {
					z := i%2 == 0
					c.plan.perm = nil
					if z {
						c.plan.perm = perm
					}
					t0 := time.Now()
					f()
					if z {
						t[1] += time.Since(t0)
					} else {
						t[0] += time.Since(t0)
					}
				}
				c.plan.perm = perm
				b.ReportMetric(float64(t[0].Microseconds())/float64((b.N+1)/2), "µs-go")
				b.ReportMetric(float64(t[1].Microseconds())/float64((b.N+1)/2), "µs-perm")
				b.ReportMetric(float64(t[0])/float64(t[1]), "go/perm")
			})
		}
	}
}
