package kernels

import (
	"fmt"
	"math"
)

// BatchNorm normalises each channel of an (N, C, HW) tensor, with no
// learnable scale or shift, following PyTorch's BatchNorm2d(affine=false):
// in training y = (x − mean)/√(var + Eps) with the batch mean and the biased
// batch variance over N·HW values, and the running statistics move as
// run ← (1 − Momentum)·run + Momentum·batch, the variance using the unbiased
// estimate; at evaluation the running statistics are used instead.
//
// Batch statistics are summed in float64, one channel at a time in a fixed
// order, so results do not depend on GOMAXPROCS. N may be changed between
// training steps (e.g. for a short last batch), but not between a
// ForwardTrain and its Backward; C and HW are fixed.
//
// With ReLU set, the BatchNorm is a batch norm followed by a ReLU in one
// pass, with the bits of the two run one after the other: the output is
// ReLUForward's of the normalised value, and Backward takes the gradient
// of that output and zeroes it where the normalised value is not positive,
// as ReLUBackward does, before batch norm's backward pass. It saves the
// ReLU's pass over the tensor both ways, and its buffers.
type BatchNorm struct {
	N, C, HW        int
	Eps, Momentum   float32
	RunMean, RunVar []float32
	ReLU            bool

	mean, invStd []float32 // saved by ForwardTrain for Backward
	x            []float32 // input of the last ForwardTrain

	kind   bnKind
	lanes  [][]float64 // per worker: the float64 partial sums of a channel's planes
	y, dy  []float32
	dx     []float32
	n      int // N of the call in progress
	hasRun bool
}

type bnKind int

const (
	bnTrain bnKind = iota
	bnEval
	bnBackward
)

// NewBatchNorm returns a BatchNorm for n×c×hw tensors with Eps 1e-5,
// Momentum 0.1, running mean 0 and running variance 1.
func NewBatchNorm(n, c, hw int) *BatchNorm {
	b := &BatchNorm{N: n, C: c, HW: hw, Eps: 1e-5, Momentum: 0.1,
		RunMean: make([]float32, c), RunVar: make([]float32, c)}
	for i := range b.RunVar {
		b.RunVar[i] = 1
	}
	return b
}

func (b *BatchNorm) check(x, y int) {
	if b.N < 1 || b.C < 1 || b.HW < 1 || len(b.RunMean) < b.C || len(b.RunVar) < b.C {
		panic(fmt.Sprintf("kernels: bad BatchNorm N=%d C=%d HW=%d with %d/%d running stats", b.N, b.C, b.HW, len(b.RunMean), len(b.RunVar)))
	}
	checkLen("batchnorm input", x, b.N*b.C*b.HW)
	checkLen("batchnorm output", y, b.N*b.C*b.HW)
}

func (b *BatchNorm) parallel() {
	b.n = b.N
	workers := min(procs(), elemChunks(b.N*b.C*b.HW))
	for len(b.lanes) < workers {
		b.lanes = append(b.lanes, nil)
	}
	runParallel(b.C, b.C, workers, (*bnRanger)(b))
}

// ForwardTrain normalises x into y with batch statistics, updates the running
// statistics and keeps x, the batch mean and 1/√(var+Eps) for Backward: x
// must stay unchanged until then, and y must not share memory with x.
func (b *BatchNorm) ForwardTrain(x, y []float32) {
	b.check(len(x), len(y))
	if b.N*b.HW < 2 {
		panic("kernels: BatchNorm training needs more than one value per channel")
	}
	if &x[0] == &y[0] {
		panic("kernels: BatchNorm.ForwardTrain cannot run in place")
	}
	if len(b.mean) < b.C {
		b.mean, b.invStd = make([]float32, b.C), make([]float32, b.C)
	}
	b.kind, b.x, b.y = bnTrain, x, y
	b.parallel()
	b.y, b.hasRun = nil, true
}

// ForwardEval normalises x into y with the running statistics; y may be x.
func (b *BatchNorm) ForwardEval(x, y []float32) {
	b.check(len(x), len(y))
	saved := b.x
	b.kind, b.x, b.y = bnEval, x, y
	b.parallel()
	b.x, b.y = saved, nil
}

// Backward computes dx = ∂L/∂x from dy for the last ForwardTrain, overwriting
// dx (which may be dy):
//
//	dx = (dy − mean(dy) − x̂·mean(dy·x̂)) / √(var+Eps), x̂ = (x − mean)/√(var+Eps).
func (b *BatchNorm) Backward(dy, dx []float32) {
	if !b.hasRun {
		panic("kernels: BatchNorm.Backward before ForwardTrain")
	}
	b.check(len(dy), len(dx))
	b.kind, b.dy, b.dx = bnBackward, dy, dx
	b.parallel()
	b.dy, b.dx = nil, nil
}

// bnRanger is a BatchNorm as the parallel.Ranger of its passes, which
// keeps Range out of BatchNorm's methods.
type bnRanger BatchNorm

func (r *bnRanger) Range(w, lo, hi int) { (*BatchNorm)(r).run(w, lo, hi) }

// run processes channels [lo, hi) of the current pass.
func (b *BatchNorm) run(w, lo, hi int) {
	for c := lo; c < hi; c++ {
		switch b.kind {
		case bnTrain:
			b.trainChannel(w, c)
		case bnEval:
			m, s := b.RunMean[c], float32(1/math.Sqrt(float64(b.RunVar[c])+float64(b.Eps)))
			b.normalise(b.x, b.y, c, m, s)
		case bnBackward:
			b.backwardChannel(w, c)
		}
	}
}

// plane returns channel c of image i.
func (b *BatchNorm) plane(t []float32, i, c int) []float32 {
	o := (i*b.C + c) * b.HW
	return t[o : o+b.HW]
}

func (b *BatchNorm) trainChannel(w, c int) {
	m := float64(b.n * b.HW)
	mean := b.channelSum(w, c) / m
	v := b.channelSumSq(w, c, mean) / m
	inv := float32(1 / math.Sqrt(v+float64(b.Eps)))
	b.mean[c], b.invStd[c] = float32(mean), inv
	mom := float64(b.Momentum)
	b.RunMean[c] = float32((1-mom)*float64(b.RunMean[c]) + mom*mean)
	b.RunVar[c] = float32((1-mom)*float64(b.RunVar[c]) + mom*v*m/(m-1))
	b.normalise(b.x, b.y, c, b.mean[c], inv)
}

func (b *BatchNorm) normalise(x, y []float32, c int, mean, inv float32) {
	if useAsm && b.n > 0 {
		// the channel's planes in one call: the first and the last are in
		// bounds, and they are the same slices of x and y
		_, _ = b.plane(x, b.n-1, c), b.plane(y, b.n-1, c)
		bnNormAVX2(&b.plane(x, 0, c)[0], &b.plane(y, 0, c)[0], b.HW, mean, inv, b.reluMask(), b.n, b.C*b.HW)
		return
	}
	for i := 0; i < b.n; i++ {
		xs, ys := b.plane(x, i, c), b.plane(y, i, c)
		ys = ys[:len(xs)]
		for k, v := range xs {
			y := (v - mean) * inv
			if b.ReLU && y < 0 { // +0 for negatives; −0 and NaN pass, as ReLUForward
				y = 0
			}
			ys[k] = y
		}
	}
}

func (b *BatchNorm) backwardChannel(w, c int) {
	mean, inv := b.mean[c], b.invStd[c]
	sdy, sdyx := b.channelDyXhat(w, c, mean, inv)
	m := float64(b.n * b.HW)
	a, g := float32(sdy/m), float32(sdyx/m)
	if useAsm && b.n > 0 {
		_, _, _ = b.plane(b.x, b.n-1, c), b.plane(b.dy, b.n-1, c), b.plane(b.dx, b.n-1, c) // bounds, as in normalise
		bnBackAVX2(&b.plane(b.x, 0, c)[0], &b.plane(b.dy, 0, c)[0], &b.plane(b.dx, 0, c)[0], b.HW, mean, inv, a, g, ^b.reluMask(), b.n, b.C*b.HW)
		return
	}
	for i := 0; i < b.n; i++ {
		xs, ds, dx := b.plane(b.x, i, c), b.plane(b.dy, i, c), b.plane(b.dx, i, c)
		ds, dx = ds[:len(xs)], dx[:len(xs)]
		for k, v := range xs {
			d, xh := ds[k], (v-mean)*inv
			if b.ReLU {
				d = reluGrad(xh, d)
			}
			dx[k] = (d - a - xh*g) * inv
		}
	}
}

// reluMask is all ones when the ReLU is fused and 0 otherwise, for the
// assembly loops.
func (b *BatchNorm) reluMask() uint32 {
	if b.ReLU {
		return ^uint32(0)
	}
	return 0
}

// The float64 reductions below keep partial sums to break the chain of
// dependent additions; their order is fixed, so results are reproducible.
// Each is one plane's loop (sum64, sumSq64, sumDyXhat64) and the ending
// that adds the partial sums and the tail (…Lanes); channelSum,
// channelSumSq and channelDyXhat run the loop of four planes at once in
// assembly where it is there, with the same lanes and the same ending, so
// the bits do not depend on the path.

// channelSum returns Σ over images of sum64 of channel c, worker w.
func (b *BatchNorm) channelSum(w, c int) float64 {
	var sum float64
	i, q := 0, b.HW&^3
	if g := b.n / 4; useAsm && q > 0 && g > 0 {
		l := b.groupLanes(w, g, c)
		bnSum4AVX2(&b.plane(b.x, 0, c)[0], b.C*b.HW, q, 0, false, &l[0], g)
		for ; i < 4*g; i++ {
			sum += sum64Lanes([4]float64(l[4*i:]), b.tail(b.x, i, c, q))
		}
	}
	for ; i < b.n; i++ {
		sum += sum64(b.plane(b.x, i, c))
	}
	return sum
}

// channelSumSq returns Σ over images of sumSq64 of channel c, worker w.
func (b *BatchNorm) channelSumSq(w, c int, mean float64) float64 {
	var ss float64
	i, q := 0, b.HW&^3
	if g := b.n / 4; useAsm && q > 0 && g > 0 {
		l := b.groupLanes(w, g, c)
		bnSum4AVX2(&b.plane(b.x, 0, c)[0], b.C*b.HW, q, mean, true, &l[0], g)
		for ; i < 4*g; i++ {
			ss += sumSq64Lanes([4]float64(l[4*i:]), b.tail(b.x, i, c, q), mean)
		}
	}
	for ; i < b.n; i++ {
		ss += sumSq64(b.plane(b.x, i, c), mean)
	}
	return ss
}

// channelDyXhat returns Σ over images of sumDyXhat64 of channel c,
// worker w.
func (b *BatchNorm) channelDyXhat(w, c int, mean, inv float32) (sdy, sdyx float64) {
	i, q := 0, b.HW&^1
	if g := b.n / 4; useAsm && q > 0 && g > 0 {
		l := b.groupLanes(w, g, c)
		_ = b.plane(b.dy, 4*g-1, c)
		bnDyXhat4AVX2(&b.plane(b.x, 0, c)[0], &b.plane(b.dy, 0, c)[0], b.C*b.HW, q, mean, inv, ^b.reluMask(), &l[0], g)
		for ; i < 4*g; i++ {
			// planes 2h and 2h+1 of a group share 8 values: Σd then Σd·x̂, two lanes each
			o := 16*(i/4) + 8*(i%4/2) + 2*(i%2)
			a, gx := sumDyXhatLanes(l[o], l[o+1], l[o+4], l[o+5], b.tail(b.x, i, c, q), b.tail(b.dy, i, c, q), mean, inv, b.ReLU)
			sdy += a
			sdyx += gx
		}
	}
	for ; i < b.n; i++ {
		a, g := sumDyXhat64(b.plane(b.x, i, c), b.plane(b.dy, i, c), mean, inv, b.ReLU)
		sdy += a
		sdyx += g
	}
	return sdy, sdyx
}

// groupLanes returns worker w's buffer for the partial sums of g groups of
// four planes of channel c, having checked that the last plane the
// assembly reads is in bounds.
func (b *BatchNorm) groupLanes(w, g, c int) []float64 {
	_ = b.plane(b.x, 4*g-1, c)
	if len(b.lanes[w]) < 16*g {
		b.lanes[w] = make([]float64, 16*g)
	}
	return b.lanes[w][:16*g]
}

// tail returns the values of plane (i, c) of t from q on (none when q is
// HW, the common case, without slicing).
func (b *BatchNorm) tail(t []float32, i, c, q int) []float32 {
	if q == b.HW {
		return nil
	}
	return b.plane(t, i, c)[q:]
}

func sum64(x []float32) float64 {
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(x); k += 4 {
		s0 += float64(x[k])
		s1 += float64(x[k+1])
		s2 += float64(x[k+2])
		s3 += float64(x[k+3])
	}
	return sum64Lanes([4]float64{s0, s1, s2, s3}, x[k:])
}

// sum64Lanes ends sum64: the tail goes to the first partial sum.
func sum64Lanes(s [4]float64, tail []float32) float64 {
	for _, v := range tail {
		s[0] += float64(v)
	}
	return (s[0] + s[1]) + (s[2] + s[3])
}

func sumSq64(x []float32, mean float64) float64 {
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(x); k += 4 {
		d0, d1 := float64(x[k])-mean, float64(x[k+1])-mean
		d2, d3 := float64(x[k+2])-mean, float64(x[k+3])-mean
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	return sumSq64Lanes([4]float64{s0, s1, s2, s3}, x[k:], mean)
}

// sumSq64Lanes ends sumSq64.
func sumSq64Lanes(s [4]float64, tail []float32, mean float64) float64 {
	for _, v := range tail {
		d := float64(v) - mean
		s[0] += d * d
	}
	return (s[0] + s[1]) + (s[2] + s[3])
}

// sumDyXhat64 returns Σdy and Σdy·x̂ with x̂ = (x−mean)·inv computed in
// float32 exactly as the forward pass computed y. With relu, dy counts as
// +0 where x̂ is not positive, as ReLUBackward leaves it; the mask is
// taken without a branch, as the signs are random.
func sumDyXhat64(x, dy []float32, mean, inv float32, relu bool) (float64, float64) {
	dy = dy[:len(x)]
	var a0, a1, b0, b1 float64
	k := 0
	if relu {
		for ; k+2 <= len(x); k += 2 {
			h0, h1 := (x[k]-mean)*inv, (x[k+1]-mean)*inv
			d0, d1 := float64(reluGrad(h0, dy[k])), float64(reluGrad(h1, dy[k+1]))
			a0 += d0
			a1 += d1
			b0 += d0 * float64(h0)
			b1 += d1 * float64(h1)
		}
	} else {
		for ; k+2 <= len(x); k += 2 {
			d0, d1 := float64(dy[k]), float64(dy[k+1])
			a0 += d0
			a1 += d1
			b0 += d0 * float64((x[k]-mean)*inv)
			b1 += d1 * float64((x[k+1]-mean)*inv)
		}
	}
	return sumDyXhatLanes(a0, a1, b0, b1, x[k:], dy[k:], mean, inv, relu)
}

// sumDyXhatLanes ends sumDyXhat64: the tail goes to the first partial
// sums.
func sumDyXhatLanes(a0, a1, b0, b1 float64, x, dy []float32, mean, inv float32, relu bool) (float64, float64) {
	dy = dy[:len(x)]
	for k, v := range x {
		h := (v - mean) * inv
		d := dy[k]
		if relu {
			d = reluGrad(h, d)
		}
		a0 += float64(d)
		b0 += float64(d) * float64(h)
	}
	return a0 + a1, b0 + b1
}

// reluGrad is dy where y > 0 and +0 elsewhere, as ReLUBackward.
func reluGrad(y, dy float32) float32 {
	g := math.Float32bits(dy) // outside the if, for CMOV
	var r uint32
	if y > 0 {
		r = g
	}
	return math.Float32frombits(r)
}
