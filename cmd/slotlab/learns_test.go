package main

import (
	"path/filepath"
	"testing"

	"github.com/slotlab/slotlab/framework/data/datatest"
	"github.com/slotlab/slotlab/framework/results"
)

// trainOnce runs one experiment with overrides into a fresh store and
// returns its result.
func trainOnce(t *testing.T, exp string, overrides ...string) *results.Result {
	t.Helper()
	out := filepath.Join(t.TempDir(), "runs")
	if err := runCmd(append([]string{exp, "--out", out, "--quiet"}, overrides...)); err != nil {
		t.Fatalf("%s %v: %v", exp, overrides, err)
	}
	dirs, err := filepath.Glob(filepath.Join(out, "*", "*"))
	if err != nil || len(dirs) != 1 {
		t.Fatalf("want one run directory under %s, got %v (%v)", out, dirs, err)
	}
	r, err := results.ReadResult(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != "done" {
		t.Fatalf("%s %v: status %s: %s", exp, overrides, r.Status, r.Error)
	}
	return r
}

// TestPSLearnsLenetSubset trains PS at K = 32 on 5,100 MNIST images for 10
// epochs (400 steps) with the defaults, which must reach 80%. The paper
// text's setup (experiments/paper-text: decay 1e-4 on the scores at PS's
// rate 25, weights bounded by sqrt(2/(fi+fo))) stays far below: its scores
// forget faster than they learn (docs/reproduction.md). Measured: 84.4%
// against 25.0%; the defaults with the decay that weight_decay: auto turns
// off for PS reach 76.45%, so the test fails if that rule breaks (checked).
func TestPSLearnsLenetSubset(t *testing.T) {
	const bar = 80.0
	subset := []string{"selector=probabilistic", "k=32", "train.epochs=10", "data.train_limit=6000", "data.test_limit=2000"}
	if r := trainOnce(t, repoFile("experiments", "lenet.yaml"), subset...); r.TestAcc < bar {
		t.Errorf("PS K=32 with the defaults: test accuracy %.2f%%, want ≥ %.0f%%", r.TestAcc, bar)
	}
	if r := trainOnce(t, repoFile("experiments", "paper-text", "lenet.yaml"), subset...); r.TestAcc >= bar {
		t.Errorf("PS K=32 with the paper text's setup reached %.2f%% ≥ %.0f%%: the bar no longer tells the defaults from it", r.TestAcc, bar)
	}
}

// TestCIFARLeavesChance trains CONV-2 on a subset of CIFAR-10 for one
// epoch as a GS slot machine, with learned weights and as a PS slot
// machine, each of which must leave chance (10%) on the test images within a
// few hundred steps. GS and learned weights take 201 steps of 64 (12,870
// images) and must reach 25%. PS starts slowly (every step trains a freshly
// sampled network until its softmax concentrates; the authors' code does the
// same, docs/reproduction.md): it takes 603 steps of 32 (19,305 images) at
// the authors' CIFAR-10 rate 50, held constant, and must reach 13% on 2,000
// test images, 4.5 standard errors above chance. Measured: GS 37.10%, learned
// 38.20% (seed 0); PS at seeds 0, 1, 2: 26.35%, 17.05%, 15.35% (13.35% at rate
// 25, seed 0). PS this early is chaotic: at 402 steps seed 0 gave 15.65%
// before the Winograd weight gradient changed the float rounding and 13.35%
// after, seeds 1 and 2 14.25% and 20.7%, too close to the bar; hence 603.
func TestCIFARLeavesChance(t *testing.T) {
	archive := datatest.SharedFile(t, "cifar-10-binary.tar.gz")
	subset := []string{"data.dir=" + filepath.Dir(archive), "train.epochs=1"}
	for _, tc := range []struct {
		name  string
		args  []string
		steps int
		bar   float64
	}{
		{"GS K=8", []string{"selector=greedy", "train.batch_size=64", "data.train_limit=14300", "data.test_limit=1000"}, 201, 25},
		{"learned", []string{"method=learned", "train.batch_size=64", "data.train_limit=14300", "data.test_limit=1000"}, 201, 25},
		{"PS K=8", []string{"selector=probabilistic", "train.optimizer.learning_rate=50", "train.schedule.type=constant",
			"train.batch_size=32", "data.train_limit=21450", "data.test_limit=2000"}, 603, 13},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := trainOnce(t, repoFile("experiments", "conv2.yaml"), append(subset, tc.args...)...)
			if r.TestAcc < tc.bar {
				t.Errorf("CONV-2 %s after one epoch of %d steps: test accuracy %.2f%%, want ≥ %.0f%%", tc.name, tc.steps, r.TestAcc, tc.bar)
			}
			t.Logf("CONV-2 %s: test accuracy %.2f%% after %d steps", tc.name, r.TestAcc, tc.steps)
		})
	}
}
