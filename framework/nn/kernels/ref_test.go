package kernels

import (
	"math"
	"testing"

	"github.com/slotlab/slotlab/framework/rng"
)

// This file holds plain float64 reference implementations and the helpers the
// tests share. The references are written for clarity, not speed.

// randVec returns n values uniform in [-scale, scale) from stream seed.
func randVec(seed uint64, n int, scale float64) []float64 {
	s := rng.New(seed, "test")
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(float32((2*s.Float64(uint64(i)) - 1) * scale))
	}
	return v
}

func to32(v []float64) []float32 { return toFloat32(v) }

func to64(v []float32) []float64 {
	o := make([]float64, len(v))
	for i, x := range v {
		o[i] = float64(x)
	}
	return o
}

// relErr returns max|got−want| / max|want| (or the absolute error when want
// is all zero).
func relErr(got []float32, want []float64) float64 {
	var d, m float64
	for i, w := range want {
		d = math.Max(d, math.Abs(float64(got[i])-w))
		m = math.Max(m, math.Abs(w))
	}
	if m == 0 {
		return d
	}
	return d / m
}

func relErr64(got, want []float64) float64 {
	var d, m float64
	for i, w := range want {
		d = math.Max(d, math.Abs(got[i]-w))
		m = math.Max(m, math.Abs(w))
	}
	if m == 0 {
		return d
	}
	return d / m
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// numGrad returns the central finite-difference gradient of f at x with step h.
func numGrad(f func([]float64) float64, x []float64, h float64) []float64 {
	g := make([]float64, len(x))
	for i := range x {
		old := x[i]
		x[i] = old + h
		fp := f(x)
		x[i] = old - h
		fm := f(x)
		x[i] = old
		g[i] = (fp - fm) / (2 * h)
	}
	return g
}

// checkErr fails t if err exceeds tol and logs it either way.
func checkErr(t *testing.T, what string, err, tol float64) {
	t.Helper()
	if !(err <= tol) {
		t.Errorf("%s: relative error %.3g > %.3g", what, err, tol)
	} else if testing.Verbose() {
		t.Logf("%s: relative error %.3g", what, err)
	}
}

func refConv(s ConvShape, x, w []float64) []float64 {
	oh, ow := s.OutH(), s.OutW()
	y := make([]float64, s.N*s.F*oh*ow)
	for n := 0; n < s.N; n++ {
		for f := 0; f < s.F; f++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					var acc float64
					for c := 0; c < s.C; c++ {
						for kh := 0; kh < s.KH; kh++ {
							for kw := 0; kw < s.KW; kw++ {
								ih, iw := i*s.Stride+kh-s.Pad, j*s.Stride+kw-s.Pad
								if ih < 0 || ih >= s.H || iw < 0 || iw >= s.W {
									continue
								}
								acc += x[((n*s.C+c)*s.H+ih)*s.W+iw] * w[((f*s.C+c)*s.KH+kh)*s.KW+kw]
							}
						}
					}
					y[((n*s.F+f)*oh+i)*ow+j] = acc
				}
			}
		}
	}
	return y
}

func refConvBackward(s ConvShape, x, w, dy []float64) (dx, dw []float64) {
	oh, ow := s.OutH(), s.OutW()
	dx = make([]float64, len(x))
	dw = make([]float64, len(w))
	for n := 0; n < s.N; n++ {
		for f := 0; f < s.F; f++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					g := dy[((n*s.F+f)*oh+i)*ow+j]
					for c := 0; c < s.C; c++ {
						for kh := 0; kh < s.KH; kh++ {
							for kw := 0; kw < s.KW; kw++ {
								ih, iw := i*s.Stride+kh-s.Pad, j*s.Stride+kw-s.Pad
								if ih < 0 || ih >= s.H || iw < 0 || iw >= s.W {
									continue
								}
								xi := ((n*s.C+c)*s.H+ih)*s.W + iw
								wi := ((f*s.C+c)*s.KH+kh)*s.KW + kw
								dx[xi] += g * w[wi]
								dw[wi] += g * x[xi]
							}
						}
					}
				}
			}
		}
	}
	return dx, dw
}

// refMaxPool returns y and, for each output, the flat input index of the
// first maximum of its window.
func refMaxPool(p Pool2D, x []float64) ([]float64, []int) {
	oh, ow := p.OutH(), p.OutW()
	y := make([]float64, p.N*p.C*oh*ow)
	arg := make([]int, len(y))
	for pl := 0; pl < p.N*p.C; pl++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				best := -1
				for dh := 0; dh < p.Size; dh++ {
					for dw := 0; dw < p.Size; dw++ {
						k := pl*p.H*p.W + (i*p.Stride+dh)*p.W + j*p.Stride + dw
						if best < 0 || x[k] > x[best] {
							best = k
						}
					}
				}
				o := (pl*oh+i)*ow + j
				y[o], arg[o] = x[best], best
			}
		}
	}
	return y, arg
}

func refMaxPoolBackward(p Pool2D, arg []int, dy []float64) []float64 {
	dx := make([]float64, p.InSize())
	for o, k := range arg {
		dx[k] += dy[o]
	}
	return dx
}

func refAvgPool(p Pool2D, x []float64) []float64 {
	oh, ow := p.OutH(), p.OutW()
	y := make([]float64, p.N*p.C*oh*ow)
	for pl := 0; pl < p.N*p.C; pl++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				var s float64
				for dh := 0; dh < p.Size; dh++ {
					for dw := 0; dw < p.Size; dw++ {
						s += x[pl*p.H*p.W+(i*p.Stride+dh)*p.W+j*p.Stride+dw]
					}
				}
				y[(pl*oh+i)*ow+j] = s / float64(p.Size*p.Size)
			}
		}
	}
	return y
}

func refAvgPoolBackward(p Pool2D, dy []float64) []float64 {
	oh, ow := p.OutH(), p.OutW()
	dx := make([]float64, p.InSize())
	for pl := 0; pl < p.N*p.C; pl++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				g := dy[(pl*oh+i)*ow+j] / float64(p.Size*p.Size)
				for dh := 0; dh < p.Size; dh++ {
					for dw := 0; dw < p.Size; dw++ {
						dx[pl*p.H*p.W+(i*p.Stride+dh)*p.W+j*p.Stride+dw] += g
					}
				}
			}
		}
	}
	return dx
}

// refBatchNorm returns y with batch statistics and the per-channel mean and
// biased variance.
func refBatchNorm(n, c, hw int, eps float64, x []float64) (y, mean, variance []float64) {
	y = make([]float64, len(x))
	mean, variance = make([]float64, c), make([]float64, c)
	m := float64(n * hw)
	for ch := 0; ch < c; ch++ {
		for i := 0; i < n; i++ {
			for k := 0; k < hw; k++ {
				mean[ch] += x[(i*c+ch)*hw+k] / m
			}
		}
		for i := 0; i < n; i++ {
			for k := 0; k < hw; k++ {
				d := x[(i*c+ch)*hw+k] - mean[ch]
				variance[ch] += d * d / m
			}
		}
		for i := 0; i < n; i++ {
			for k := 0; k < hw; k++ {
				o := (i*c+ch)*hw + k
				y[o] = (x[o] - mean[ch]) / math.Sqrt(variance[ch]+eps)
			}
		}
	}
	return y, mean, variance
}

// refBatchNormBackward is the textbook gradient of refBatchNorm.
func refBatchNormBackward(n, c, hw int, eps float64, x, dy []float64) []float64 {
	y, _, variance := refBatchNorm(n, c, hw, eps, x)
	dx := make([]float64, len(x))
	m := float64(n * hw)
	for ch := 0; ch < c; ch++ {
		var sdy, sdyx float64
		for i := 0; i < n; i++ {
			for k := 0; k < hw; k++ {
				o := (i*c+ch)*hw + k
				sdy += dy[o]
				sdyx += dy[o] * y[o]
			}
		}
		inv := 1 / math.Sqrt(variance[ch]+eps)
		for i := 0; i < n; i++ {
			for k := 0; k < hw; k++ {
				o := (i*c+ch)*hw + k
				dx[o] = inv * (dy[o] - sdy/m - y[o]*sdyx/m)
			}
		}
	}
	return dx
}

func refReLU(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = math.Max(v, 0)
	}
	return y
}

func refReLUBackward(x, dy []float64) []float64 {
	dx := make([]float64, len(x))
	for i, v := range x {
		if v > 0 {
			dx[i] = dy[i]
		}
	}
	return dx
}

// refSoftmaxCE returns the mean loss, probabilities and d(mean loss)/dlogits.
func refSoftmaxCE(logits []float64, labels []int32, n, classes int) (float64, []float64, []float64) {
	probs := make([]float64, len(logits))
	grad := make([]float64, len(logits))
	var loss float64
	for i := 0; i < n; i++ {
		row := logits[i*classes : (i+1)*classes]
		mx := math.Inf(-1)
		for _, v := range row {
			mx = math.Max(mx, v)
		}
		var s float64
		for _, v := range row {
			s += math.Exp(v - mx)
		}
		for j, v := range row {
			probs[i*classes+j] = math.Exp(v-mx) / s
			grad[i*classes+j] = probs[i*classes+j] / float64(n)
		}
		grad[i*classes+int(labels[i])] -= 1 / float64(n)
		loss += math.Log(s) + mx - row[labels[i]]
	}
	return loss / float64(n), probs, grad
}

// refMatMul returns y (n×out) = x (n×in) · wᵀ with w (out×in).
func refMatMul(x, w []float64, n, in, out int) []float64 {
	y := make([]float64, n*out)
	for i := 0; i < n; i++ {
		for o := 0; o < out; o++ {
			var s float64
			for k := 0; k < in; k++ {
				s += x[i*in+k] * w[o*in+k]
			}
			y[i*out+o] = s
		}
	}
	return y
}

// The reference backward passes must themselves match finite differences.
func TestReferencesAgainstFiniteDifferences(t *testing.T) {
	s := ConvShape{N: 2, C: 2, H: 5, W: 6, F: 3, KH: 3, KW: 2, Stride: 2, Pad: 1}
	x := randVec(1, s.InSize(), 1)
	w := randVec(2, s.WeightSize(), 1)
	r := randVec(3, s.OutSize(), 1)
	dx, dw := refConvBackward(s, x, w, r)
	checkErr(t, "ref conv dx", relErr64(dx, numGrad(func(v []float64) float64 { return dot(r, refConv(s, v, w)) }, x, 1e-4)), 1e-9)
	checkErr(t, "ref conv dw", relErr64(dw, numGrad(func(v []float64) float64 { return dot(r, refConv(s, x, v)) }, w, 1e-4)), 1e-9)

	n, c, hw := 3, 2, 5
	xb := randVec(4, n*c*hw, 2)
	rb := randVec(5, n*c*hw, 1)
	checkErr(t, "ref batchnorm dx", relErr64(refBatchNormBackward(n, c, hw, 1e-5, xb, rb),
		numGrad(func(v []float64) float64 { y, _, _ := refBatchNorm(n, c, hw, 1e-5, v); return dot(rb, y) }, xb, 1e-5)), 1e-7)

	p := Pool2D{N: 2, C: 2, H: 7, W: 7, Size: 3, Stride: 2}
	xp := randVec(6, p.InSize(), 1)
	rp := randVec(7, p.OutSize(), 1)
	_, arg := refMaxPool(p, xp)
	checkErr(t, "ref maxpool dx", relErr64(refMaxPoolBackward(p, arg, rp),
		numGrad(func(v []float64) float64 { y, _ := refMaxPool(p, v); return dot(rp, y) }, xp, 1e-6)), 1e-8)
	checkErr(t, "ref avgpool dx", relErr64(refAvgPoolBackward(p, rp),
		numGrad(func(v []float64) float64 { return dot(rp, refAvgPool(p, v)) }, xp, 1e-4)), 1e-9)

	labels := []int32{2, 0, 3}
	lg := randVec(8, 12, 3)
	_, _, g := refSoftmaxCE(lg, labels, 3, 4)
	checkErr(t, "ref softmax dlogits", relErr64(g,
		numGrad(func(v []float64) float64 { l, _, _ := refSoftmaxCE(v, labels, 3, 4); return l }, lg, 1e-5)), 1e-8)
}
