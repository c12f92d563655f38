package probabilistic_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/nn"
	"github.com/slotlab/slotlab/framework/rng"
	_ "github.com/slotlab/slotlab/plugins/standard"
)

// TestTrainingSelectionsFollowSoftmax builds Lenet-300-100 with PS as the
// trainer does (config, then the network engine), takes two training steps
// at PS's rate on a random batch, and compares the selection of the next
// training step with the argmax of the scores it was drawn from: a
// connection draws a weight other than its argmax with probability
// 1 − max softmax(s), so over 266,200 connections the count of such draws
// must match the sum of those probabilities within 5 standard deviations
// (the draws are independent Bernoulli variables). An argmax network in
// training — PS declaring SelectsArgmax(true), so that the trainer fuses
// an argmax into its update — draws none and fails by over a thousand standard
// deviations (the test requires the prediction to be over 100 of them
// away from zero). Under a second.
func TestTrainingSelectionsFollowSoftmax(t *testing.T) {
	e, err := config.Load(filepath.Join("..", "..", "..", "experiments", "lenet.yaml"), []string{"selector=probabilistic", "k=8", "train.batch_size=64"})
	if err != nil {
		t.Fatal(err)
	}
	net, err := e.BuildNetwork(framework.MethodSlot, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	x, labels := net.TrainInput()
	s := rng.New(11, "batch")
	for i := range x {
		x[i] = s.Float32(uint64(i))
	}
	for i := range labels {
		labels[i] = int32(s.Intn(uint64(len(x)+i), 10))
	}
	o := e.Train.Optimizer
	h := nn.Hyper{LR: float32(o.LearningRate.Value), Momentum: float32(o.Momentum), WeightDecay: float32(o.WeightDecay.Value)}
	for range 2 {
		if _, _, err := net.TrainStep(h); err != nil {
			t.Fatal(err)
		}
	}
	var drawn, expected, variance float64
	conns := 0
	for _, l := range net.Slots {
		k := l.Info.K
		scores := l.MaterializeScores()
		for i := 0; i < l.Info.Connections; i++ {
			sc := scores[i*k : (i+1)*k]
			best := 0
			for j := range sc {
				if sc[j] > sc[best] {
					best = j
				}
			}
			var z float64
			for _, v := range sc {
				z += math.Exp(float64(v - sc[best]))
			}
			p := 1 - 1/z // probability of drawing another than the argmax
			expected += p
			variance += p * (1 - p)
			if int(l.Idx[i]) != best {
				drawn++
			}
		}
		conns += l.Info.Connections
	}
	sd := math.Sqrt(variance)
	t.Logf("%d connections: %.0f drew another weight than their argmax, softmax predicts %.1f ± %.1f", conns, drawn, expected, sd)
	if expected < 100*sd || math.Abs(drawn-expected) > 5*sd {
		t.Fatalf("%.0f of %d training selections differ from the argmax, the softmax predicts %.1f ± %.1f (5 sd allowed)", drawn, conns, expected, sd)
	}
}
