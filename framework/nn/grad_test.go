package nn

import (
	"math"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/rng"
)

// mlpRef is a float64 reference of a bias-free MLP with ReLU between layers
// and mean softmax cross-entropy: the same math the graph computes.
type mlpRef struct {
	dims []int       // layer widths, input first
	w    [][]float64 // w[l] is (dims[l+1], dims[l]) row-major
}

func (m *mlpRef) loss(x []float64, labels []int32, batch int) float64 {
	h := x
	for l := range m.w {
		in, out := m.dims[l], m.dims[l+1]
		y := make([]float64, batch*out)
		for b := 0; b < batch; b++ {
			for o := 0; o < out; o++ {
				var s float64
				for i := 0; i < in; i++ {
					s += h[b*in+i] * m.w[l][o*in+i]
				}
				if l < len(m.w)-1 && s < 0 {
					s = 0
				}
				y[b*out+o] = s
			}
		}
		h = y
	}
	c := m.dims[len(m.dims)-1]
	var total float64
	for b := 0; b < batch; b++ {
		row := h[b*c : (b+1)*c]
		mx := row[0]
		for _, v := range row {
			mx = math.Max(mx, v)
		}
		var z float64
		for _, v := range row {
			z += math.Exp(v - mx)
		}
		total += math.Log(z) + mx - row[labels[b]]
	}
	return total / float64(batch)
}

func smallSlotNet(t *testing.T, k, batch int) (*Network, *mlpRef, []float64) {
	t.Helper()
	return smallSlotNetScores(t, k, batch, nil)
}

// smallSlotNetScores is smallSlotNet with initial scores drawn from
// scores (nil: testOptions' U(0, 0.01)).
func smallSlotNetScores(t *testing.T, k, batch int, scores framework.Initializer) (*Network, *mlpRef, []float64) {
	t.Helper()
	a := arch([]int{1, 2, 3},
		LayerSpec{Kind: "flatten"},
		LayerSpec{Kind: "dense", Out: 5}, LayerSpec{Kind: "relu"},
		LayerSpec{Kind: "dense", Out: 4}, LayerSpec{Kind: "relu"},
		LayerSpec{Kind: "dense", Out: 10})
	o := testOptions(framework.MethodSlot, k, batch)
	o.WeightInit = uniformInit{-1, 1}
	if scores != nil {
		o.ScoreInit = scores
	}
	n, err := Build(a, o)
	if err != nil {
		t.Fatal(err)
	}
	x, labels := n.TrainInput()
	s := rng.New(9, "x")
	x64 := make([]float64, len(x))
	for i := range x {
		x[i] = 2*s.Float32(uint64(i)) - 1
		x64[i] = float64(x[i])
	}
	for i := range labels {
		labels[i] = int32(s.Intn(uint64(1000+i), 10))
	}
	ref := &mlpRef{dims: []int{6, 5, 4, 10}}
	for _, l := range n.Slots {
		w := make([]float64, len(l.Weff))
		for i, v := range l.Weff {
			w[i] = float64(v)
		}
		ref.w = append(ref.w, w)
	}
	return n, ref, x64
}

// TestWeffGradient checks ∂L/∂W_eff from the graph against central finite
// differences of a float64 reference of the same network.
func TestWeffGradient(t *testing.T) {
	const batch = 7
	n, ref, x := smallSlotNet(t, 4, batch)
	_, labels := n.TrainInput()
	// One forward/backward without update: momentum and rate 0 leave the
	// scores (and so the selection) unchanged.
	loss, _, err := n.TrainStep(Hyper{})
	if err != nil {
		t.Fatal(err)
	}
	if want := ref.loss(x, labels, batch); math.Abs(loss-want) > 1e-5*math.Max(1, math.Abs(want)) {
		t.Fatalf("loss %v, float64 reference %v", loss, want)
	}
	const h = 1e-6
	for l, sl := range n.Slots {
		for i := range ref.w[l] {
			orig := ref.w[l][i]
			ref.w[l][i] = orig + h
			up := ref.loss(x, labels, batch)
			ref.w[l][i] = orig - h
			down := ref.loss(x, labels, batch)
			ref.w[l][i] = orig
			fd := (up - down) / (2 * h)
			got := float64(sl.Grad[i])
			if math.Abs(got-fd) > 1e-4*math.Max(1, math.Abs(fd)) {
				t.Fatalf("layer %d weight %d: graph gradient %v, finite difference %v", l, i, got, fd)
			}
		}
	}
}

// TestStraightThroughScoreGradient checks that every one of the K scores of
// a connection moves by −lr·(∂L/∂W_eff)·w_k after one plain SGD step.
func TestStraightThroughScoreGradient(t *testing.T) {
	const k, batch = 5, 6
	n, _, _ := smallSlotNet(t, k, batch)
	before := make([][]float32, len(n.Slots))
	for i, l := range n.Slots {
		before[i] = l.MaterializeScores()
	}
	const lr = 0.5
	if _, _, err := n.TrainStep(Hyper{LR: lr}); err != nil {
		t.Fatal(err)
	}
	for li, l := range n.Slots {
		after := l.MaterializeScores()
		for i := 0; i < l.Info.Connections; i++ {
			g := float64(l.Grad[i])
			for j := 0; j < k; j++ {
				w := float64(l.Pool.Values[i*k+j])
				want := -lr * g * w // the change of the score
				got := float64(after[i*k+j]) - float64(before[li][i*k+j])
				if math.Abs(got-want) > 1e-3*math.Abs(want)+1e-8 {
					t.Fatalf("layer %d connection %d score %d moved by %v, want −lr·g·w = %v", li, i, j, got, want)
				}
			}
			// The next selection is the argmax of the new scores.
			best := 0
			for j := 1; j < k; j++ {
				if after[i*k+j] > after[i*k+best] {
					best = j
				}
			}
			if int(l.Idx[i]) != best || l.Weff[i] != l.Pool.Values[i*k+best] {
				t.Fatalf("layer %d connection %d: selected %d (weight %v), want %d", li, i, l.Idx[i], l.Weff[i], best)
			}
		}
	}
}

// TestMomentumAndDecay checks one SGD step with momentum and weight decay
// against PyTorch's rule, applied twice. The scores start in U(1, 2) and the
// decay is 0.05, so that the decay term of every score's step (rate ×
// decay × score ≥ 5e-3) is over 1000 times the tolerance (2e-6, a few
// float32 roundings of scores below 3): an update that dropped the decay,
// or applied it to the wrong score, would miss by thousands of tolerances.
// The test checks that margin itself.
func TestMomentumAndDecay(t *testing.T) {
	const k, batch = 3, 4
	for _, nesterov := range []bool{false, true} {
		n, _, _ := smallSlotNetScores(t, k, batch, uniformInit{1, 2})
		l := n.Slots[1]
		s0 := l.MaterializeScores()
		h := Hyper{LR: sgdLR, Momentum: sgdMu, WeightDecay: sgdWD, Nesterov: nesterov}
		if _, _, err := n.TrainStep(h); err != nil {
			t.Fatal(err)
		}
		g0 := append([]float32(nil), l.Grad...)
		w0 := append([]float32(nil), l.Pool.Values...)
		s1 := l.MaterializeScores()
		if _, _, err := n.TrainStep(h); err != nil {
			t.Fatal(err)
		}
		s2 := l.MaterializeScores()
		for _, s := range [][]float32{s0, s1} {
			for c, v := range s {
				if decay := sgdLR * sgdWD * math.Abs(float64(v)); decay < 1000*sgdTol {
					t.Fatalf("score %d = %v: its decay term %.2g is not 1000 times the tolerance %g", c, v, decay, sgdTol)
				}
			}
		}
		checkSGD(t, nesterov, l.Info.Connections, k, s0, s1, s2, g0, l.Grad, w0)
	}
}

// The settings checkSGD checks, and its absolute tolerance.
const (
	sgdLR, sgdMu, sgdWD = 0.1, 0.9, 0.05
	sgdTol              = 2e-6
)

// checkSGD checks two steps of SGD with momentum sgdMu, weight decay sgdWD
// and rate sgdLR (PyTorch's rule, plain or Nesterov) on every score, in
// float64, within sgdTol.
func checkSGD(t *testing.T, nesterov bool, conns, k int, s0, s1, s2, g0, g1, w0 []float32) {
	t.Helper()
	const lr, mu, wd = sgdLR, sgdMu, sgdWD
	for i := 0; i < conns; i++ {
		for j := 0; j < k; j++ {
			c := i*k + j
			d1 := float64(g0[i])*float64(w0[c]) + wd*float64(s0[c])
			v1 := d1
			step1 := v1
			if nesterov {
				step1 = d1 + mu*v1
			}
			if want := float64(s0[c]) - lr*step1; math.Abs(float64(s1[c])-want) > sgdTol {
				t.Fatalf("nesterov %v step 1, score %d: %v want %v", nesterov, c, s1[c], want)
			}
			d2 := float64(g1[i])*float64(w0[c]) + wd*float64(s1[c])
			v2 := mu*v1 + d2
			step2 := v2
			if nesterov {
				step2 = d2 + mu*v2
			}
			if want := float64(s1[c]) - lr*step2; math.Abs(float64(s2[c])-want) > sgdTol {
				t.Fatalf("nesterov %v step 2, score %d: %v want %v", nesterov, c, s2[c], want)
			}
		}
	}
}

// TestLearnedGradient checks the learned network's weight gradient against
// finite differences too.
func TestLearnedGradient(t *testing.T) {
	const batch = 5
	a := arch([]int{1, 1, 4}, LayerSpec{Kind: "flatten"},
		LayerSpec{Kind: "dense", Out: 3}, LayerSpec{Kind: "relu"},
		LayerSpec{Kind: "dense", Out: 10})
	n, err := Build(a, testOptions(framework.MethodLearned, 1, batch))
	if err != nil {
		t.Fatal(err)
	}
	x, labels := n.TrainInput()
	s := rng.New(2, "x")
	x64 := make([]float64, len(x))
	for i := range x {
		x[i] = 2*s.Float32(uint64(i)) - 1
		x64[i] = float64(x[i])
	}
	for i := range labels {
		labels[i] = int32(i % 10)
	}
	ref := &mlpRef{dims: []int{4, 3, 10}}
	for _, l := range n.Learned {
		w := make([]float64, len(l.W))
		for i, v := range l.W {
			w[i] = float64(v)
		}
		ref.w = append(ref.w, w)
	}
	if _, _, err := n.TrainStep(Hyper{}); err != nil {
		t.Fatal(err)
	}
	const h = 1e-6
	for li, l := range n.Learned {
		for i := range l.W {
			orig := ref.w[li][i]
			ref.w[li][i] = orig + h
			up := ref.loss(x64, labels, batch)
			ref.w[li][i] = orig - h
			down := ref.loss(x64, labels, batch)
			ref.w[li][i] = orig
			fd := (up - down) / (2 * h)
			if got := float64(l.Grad[i]); math.Abs(got-fd) > 1e-4*math.Max(1, math.Abs(fd)) {
				t.Fatalf("layer %d weight %d: gradient %v, finite difference %v", li, i, got, fd)
			}
		}
	}
}

// TestToLearned checks that fine-tuning starts from the slot machine's
// evaluated network: same weights, same evaluation loss.
func TestToLearned(t *testing.T) {
	const batch = 4
	n, _, _ := smallSlotNet(t, 3, batch)
	for i := 0; i < 3; i++ {
		if _, _, err := n.TrainStep(Hyper{LR: 0.5}); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.PrepareEval(); err != nil {
		t.Fatal(err)
	}
	x, labels := n.TrainInput()
	ex, el := n.EvalInput()
	copy(ex, x)
	copy(el, labels)
	slotLoss, _, _ := n.EvalStep(batch)
	m, err := n.ToLearned()
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range m.Learned {
		for j, w := range l.W {
			if w != n.Slots[i].EvalWeff[j] {
				t.Fatalf("layer %d weight %d: %v, slot machine selected %v", i, j, w, n.Slots[i].EvalWeff[j])
			}
		}
	}
	ex, el = m.EvalInput()
	copy(ex, x)
	copy(el, labels)
	if learnedLoss, _, _ := m.EvalStep(batch); learnedLoss != slotLoss {
		t.Fatalf("learned network's loss %v, slot machine's %v", learnedLoss, slotLoss)
	}
	if _, _, err := m.TrainStep(Hyper{LR: 0.1}); err != nil {
		t.Fatal(err)
	}
}

// TestFusedSelectionMatchesSelector checks that fusing the argmax into the
// update (for selectors that declare it) trains exactly like calling the
// selector after the update.
func TestFusedSelectionMatchesSelector(t *testing.T) {
	for _, k := range []int{1, 2, 3, 8} {
		var nets []*Network
		for _, sel := range []any{argmaxSelector{}, fusedArgmax{}} {
			o := testOptions(framework.MethodSlot, k, 16)
			o.Selector = sel.(interface {
				framework.Selector
			})
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
			for i := 0; i < 4; i++ {
				if _, _, err := n.TrainStep(Hyper{LR: 0.3, Momentum: 0.9, WeightDecay: 1e-3}); err != nil {
					t.Fatal(err)
				}
			}
			if err := n.PrepareEval(); err != nil {
				t.Fatal(err)
			}
			nets = append(nets, n)
		}
		for li := range nets[0].Slots {
			a, b := nets[0].Slots[li], nets[1].Slots[li]
			for i := range a.Y {
				if a.Y[i] != b.Y[i] {
					t.Fatalf("K=%d layer %d coefficient %d: %v vs %v", k, li, i, a.Y[i], b.Y[i])
				}
			}
			for i := range a.Idx {
				if a.Idx[i] != b.Idx[i] || a.Weff[i] != b.Weff[i] || a.EvalWeff[i] != b.EvalWeff[i] {
					t.Fatalf("K=%d layer %d connection %d: selections differ", k, li, i)
				}
			}
		}
	}
}

type perLayerShare struct{}

func (perLayerShare) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "sharing.test_per_layer"}
}
func (perLayerShare) Pool(l framework.LayerInfo) (framework.Pool, error) {
	return framework.Pool{Key: l.Name, Stride: 0}, nil
}

// TestRegeneratedMatchesStored checks that drawing the fixed random numbers
// again from the seed trains bit-identically to storing them, for the fused
// argmax path, the generic selector path and shared pools.
func TestRegeneratedMatchesStored(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sel     framework.Selector
		sharing framework.Sharing
	}{
		{"fused argmax", fusedArgmax{}, perConn{}},
		{"selector called per chunk", argmaxSelector{}, perConn{}},
		{"per-layer pool", fusedArgmax{}, perLayerShare{}},
	} {
		var nets []*Network
		for _, regen := range []bool{false, true} {
			o := testOptions(framework.MethodSlot, 5, 16)
			o.Selector, o.Sharing, o.Regenerate = tc.sel, tc.sharing, regen
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
			for i := 0; i < 3; i++ {
				if _, _, err := n.TrainStep(Hyper{LR: 0.3, Momentum: 0.9, WeightDecay: 1e-3}); err != nil {
					t.Fatal(err)
				}
			}
			if err := n.PrepareEval(); err != nil {
				t.Fatal(err)
			}
			nets = append(nets, n)
		}
		if nets[1].Slots[0].Init != nil || (tc.sharing == perConn{} && nets[1].Pools[0].Values != nil) {
			t.Fatalf("%s: regenerated network stores its fixed numbers", tc.name)
		}
		for li := range nets[0].Slots {
			a, b := nets[0].Slots[li], nets[1].Slots[li]
			for i := range a.Y {
				if a.Y[i] != b.Y[i] {
					t.Fatalf("%s: layer %d coefficient %d differs", tc.name, li, i)
				}
			}
			for i := range a.Idx {
				if a.Idx[i] != b.Idx[i] || a.Weff[i] != b.Weff[i] || a.EvalWeff[i] != b.EvalWeff[i] {
					t.Fatalf("%s: layer %d connection %d: selections differ", tc.name, li, i)
				}
			}
		}
	}
}
