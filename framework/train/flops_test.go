package train

import (
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn"
)

// TestStepFLOPs checks the cost model on Lenet-300-100 worked by hand:
// 266,200 multiply-adds per example (784·300 + 300·100 + 100·10), of which
// the first layer's 235,200 have no input gradient, and 266,200
// connections; the dense passes are the same for every method, and the
// update differs: 8·K per connection for a slot machine, 6 per weight for
// learned weights.
func TestStepFLOPs(t *testing.T) {
	spec := nn.Spec{Input: []int{1, 28, 28}, Classes: 10, Layers: []nn.LayerSpec{
		{Kind: framework.Flatten},
		{Kind: framework.Dense, Out: 300}, {Kind: framework.ReLU},
		{Kind: framework.Dense, Out: 100}, {Kind: framework.ReLU},
		{Kind: framework.Dense, Out: 10},
	}}
	p, err := nn.NewPlan(spec, 8)
	if err != nil {
		t.Fatal(err)
	}
	const macs, first, conns = 266200.0, 235200.0, 266200.0
	dense := 128 * (2*macs + 2*macs + 2*(macs-first))
	for _, tc := range []struct {
		name   string
		method framework.Method
		k      int
		want   float64
	}{
		{"slot K=8", framework.MethodSlot, 8, dense + 8*8*conns},
		{"slot K=2", framework.MethodSlot, 2, dense + 8*2*conns},
		{"learned", framework.MethodLearned, 1, dense + 6*conns},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := StepFLOPs(p, tc.method, tc.k, 128); got != tc.want {
				t.Errorf("StepFLOPs %v, want %v", got, tc.want)
			}
		})
	}
	if got := DenseFLOPs(p, 128); got != dense {
		t.Errorf("DenseFLOPs %v, want %v", got, dense)
	}
}
