package kernels

import (
	"runtime"
	"testing"

	"github.com/slotlab/slotlab/framework/rng"
)

// Every kernel must run without allocating once its buffers exist. The conv
// shapes are kept small enough for today's gemm backend to run serially: the
// gonum-backed gemm.Sgemm starts goroutines (and so allocates) for products
// of four or more 64×64 blocks, which is outside this package.
func TestNoAllocations(t *testing.T) {
	if testing.CoverMode() != "" || raceEnabled {
		t.Skip("instrumented build")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(2)
	const big = 4 * elemGrain // takes the parallel path
	x, y, dy, dx, mask := make([]float32, big), make([]float32, big), make([]float32, big), make([]float32, big), make([]float32, big)
	copy(x, to32(randVec(1, big, 1)))
	copy(dy, to32(randVec(2, big, 1)))
	pool := Pool2D{N: 8, C: 16, H: 32, W: 32, Size: 2, Stride: 2}
	arg := make([]int32, pool.OutSize())
	bn := NewBatchNorm(8, 16, 32*32)
	labels := make([]int32, 128)
	probs := make([]float32, 1280)
	s := rng.New(1, "dropout")
	cases := []allocCase{
		{"ReLUForward", func() { ReLUForward(x, y) }},
		{"ReLUBackward", func() { ReLUBackward(y, dy, dx) }},
		{"DropoutForward", func() { DropoutForward(x, y, mask, 0.5, s, 7) }},
		{"DropoutBackward", func() { DropoutBackward(dy, mask, dx) }},
		{"MaxPoolForward", func() { MaxPoolForward(pool, x, y, arg) }},
		{"MaxPoolBackward", func() { MaxPoolBackward(pool, dy, arg, dx) }},
		{"AvgPoolForward", func() { AvgPoolForward(pool, x, y) }},
		{"AvgPoolBackward", func() { AvgPoolBackward(pool, dy, dx) }},
		{"BatchNormForwardTrain", func() { bn.ForwardTrain(x, y) }},
		{"BatchNormBackward", func() { bn.Backward(dy, dx) }},
		{"BatchNormForwardEval", func() { bn.ForwardEval(x, y) }},
		{"SoftmaxCrossEntropy", func() { SoftmaxCrossEntropy(x, labels, 128, 10, probs) }},
		{"SoftmaxCrossEntropyBackward", func() { SoftmaxCrossEntropyBackward(probs, labels, 128, 10, 1, dx) }},
	}
	for _, o := range []ConvOptions{{Group: 1}, {Group: 2}, {Strategy: ConvPerGEMM, Group: 1}, {Strategy: ConvPerGEMM, Group: 2},
		{Algo: ConvWinograd}, {Algo: ConvWinograd, WinoTiles: 1}, {Algo: ConvWinograd4}, {Algo: ConvWinograd4, WinoTiles: 1}} {
		cs := ConvShape{N: 6, C: 3, H: 8, W: 8, F: 8, KH: 3, KW: 3, Stride: 1, Pad: 1}
		c := NewConvWith(cs, o)
		w := to32(randVec(3, cs.WeightSize(), 1))
		dw := make([]float32, cs.WeightSize())
		cases = append(cases,
			allocCase{"ConvForward", func() { c.Forward(x, w, y) }},
			allocCase{"ConvBackwardData", func() { c.BackwardData(dy, w, dx) }},
			allocCase{"ConvBackwardFilter", func() { c.BackwardFilter(x, dy, dw) }})
	}
	for _, tc := range cases {
		tc.f() // sizes buffers
		if a := testing.AllocsPerRun(20, tc.f); a != 0 {
			t.Errorf("%s: %v allocations per call", tc.name, a)
		}
	}
}

type allocCase struct {
	name string
	f    func()
}
