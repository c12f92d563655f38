package main

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/nn"
	"github.com/slotlab/slotlab/framework/pluginrpc"
	"github.com/slotlab/slotlab/framework/pluginrpc/plugintest"
	"github.com/slotlab/slotlab/framework/rng"
	_ "github.com/slotlab/slotlab/plugins/standard" // zero_last and the other built-in modules
)

// checkKept fails unless idx keeps candidate 0 for exactly Kept(n)
// connections, and no pruned connection's key (the score of candidate 0)
// ranks above a kept one's: a larger key, or an equal key at a lower index.
func checkKept(t *testing.T, what string, e *EdgePopup, idx []int32, scores []float32) {
	t.Helper()
	n, kept := len(idx), 0
	lowest, lowestAt := float32(math.Inf(1)), -1 // the lowest kept key, its last index
	for i, c := range idx {
		if c == 0 {
			kept++
			if k := scores[2*i]; k <= lowest {
				lowest, lowestAt = k, i
			}
		}
	}
	if want := e.Kept(n); kept != want {
		t.Fatalf("%s: keeps %d of %d connections, want %d (keep %v)", what, kept, n, want, e.Keep)
	}
	for i, c := range idx {
		if k := scores[2*i]; c == 1 && (k > lowest || k == lowest && i < lowestAt) {
			t.Fatalf("%s: connection %d is pruned with score %v, but connection %d with %v is kept", what, i, k, lowestAt, lowest)
		}
	}
}

// TestSelect checks the selection on its own: the fraction asked is kept
// exactly, by the score of candidate 0 alone (the score of 0 is ignored),
// ties going to the lower connection, for training and evaluation alike.
func TestSelect(t *testing.T) {
	s := rng.New(1, "scores")
	for _, tc := range []struct {
		name     string
		n        int
		keep     float64
		distinct int // 0: continuous scores
		wantKept int
	}{
		{"half", 1000, 0.5, 0, 500},
		{"odd layer", 999, 0.5, 0, 500},
		{"a third", 3000, 1.0 / 3, 0, 1000},
		{"tiny", 1000, 0.001, 0, 1},
		{"all", 10, 1, 0, 10},
		{"ties", 1000, 0.25, 4, 250},
		{"one connection", 1, 0.5, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scores := make([]float32, 2*tc.n)
			for i := range scores {
				u := s.Float32(uint64(i))
				scores[i] = 2*u - 1
				if tc.distinct > 0 {
					scores[i] = float32(int(u * float32(tc.distinct)))
				}
			}
			e := &EdgePopup{Keep: tc.keep}
			if got := e.Kept(tc.n); got != tc.wantKept {
				t.Fatalf("Kept(%d) = %d, want %d", tc.n, got, tc.wantKept)
			}
			for _, training := range []bool{true, false} {
				idx := make([]int32, tc.n)
				ctx := framework.SelectContext{Layer: framework.LayerInfo{Name: "l", Connections: tc.n, K: 2}, Training: training}
				if err := e.Select(idx, scores, ctx); err != nil {
					t.Fatal(err)
				}
				checkKept(t, tc.name, e, idx, scores)
			}
		})
	}
}

func TestRefuses(t *testing.T) {
	for _, keep := range []float64{0, -0.5, 1.5, math.NaN()} {
		if err := (&EdgePopup{Keep: keep}).Validate(); err == nil {
			t.Errorf("keep %v was accepted", keep)
		}
	}
	if err := (&EdgePopup{Keep: 0.5}).Validate(); err != nil {
		t.Error(err)
	}
	ctx := framework.SelectContext{Layer: framework.LayerInfo{Name: "l", Connections: 2, K: 8}}
	err := (&EdgePopup{Keep: 0.5}).Select(make([]int32, 2), make([]float32, 16), ctx)
	if err == nil || !strings.Contains(err.Error(), "needs k: 2") {
		t.Fatalf("K = 8: %v", err)
	}
}

// TestPluginKeepsFractionInEveryLayer builds the plugin, builds Lenet from
// experiments/lenet-edgepopup.yaml with it, and trains a few steps on
// random inputs: in every layer, the training selection of every step and
// the evaluated network keep exactly the fraction asked, the top
// connections by score, with their weight, and the others take 0.
func TestPluginKeepsFractionInEveryLayer(t *testing.T) {
	b, err := plugintest.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	t.Cleanup(pluginrpc.Shutdown)
	plugin := b.Build(t, "slotlab-edgepopup", "./examples/plugins/edgepopup", "")
	exp := filepath.Join("..", "..", "..", "experiments", "lenet-edgepopup.yaml")
	for _, keep := range []string{"0.5", "0.3"} {
		e, err := config.Load(exp, []string{"plugins=[" + plugin + "]", "selector.keep=" + keep, "train.batch_size=16"})
		if err != nil {
			t.Fatal(err)
		}
		ep := &EdgePopup{}
		if ep.Keep, err = strconv.ParseFloat(keep, 64); err != nil {
			t.Fatal(err)
		}
		net, err := e.BuildNetwork(framework.MethodSlot, 16, 16)
		if err != nil {
			t.Fatal(err)
		}
		x, y := net.TrainInput()
		s := rng.New(8, "x")
		for i := range x {
			x[i] = s.Float32(uint64(i))
		}
		for i := range y {
			y[i] = int32(i % 10)
		}
		check := func(step string, eval bool) {
			for _, l := range net.Slots {
				idx, weff := l.Idx, l.Weff
				if eval {
					idx, weff = l.EvalIdx, l.EvalWeff
				}
				what := "keep " + keep + ", layer " + l.Info.Name + ", " + step
				checkKept(t, what, ep, idx, l.MaterializeScores())
				w, _ := l.Candidates()
				for i, c := range idx {
					if weff[i] != w[2*i+int(c)] || (c == 1) != (weff[i] == 0) {
						t.Fatalf("%s: connection %d selects %d, weight %v of candidates %v", what, i, c, weff[i], w[2*i:2*i+2])
					}
				}
			}
		}
		check("first step", false)
		for step := range 3 {
			if _, _, err := net.TrainStep(nn.Hyper{LR: 1, Momentum: 0.9, WeightDecay: 1e-4}); err != nil {
				t.Fatal(err)
			}
			check("after step "+strconv.Itoa(step+1), false)
		}
		if err := net.PrepareEval(); err != nil {
			t.Fatal(err)
		}
		check("evaluated network", true)
	}
}
