package nn

import (
	"github.com/slotlab/slotlab/framework"
	"math"
	"testing"

	"github.com/slotlab/slotlab/framework/rng"
)

// TestConvNetGradient checks the wiring of the conv, pool and dense ops in
// a whole graph: ∂L/∂W_eff of every layer against central finite
// differences of the network's own loss, evaluated through the evaluation
// graph (which has no dropout or batch norm here, so it computes the same
// function as the training graph).
func TestConvNetGradient(t *testing.T) {
	const batch = 3
	a := arch([]int{2, 8, 8},
		LayerSpec{Kind: "conv", Out: 3, Kernel: 3, Stride: 1, Padding: 1}, LayerSpec{Kind: "relu"},
		LayerSpec{Kind: "maxpool", Size: 2, Stride: 2},
		LayerSpec{Kind: "conv", Out: 4, Kernel: 3, Stride: 1, Padding: 0}, LayerSpec{Kind: "relu"},
		LayerSpec{Kind: "avgpool", Size: 2, Stride: 2},
		LayerSpec{Kind: "flatten"}, LayerSpec{Kind: "dense", Out: 10})
	o := testOptions(framework.MethodSlot, 2, batch)
	o.WeightInit = uniformInit{-1, 1}
	n, err := Build(a, o)
	if err != nil {
		t.Fatal(err)
	}
	x, labels := n.TrainInput()
	ex, el := n.EvalInput()
	s := rng.New(4, "x")
	for i := range x {
		x[i] = 2*s.Float32(uint64(i)) - 1
	}
	for i := range labels {
		labels[i] = int32(i * 3 % 10)
	}
	copy(ex, x)
	copy(el, labels)
	if _, _, err := n.TrainStep(Hyper{}); err != nil {
		t.Fatal(err)
	}
	lossAt := func() float64 {
		l, _, err := n.EvalStep(batch)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	for _, l := range n.Slots {
		copy(l.EvalWeff, l.Weff)
	}
	checked := 0
	for li, l := range n.Slots {
		for i := range l.EvalWeff {
			const h = 1e-3
			orig := l.EvalWeff[i]
			l.EvalWeff[i] = orig + h
			up := lossAt()
			l.EvalWeff[i] = orig - h
			down := lossAt()
			l.EvalWeff[i] = orig
			fd := (up - down) / (2 * h)
			got := float64(l.Grad[i])
			if math.Abs(got-fd) > 2e-3+2e-2*math.Abs(fd) {
				t.Errorf("layer %d (%s) weight %d: gradient %v, finite difference %v", li, l.Info.Name, i, got, fd)
			}
			checked++
		}
	}
	if checked != 2*3*9+3*4*9+4*10 {
		t.Fatalf("checked %d weights", checked)
	}
}
