package nn

import (
	"math"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/rng"
)

// TestBatchNormReLUFusedSameBits trains a small VGG-like network three
// steps with each batch norm and its ReLU fused into one pass and with
// them as two layers, and checks that the two give the same bits: every
// step's loss and accuracy, the evaluation loss, the batch norms' running
// statistics and every slot layer's state (the weights, for the learned
// baseline). One batch norm is followed by
// a pool, not a ReLU, and stays alone. The fused graph must also have
// fewer nodes, or the test compares nothing.
func TestBatchNormReLUFusedSameBits(t *testing.T) {
	spec := arch([]int{3, 8, 8},
		LayerSpec{Kind: framework.Conv, Out: 16, Kernel: 3, Stride: 1, Padding: 1},
		LayerSpec{Kind: framework.BatchNorm}, LayerSpec{Kind: framework.ReLU},
		LayerSpec{Kind: framework.Conv, Out: 16, Kernel: 3, Stride: 1, Padding: 1},
		LayerSpec{Kind: framework.BatchNorm},
		LayerSpec{Kind: framework.MaxPool, Size: 2, Stride: 2},
		LayerSpec{Kind: framework.Conv, Out: 32, Kernel: 3, Stride: 1, Padding: 1},
		LayerSpec{Kind: framework.BatchNorm}, LayerSpec{Kind: framework.ReLU},
		LayerSpec{Kind: framework.Flatten},
		LayerSpec{Kind: framework.Dense, Out: 10},
	)
	checkFusedSameBits(t, spec, &fuseBNReLU)
}

// TestConvReLUFusedSameBits is TestBatchNormReLUFusedSameBits for a
// CONV-like network whose convs do the ReLU after them
// (kernels.Conv.ReLU): im2col (the 3-channel conv, and the 5×5 one under
// f2), F(2×2) (10×10, f2 and f4) and the transform GEMMs (5×5, under
// winograd: f4); one conv, followed by a pool, stays alone.
func TestConvReLUFusedSameBits(t *testing.T) {
	spec := arch([]int{3, 10, 10},
		LayerSpec{Kind: framework.Conv, Out: 64, Kernel: 3, Stride: 1, Padding: 1},
		LayerSpec{Kind: framework.ReLU},
		LayerSpec{Kind: framework.Conv, Out: 64, Kernel: 3, Stride: 1, Padding: 1},
		LayerSpec{Kind: framework.ReLU},
		LayerSpec{Kind: framework.Conv, Out: 64, Kernel: 3, Stride: 1, Padding: 1},
		LayerSpec{Kind: framework.MaxPool, Size: 2, Stride: 2},
		LayerSpec{Kind: framework.Conv, Out: 64, Kernel: 3, Stride: 1, Padding: 1},
		LayerSpec{Kind: framework.ReLU},
		LayerSpec{Kind: framework.Flatten},
		LayerSpec{Kind: framework.Dense, Out: 10},
	)
	checkFusedSameBits(t, spec, &fuseConvReLU)
	checkFusedSameBitsWith(t, spec, &fuseConvReLU, true)
}

// TestReLUGradFoldedSameBits is TestBatchNormReLUFusedSameBits for the
// gradient of a conv's fused ReLU done by the layer after it
// (foldsReLUGrad): by a max pool of 2×2 windows, or of 3×3 windows 2
// apart (which overlap, so one input can take the gradient of two
// windows), and by the next conv's input gradient on im2col, F(2×2) and,
// under winograd: f4, F(4×4) and the transform GEMMs.
func TestReLUGradFoldedSameBits(t *testing.T) {
	spec := arch([]int{3, 22, 22},
		LayerSpec{Kind: framework.Conv, Out: 64, Kernel: 3, Stride: 1},
		LayerSpec{Kind: framework.ReLU},
		LayerSpec{Kind: framework.Conv, Out: 64, Kernel: 3, Stride: 1},
		LayerSpec{Kind: framework.ReLU},
		LayerSpec{Kind: framework.MaxPool, Size: 2, Stride: 2},
		LayerSpec{Kind: framework.Conv, Out: 64, Kernel: 3, Stride: 1},
		LayerSpec{Kind: framework.ReLU},
		LayerSpec{Kind: framework.Conv, Out: 64, Kernel: 3, Stride: 1, Padding: 1},
		LayerSpec{Kind: framework.ReLU},
		LayerSpec{Kind: framework.MaxPool, Size: 3, Stride: 2},
		LayerSpec{Kind: framework.Conv, Out: 64, Kernel: 3, Stride: 1, Padding: 1},
		LayerSpec{Kind: framework.ReLU},
		LayerSpec{Kind: framework.MaxPool, Size: 2, Stride: 2},
		LayerSpec{Kind: framework.Flatten},
		LayerSpec{Kind: framework.Dense, Out: 10},
	)
	checkFusedSameBits(t, spec, &foldReLUGrad)
	checkFusedSameBitsWith(t, spec, &foldReLUGrad, true)
}

// checkFusedSameBits trains spec three steps with *fuse on and off and
// requires the same bits and fewer graph nodes fused.
func checkFusedSameBits(t *testing.T, spec Spec, fuse *bool) {
	checkFusedSameBitsWith(t, spec, fuse, false)
}

func checkFusedSameBitsWith(t *testing.T, spec Spec, fuseVar *bool, winograd4 bool) {
	t.Helper()
	type outcome struct {
		nodes   int
		metrics []float64
		state   [][]float32
	}
	run := func(method framework.Method, fuse bool) outcome {
		defer func(v bool) { *fuseVar = v }(*fuseVar)
		*fuseVar = fuse
		o := testOptions(method, 8, 16)
		o.WeightInit, o.ScoreInit = paperInit{}, paperInit{lambda: 1}
		o.Winograd4 = winograd4
		n, err := Build(spec, o)
		if err != nil {
			t.Fatal(err)
		}
		out := outcome{nodes: len(n.train.g.AllNodes()) + len(n.eval.g.AllNodes())}
		s := rng.New(5, "bn-relu")
		for step := 0; step < 3; step++ {
			fillBatches(n, s, uint64(step)*100000, step)
			loss, acc, err := n.TrainStep(Hyper{LR: 0.1, Momentum: 0.9, WeightDecay: 1e-4})
			if err != nil {
				t.Fatal(err)
			}
			out.metrics = append(out.metrics, loss, float64(acc))
		}
		if err := n.PrepareEval(); err != nil {
			t.Fatal(err)
		}
		evalLoss, _, err := n.EvalStep(16)
		if err != nil {
			t.Fatal(err)
		}
		out.metrics = append(out.metrics, evalLoss)
		for _, l := range n.Slots {
			out.state = append(out.state, l.Y, l.Weff)
		}
		for _, l := range n.Learned {
			out.state = append(out.state, l.W)
		}
		for i := range len(spec.Layers) {
			if b, ok := n.bns[i]; ok {
				out.state = append(out.state, b.RunMean, b.RunVar)
			}
		}
		return out
	}
	for _, method := range []framework.Method{framework.MethodSlot, framework.MethodLearned} {
		fused, apart := run(method, true), run(method, false)
		if fused.nodes >= apart.nodes {
			t.Fatalf("%s: the fused graphs have %d nodes, the unfused %d: nothing was fused", method, fused.nodes, apart.nodes)
		}
		for i := range apart.metrics {
			if math.Float64bits(fused.metrics[i]) != math.Float64bits(apart.metrics[i]) {
				t.Errorf("%s: metric %d: fused %v, apart %v", method, i, fused.metrics[i], apart.metrics[i])
			}
		}
		if len(fused.state) != len(apart.state) || len(apart.state) == 0 {
			t.Fatalf("%s: %d state tensors fused, %d apart", method, len(fused.state), len(apart.state))
		}
		for i := range apart.state {
			for j := range apart.state[i] {
				if math.Float32bits(fused.state[i][j]) != math.Float32bits(apart.state[i][j]) {
					t.Fatalf("%s: state tensor %d differs at %d: fused %v, apart %v", method, i, j, fused.state[i][j], apart.state[i][j])
				}
			}
		}
	}
}
