package kernels

import (
	"fmt"
	"math"

	"github.com/slotlab/slotlab/framework/internal/parallel"
)

// Pool2D describes a pooling window over N·C planes of H×W, with no padding
// and PyTorch's floor rounding of the output size.
type Pool2D struct{ N, C, H, W, Size, Stride int }

// OutH returns the output height ⌊(H−Size)/Stride⌋+1.
func (p Pool2D) OutH() int { return (p.H-p.Size)/p.Stride + 1 }

// OutW returns the output width ⌊(W−Size)/Stride⌋+1.
func (p Pool2D) OutW() int { return (p.W-p.Size)/p.Stride + 1 }

// InSize returns the length of the input, N·C·H·W.
func (p Pool2D) InSize() int { return p.N * p.C * p.H * p.W }

// OutSize returns the length of the output, N·C·OH·OW.
func (p Pool2D) OutSize() int { return p.N * p.C * p.OutH() * p.OutW() }

// Validate reports whether the pooling is well formed.
func (p Pool2D) Validate() error {
	if p.N < 1 || p.C < 1 || p.Size < 1 || p.Stride < 1 || p.H < p.Size || p.W < p.Size {
		return fmt.Errorf("kernels: bad pooling %+v", p)
	}
	return nil
}

func (p Pool2D) check(in, out int) {
	if err := p.Validate(); err != nil {
		panic(err)
	}
	checkLen("pool input", in, p.InSize())
	checkLen("pool output", out, p.OutSize())
}

type poolKind int

const (
	maxForward poolKind = iota
	maxBackward
	avgForward
	avgBackward
)

// poolTask runs one pooling kernel over a range of planes.
type poolTask struct {
	kind   poolKind
	p      Pool2D
	in     []float32 // x, or dx for backward
	out    []float32 // y, or dy for backward
	argmax []int32
}

var poolTasks parallel.FreeList[poolTask]

func runPool(t *poolTask) {
	planes := t.p.N * t.p.C
	runParallel(planes, elemChunks(t.p.InSize()), procs(), t)
	poolTasks.Put(t)
}

// MaxPoolForward computes y (N, C, OH, OW) as the maximum of each window of x
// and records in argmax the position h·W+w, within its plane, of the first
// maximum in row-major window order (PyTorch's choice on ties). NaN wins
// over any number.
func MaxPoolForward(p Pool2D, x, y []float32, argmax []int32) {
	p.check(len(x), len(y))
	checkLen("maxpool argmax", len(argmax), p.OutSize())
	t := poolTasks.Get()
	*t = poolTask{kind: maxForward, p: p, in: x, out: y, argmax: argmax}
	runPool(t)
}

// MaxPoolBackward computes dx = ∂L/∂x from dy and the argmax of the forward
// pass, overwriting dx; overlapping windows add in output order.
func MaxPoolBackward(p Pool2D, dy []float32, argmax []int32, dx []float32) {
	p.check(len(dx), len(dy))
	checkLen("maxpool argmax", len(argmax), p.OutSize())
	t := poolTasks.Get()
	*t = poolTask{kind: maxBackward, p: p, in: dx, out: dy, argmax: argmax}
	runPool(t)
}

// AvgPoolForward computes y as the mean of each Size×Size window of x.
func AvgPoolForward(p Pool2D, x, y []float32) {
	p.check(len(x), len(y))
	t := poolTasks.Get()
	*t = poolTask{kind: avgForward, p: p, in: x, out: y}
	runPool(t)
}

// AvgPoolBackward computes dx = ∂L/∂x from dy, overwriting dx: every input of
// a window receives dy/Size² from it.
func AvgPoolBackward(p Pool2D, dy, dx []float32) {
	p.check(len(dx), len(dy))
	t := poolTasks.Get()
	*t = poolTask{kind: avgBackward, p: p, in: dx, out: dy}
	runPool(t)
}

func (t *poolTask) Range(_, lo, hi int) {
	p := &t.p
	oh, ow, hw := p.OutH(), p.OutW(), p.H*p.W
	ohw := oh * ow
	for pl := lo; pl < hi; pl++ {
		in := t.in[pl*hw : (pl+1)*hw]
		out := t.out[pl*ohw : (pl+1)*ohw]
		switch t.kind {
		case maxForward:
			maxPlane(p, in, out, t.argmax[pl*ohw:(pl+1)*ohw])
		case maxBackward:
			if arg := t.argmax[pl*ohw : (pl+1)*ohw]; useAVX512 && p.Size == 2 && p.Stride == 2 && ow >= 14 && oh > 0 {
				// Measured faster from 14 windows a row (1.3–1.7×; 0.7–1.0× on 2 to 5).
				if p.H != 2*oh || p.W != 2*ow {
					clear(in) // the row and column no window reads
				}
				_ = in[(2*oh-1)*p.W+2*ow-1]
				maxUnpool2x2AVX512(&out[0], &arg[0], &in[0], p.W, oh, ow)
				continue
			}
			clear(in)
			for i, a := range t.argmax[pl*ohw : (pl+1)*ohw] {
				in[a] += out[i]
			}
		case avgForward, avgBackward:
			avgPlane(p, in, out, t.kind == avgBackward)
		}
	}
}

func maxPlane(p *Pool2D, x, y []float32, arg []int32) {
	oh, ow := p.OutH(), p.OutW()
	if p.Size == 2 && p.Stride == 2 && maxPlane2x2(p, x, y, arg) {
		return
	}
	for i := 0; i < oh; i++ {
		for j := 0; j < ow; j++ {
			h0, w0 := i*p.Stride, j*p.Stride
			a := h0*p.W + w0
			m := x[a]
			for dh := 0; dh < p.Size; dh++ {
				for dw := 0; dw < p.Size; dw++ {
					k := (h0+dh)*p.W + w0 + dw
					if v := x[k]; v > m || v != v && m == m {
						m, a = v, k
					}
				}
			}
			y[i*ow+j], arg[i*ow+j] = m, int32(a)
		}
	}
}

// avgPlane runs average pooling on one plane; backward overwrites x with the
// gradient spread from y.
func avgPlane(p *Pool2D, x, y []float32, backward bool) {
	oh, ow := p.OutH(), p.OutW()
	scale := 1 / float32(p.Size*p.Size)
	if backward {
		clear(x)
	}
	for i := 0; i < oh; i++ {
		for j := 0; j < ow; j++ {
			h0, w0 := i*p.Stride, j*p.Stride
			if backward {
				g := y[i*ow+j] * scale
				for dh := 0; dh < p.Size; dh++ {
					row := x[(h0+dh)*p.W+w0 : (h0+dh)*p.W+w0+p.Size]
					for k := range row {
						row[k] += g
					}
				}
				continue
			}
			var s float32
			for dh := 0; dh < p.Size; dh++ {
				for _, v := range x[(h0+dh)*p.W+w0 : (h0+dh)*p.W+w0+p.Size] {
					s += v
				}
			}
			y[i*ow+j] = s * scale
		}
	}
}

// maxPlane2x2 is maxPlane for 2×2 windows with stride 2, written with
// integer selects that compile to CMOV: on random data the branches of the
// general loop mispredict often. It reports false, leaving the plane to the
// general loop, when the plane holds a NaN or an infinity (detected through
// v−v, which is NaN only for those), since selects on v > m alone would not
// let NaN win.
func maxPlane2x2(p *Pool2D, x, y []float32, arg []int32) bool {
	oh, ow := p.OutH(), p.OutW()
	if useAVX512 && oh > 0 && ow > 0 {
		_ = x[(2*oh-1)*p.W+2*ow-1]
		_ = y[oh*ow-1]
		_ = arg[oh*ow-1]
		return maxPool2x2AVX512(&x[0], p.W, &y[0], &arg[0], oh, ow) == 0xffff
	}
	var bad float32
	for i := 0; i < oh; i++ {
		r0 := x[2*i*p.W : (2*i+1)*p.W]
		r1 := x[(2*i+1)*p.W : (2*i+2)*p.W]
		r0, r1 = r0[:2*ow], r1[:2*ow]
		yr, ar := y[i*ow:(i+1)*ow], arg[i*ow:(i+1)*ow]
		ar = ar[:len(yr)]
		for j := range yr {
			b := int32(2*i*p.W + 2*j)
			v0, v1, v2, v3 := r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1]
			bad += (v0 - v0) + (v1 - v1) + (v2 - v2) + (v3 - v3)
			m, a := selectMax(v0, b, v1, b+1)
			m, a = selectMax(m, a, v2, b+int32(p.W))
			m, a = selectMax(m, a, v3, b+int32(p.W)+1)
			yr[j], ar[j] = m, a
		}
	}
	return bad == 0
}

// selectMax returns (v, b) if v > m and (m, a) otherwise, so that the first
// maximum wins ties.
func selectMax(m float32, a int32, v float32, b int32) (float32, int32) {
	mb, vb := math.Float32bits(m), math.Float32bits(v)
	if v > m {
		mb = vb
	}
	if v > m {
		a = b
	}
	return math.Float32frombits(mb), a
}
