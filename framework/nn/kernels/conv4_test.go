package kernels

import (
	"math"
	"testing"

	"github.com/slotlab/slotlab/framework/nn/gemm"
)

// conv4 is the convolutional trunk of CONV-4 (docs/method.md §2) on 3×32×32 inputs:
// conv64 p0, ReLU, conv64 p0, ReLU, pool, conv128 p0, ReLU, conv128 p0, ReLU,
// pool, then (for the end-to-end test) a 3200→10 matmul and the loss.
type conv4 struct {
	n     int
	convs [4]*Conv
	pools [2]Pool2D
	w     [4][]float32
	fc    []float32 // 10 × 3200

	// activations: a[i] conv outputs after ReLU (in place), p[i] pools
	x        []float32
	a        [4][]float32
	p        [2][]float32
	arg      [2][]int32
	logits   []float32
	probs    []float32
	labels   []int32
	dlogits  []float32
	da       [4][]float32
	dp       [2][]float32
	dx       []float32
	dw       [4][]float32
	dfc      []float32
	withDx1  bool // compute the first conv's input gradient too
	withHead bool
}

var conv4Shapes = [4]ConvShape{
	{C: 3, H: 32, W: 32, F: 64, KH: 3, KW: 3, Stride: 1},
	{C: 64, H: 30, W: 30, F: 64, KH: 3, KW: 3, Stride: 1},
	{C: 64, H: 14, W: 14, F: 128, KH: 3, KW: 3, Stride: 1},
	{C: 128, H: 12, W: 12, F: 128, KH: 3, KW: 3, Stride: 1},
}

func newConv4(n int, o ConvOptions, seed uint64) *conv4 {
	m := &conv4{n: n}
	for i, s := range conv4Shapes {
		s.N = n
		m.convs[i] = NewConvWith(s, o)
		fanIn, fanOut := s.C*9, s.F*9
		m.w[i] = to32(randVec(seed+uint64(i), s.WeightSize(), math.Sqrt(6/float64(fanIn+fanOut))))
		m.a[i] = make([]float32, s.OutSize())
		m.da[i] = make([]float32, s.OutSize())
		m.dw[i] = make([]float32, s.WeightSize())
	}
	m.pools[0] = Pool2D{N: n, C: 64, H: 28, W: 28, Size: 2, Stride: 2}
	m.pools[1] = Pool2D{N: n, C: 128, H: 10, W: 10, Size: 2, Stride: 2}
	for i, p := range m.pools {
		m.p[i] = make([]float32, p.OutSize())
		m.dp[i] = make([]float32, p.OutSize())
		m.arg[i] = make([]int32, p.OutSize())
	}
	m.x = to32(randVec(seed+10, n*3*32*32, 1))
	m.dx = make([]float32, len(m.x))
	m.fc = to32(randVec(seed+11, 10*3200, math.Sqrt(6.0/3210)))
	m.dfc = make([]float32, len(m.fc))
	m.logits = make([]float32, n*10)
	m.probs = make([]float32, n*10)
	m.dlogits = make([]float32, n*10)
	m.labels = make([]int32, n)
	for i := range m.labels {
		m.labels[i] = int32(i * 7 % 10)
	}
	return m
}

func (m *conv4) forward() {
	m.convs[0].Forward(m.x, m.w[0], m.a[0])
	ReLUForward(m.a[0], m.a[0])
	m.convs[1].Forward(m.a[0], m.w[1], m.a[1])
	ReLUForward(m.a[1], m.a[1])
	MaxPoolForward(m.pools[0], m.a[1], m.p[0], m.arg[0])
	m.convs[2].Forward(m.p[0], m.w[2], m.a[2])
	ReLUForward(m.a[2], m.a[2])
	m.convs[3].Forward(m.a[2], m.w[3], m.a[3])
	ReLUForward(m.a[3], m.a[3])
	MaxPoolForward(m.pools[1], m.a[3], m.p[1], m.arg[1])
}

// backward expects dp[1], the gradient at the flattened 3200 features.
func (m *conv4) backward() {
	MaxPoolBackward(m.pools[1], m.dp[1], m.arg[1], m.da[3])
	ReLUBackward(m.a[3], m.da[3], m.da[3])
	m.convs[3].BackwardFilter(m.a[2], m.da[3], m.dw[3])
	m.convs[3].BackwardData(m.da[3], m.w[3], m.da[2])
	ReLUBackward(m.a[2], m.da[2], m.da[2])
	m.convs[2].BackwardFilter(m.p[0], m.da[2], m.dw[2])
	m.convs[2].BackwardData(m.da[2], m.w[2], m.dp[0])
	MaxPoolBackward(m.pools[0], m.dp[0], m.arg[0], m.da[1])
	ReLUBackward(m.a[1], m.da[1], m.da[1])
	m.convs[1].BackwardFilter(m.a[0], m.da[1], m.dw[1])
	m.convs[1].BackwardData(m.da[1], m.w[1], m.da[0])
	ReLUBackward(m.a[0], m.da[0], m.da[0])
	m.convs[0].BackwardFilter(m.x, m.da[0], m.dw[0])
	if m.withDx1 {
		m.convs[0].BackwardData(m.da[0], m.w[0], m.dx)
	}
}

// head runs the 3200→10 matmul, the loss and their gradients.
func (m *conv4) head() float64 {
	gemm.Sgemm(false, true, m.n, 10, 3200, 1, m.p[1], 3200, m.fc, 3200, 0, m.logits, 10)
	loss, _ := SoftmaxCrossEntropy(m.logits, m.labels, m.n, 10, m.probs)
	SoftmaxCrossEntropyBackward(m.probs, m.labels, m.n, 10, 1, m.dlogits)
	gemm.Sgemm(true, false, 10, 3200, m.n, 1, m.dlogits, 10, m.p[1], 3200, 0, m.dfc, 3200)
	gemm.Sgemm(false, false, m.n, 3200, 10, 1, m.dlogits, 10, m.fc, 3200, 0, m.dp[1], 3200)
	return loss
}

// convFLOPs returns the conv floating-point operations of one step.
func (m *conv4) convFLOPs() float64 {
	var f float64
	for i, c := range m.convs {
		passes := 3.0
		if i == 0 && !m.withDx1 {
			passes = 2
		}
		f += passes * c.Shape().FLOPs()
	}
	return f
}

// refConv4 computes the same network in float64 and returns the loss and the
// gradients of the four conv filters and the matmul.
func refConv4(m *conv4) (float64, [5][]float64) {
	n := m.n
	var w [4][]float64
	for i := range w {
		w[i] = to64(m.w[i])
	}
	shape := func(i int) ConvShape { s := conv4Shapes[i]; s.N = n; return s }
	x := to64(m.x)
	z0 := refConv(shape(0), x, w[0])
	a0 := refReLU(z0)
	z1 := refConv(shape(1), a0, w[1])
	a1 := refReLU(z1)
	p0, arg0 := refMaxPool(m.pools[0], a1)
	z2 := refConv(shape(2), p0, w[2])
	a2 := refReLU(z2)
	z3 := refConv(shape(3), a2, w[3])
	a3 := refReLU(z3)
	p1, arg1 := refMaxPool(m.pools[1], a3)
	fc := to64(m.fc)
	logits := refMatMul(p1, fc, n, 3200, 10)
	loss, _, dl := refSoftmaxCE(logits, m.labels, n, 10)

	var g [5][]float64
	g[4] = make([]float64, len(fc))
	dp1 := make([]float64, len(p1))
	for i := 0; i < n; i++ {
		for o := 0; o < 10; o++ {
			for k := 0; k < 3200; k++ {
				g[4][o*3200+k] += dl[i*10+o] * p1[i*3200+k]
				dp1[i*3200+k] += dl[i*10+o] * fc[o*3200+k]
			}
		}
	}
	da3 := refReLUBackward(z3, refMaxPoolBackward(m.pools[1], arg1, dp1))
	da2, dw3 := refConvBackward(shape(3), a2, w[3], da3)
	dp0, dw2 := refConvBackward(shape(2), p0, w[2], refReLUBackward(z2, da2))
	da1 := refReLUBackward(z1, refMaxPoolBackward(m.pools[0], arg0, dp0))
	da0, dw1 := refConvBackward(shape(1), a0, w[1], da1)
	_, dw0 := refConvBackward(shape(0), x, w[0], refReLUBackward(z0, da0))
	g[0], g[1], g[2], g[3] = dw0, dw1, dw2, dw3
	return loss, g
}

func normRelErr(got []float32, want []float64) float64 {
	var d, w float64
	for i := range want {
		e := float64(got[i]) - want[i]
		d += e * e
		w += want[i] * want[i]
	}
	return math.Sqrt(d / w)
}

// The whole CONV-4 trunk, batch 4, against float64: every filter gradient
// within 1e-4 relative error.
func TestConv4EndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("float64 reference of a whole CONV-4 takes about a second")
	}
	var loss64 float64
	var g [5][]float64
	for k, o := range []ConvOptions{{}, {Strategy: ConvPerGEMM}, {Group: 3}} {
		m := newConv4(4, o, 1000)
		m.forward()
		loss := m.head()
		m.backward()
		if k == 0 {
			loss64, g = refConv4(m) // same seed, so the same network for every option
		}
		if math.Abs(loss-loss64) > 1e-5*math.Abs(loss64) {
			t.Errorf("%+v: loss %v, float64 %v", o, loss, loss64)
		}
		got := [5][]float32{m.dw[0], m.dw[1], m.dw[2], m.dw[3], m.dfc}
		for i, name := range []string{"conv1", "conv2", "conv3", "conv4", "fc"} {
			e := relErr(got[i], g[i])
			if !(e <= 1e-4) {
				t.Errorf("%+v %s dW: relative error %.3g > 1e-4", o, name, e)
			}
			t.Logf("%+v %s dW: max-abs relative error %.3g, norm relative error %.3g", o, name, e, normRelErr(got[i], g[i]))
		}
	}
}
