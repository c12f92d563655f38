package nn

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/rng"
)

// wholeArgmax is argmaxSelector asking for whole layers; it records every
// call that was not given a whole layer.
type wholeArgmax struct {
	argmaxSelector
	mu    *sync.Mutex
	calls map[string]int // layer name → calls
	bad   *[]string
}

func newWholeArgmax() wholeArgmax {
	return wholeArgmax{mu: new(sync.Mutex), calls: map[string]int{}, bad: new([]string)}
}

func (wholeArgmax) SelectsWholeLayer() bool { return true }

func (w wholeArgmax) Select(idx []int32, s []float32, ctx framework.SelectContext) error {
	w.mu.Lock()
	w.calls[ctx.Layer.Name]++
	if ctx.Offset != 0 || len(idx) != ctx.Layer.Connections || len(s) != len(idx)*ctx.Layer.K {
		*w.bad = append(*w.bad, fmt.Sprintf("%s: offset %d, %d connections of %d, %d scores", ctx.Layer.Name, ctx.Offset, len(idx), ctx.Layer.Connections, len(s)))
	}
	w.mu.Unlock()
	return w.argmaxSelector.Select(idx, s, ctx)
}

// trainBriefly builds Lenet with o, takes steps training steps on fixed
// random inputs and selects the evaluated network.
func trainBriefly(t *testing.T, o Options, steps int) *Network {
	t.Helper()
	n, err := Build(lenetArch(), o)
	if err != nil {
		t.Fatal(err)
	}
	x, y := n.TrainInput()
	s := rng.New(8, "x")
	for i := range x {
		x[i] = s.Float32(uint64(i))
	}
	for i := range y {
		y[i] = int32(i % 10)
	}
	for range steps {
		if _, _, err := n.TrainStep(Hyper{LR: 0.3, Momentum: 0.9, WeightDecay: 1e-3}); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.PrepareEval(); err != nil {
		t.Fatal(err)
	}
	return n
}

// sameSelections fails unless two networks hold the same coefficients,
// selections and selected weights.
func sameSelections(t *testing.T, what string, a, b *Network) {
	t.Helper()
	for li := range a.Slots {
		la, lb := a.Slots[li], b.Slots[li]
		for i := range la.Y {
			if la.Y[i] != lb.Y[i] {
				t.Fatalf("%s: layer %d coefficient %d: %v vs %v", what, li, i, la.Y[i], lb.Y[i])
			}
		}
		for i := range la.Idx {
			if la.Idx[i] != lb.Idx[i] || la.EvalIdx[i] != lb.EvalIdx[i] || la.Weff[i] != lb.Weff[i] || la.EvalWeff[i] != lb.EvalWeff[i] {
				t.Fatalf("%s: layer %d connection %d: selections differ", what, li, i)
			}
		}
	}
}

// TestWholeLayerSelector checks the whole-layer contract in process: a
// selector that asks for whole layers is called once per layer and
// selection (the first training step's, every step's, the evaluated
// network's) with all of the layer's scores, and trains exactly as the
// same rule called on chunks, at any GOMAXPROCS and with the fixed numbers
// stored or regenerated.
func TestWholeLayerSelector(t *testing.T) {
	const steps = 3
	for _, k := range []int{2, 5} {
		o := testOptions(framework.MethodSlot, k, 16)
		chunked := trainBriefly(t, o, steps)
		for _, tc := range []struct {
			procs int
			regen bool
		}{{1, false}, {3, false}, {2, true}} {
			what := fmt.Sprintf("K=%d GOMAXPROCS=%d regenerate=%v", k, tc.procs, tc.regen)
			prev := runtime.GOMAXPROCS(tc.procs)
			sel := newWholeArgmax()
			o.Selector, o.Regenerate = sel, tc.regen
			whole := trainBriefly(t, o, steps)
			runtime.GOMAXPROCS(prev)
			if len(*sel.bad) > 0 {
				t.Fatalf("%s: Select not given whole layers: %v", what, *sel.bad)
			}
			for _, l := range whole.Slots {
				if got, want := sel.calls[l.Info.Name], steps+2; got != want {
					t.Fatalf("%s: layer %s: %d calls of Select, want %d (one per step, the first step's, the evaluated network's)", what, l.Info.Name, got, want)
				}
			}
			sameSelections(t, what, chunked, whole)
		}
	}
}
