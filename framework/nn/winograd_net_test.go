package nn

import (
	"math"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/kernels"
	"github.com/slotlab/slotlab/framework/rng"
)

// TestPaddedWinogradStepMatchesIm2col trains a small VGG-19-like network
// (3×3 convs with padding 1 and 64 channels, batch norm, ReLU, pooling,
// the shapes ConvAlgoAuto sends to Winograd) one step with every conv on
// im2col and one step with the default algorithms, from the same
// selection, and compares the loss, the evaluation loss and every slot
// layer's state after the step (the per-connection coefficient that the
// step's gradient moved) against a float64-free tolerance: the two paths
// differ by rounding only. The same with Options.Winograd4 (winograd: f4),
// whose F(4×4) takes the 64→64 conv of 8×8 planes and the transform-GEMM
// path the one of 4×4 planes. A second step is not compared: the selections
// may then flip on those roundings, as they do between seeds.
func TestPaddedWinogradStepMatchesIm2col(t *testing.T) {
	spec := arch([]int{3, 8, 8},
		LayerSpec{Kind: framework.Conv, Out: 64, Kernel: 3, Stride: 1, Padding: 1},
		LayerSpec{Kind: framework.BatchNorm}, LayerSpec{Kind: framework.ReLU},
		LayerSpec{Kind: framework.Conv, Out: 64, Kernel: 3, Stride: 1, Padding: 1},
		LayerSpec{Kind: framework.BatchNorm}, LayerSpec{Kind: framework.ReLU},
		LayerSpec{Kind: framework.MaxPool, Size: 2, Stride: 2},
		LayerSpec{Kind: framework.Conv, Out: 64, Kernel: 3, Stride: 1, Padding: 1},
		LayerSpec{Kind: framework.BatchNorm}, LayerSpec{Kind: framework.ReLU},
		LayerSpec{Kind: framework.Flatten},
		LayerSpec{Kind: framework.Dense, Out: 10},
	)
	type outcome struct {
		loss, evalLoss float64
		y              [][]float64
	}
	run := func(algo kernels.ConvAlgo, f4 bool) outcome {
		defer kernels.SetDefaultAlgo(kernels.SetDefaultAlgo(algo))
		o := testOptions(framework.MethodSlot, 8, 16)
		o.Winograd4 = f4
		o.WeightInit, o.ScoreInit = paperInit{}, paperInit{lambda: 1}
		n, err := Build(spec, o)
		if err != nil {
			t.Fatal(err)
		}
		fillBatches(n, rng.New(3, "winograd-net"), 0, 0)
		loss, _, err := n.TrainStep(Hyper{LR: 0.1, Momentum: 0.9, WeightDecay: 1e-4})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.PrepareEval(); err != nil {
			t.Fatal(err)
		}
		evalLoss, _, err := n.EvalStep(16)
		if err != nil {
			t.Fatal(err)
		}
		out := outcome{loss: loss, evalLoss: evalLoss}
		for _, l := range n.Slots {
			y := make([]float64, len(l.Y))
			for i, v := range l.Y {
				y[i] = float64(v)
			}
			out.y = append(out.y, y)
		}
		return out
	}
	ref := run(kernels.ConvIm2col, true) // SLOTLAB_CONV=im2col overrides winograd: f4
	f2 := run(kernels.ConvAlgoAuto, false)
	for _, c := range []struct {
		name string
		win  outcome
		tol  float64
	}{
		{"auto", f2, 1e-5}, // measured: up to 2e-6 of the largest
		{"auto, F(4×4)", run(kernels.ConvAlgoAuto, true), 2e-5}, // measured: up to 2e-6
	} {
		win := c.win
		if rel := math.Abs(win.loss-ref.loss) / math.Abs(ref.loss); !(rel < 1e-5) {
			t.Errorf("%s: training loss %v against %v (im2col): relative difference %.2g", c.name, win.loss, ref.loss, rel)
		}
		if rel := math.Abs(win.evalLoss-ref.evalLoss) / math.Abs(ref.evalLoss); !(rel < 1e-4) {
			t.Errorf("%s: evaluation loss %v against %v (im2col): relative difference %.2g", c.name, win.evalLoss, ref.evalLoss, rel)
		}
		same, sameF2 := true, true
		for li := range ref.y {
			var worst, scale float64
			for i := range ref.y[li] {
				worst = math.Max(worst, math.Abs(win.y[li][i]-ref.y[li][i]))
				scale = math.Max(scale, math.Abs(ref.y[li][i]))
				same = same && win.y[li][i] == ref.y[li][i]
				sameF2 = sameF2 && win.y[li][i] == f2.y[li][i]
			}
			if !(worst <= c.tol*scale) {
				t.Errorf("%s: layer %d: the step's coefficients differ by up to %.3g of their largest %.3g", c.name, li, worst, scale)
			}
			t.Logf("%s: layer %d: largest difference %.3g of %.3g", c.name, li, worst, scale)
		}
		if same {
			t.Errorf("%s gave the im2col bits: Winograd is not in use on these padded convs, so this test compares nothing", c.name)
		}
		if c.name != "auto" && sameF2 {
			t.Errorf("%s gave F(2×2)'s bits: F(4×4) is not in use", c.name)
		}
	}
}

func first(a []float32, _ []int32) []float32 { return a }
func second(_ []float32, b []int32) []int32  { return b }
