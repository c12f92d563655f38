// Package zerolast is an initializer of candidate weights whose last
// candidate is 0: with K = 2 each connection chooses between a random
// weight and no connection, {w, 0}, which is how a slot machine hosts
// weight-pruning methods such as edge-popup (examples/plugins/edgepopup).
package zerolast

import (
	"fmt"
	"math"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/plugins/initializers/glorotuniform"
)

func init() { framework.Register(&ZeroLast{}) }

// ZeroLast draws candidate weights as glorot_uniform does, with the same
// bound and the same numbers times Scale, except that candidate K−1 of
// every connection is 0. Element j of a pool is candidate j mod K: the
// layout of every pool slotlab builds (stride K, or 0 for K values
// shared). With K = 1 (one candidate, or the learned weights of method
// learned) nothing is zeroed.
//
// Scale makes up for the weights a pruning method drops: a layer that keeps
// a fraction p of its weights has pre-activations of p times the variance,
// which Scale = 1/√p restores (edge-popup's "scale_fan").
type ZeroLast struct {
	Bound string  `yaml:"bound" doc:"the bound of the nonzero candidates, as glorot_uniform's: glorot or std"`
	Scale float64 `yaml:"scale" doc:"factor of the nonzero candidates, e.g. 1/sqrt(keep) for a method that keeps a fraction keep of the weights"`
}

var (
	_ framework.Initializer = (*ZeroLast)(nil)
	_ framework.Validator   = (*ZeroLast)(nil)
)

// SlotlabModule describes the module.
func (*ZeroLast) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{
		ID:      "initializers.zero_last",
		Summary: "candidate weights as glorot_uniform, but the last candidate of each connection is 0 (K = 2: {w, 0}, for pruning methods such as edge-popup)",
		New:     func() framework.Module { return &ZeroLast{Bound: "glorot", Scale: 1} },
	}
}

// Validate checks the bound and the scale.
func (z *ZeroLast) Validate() error {
	if !(z.Scale > 0) || math.IsInf(z.Scale, 1) {
		return fmt.Errorf("scale must be a positive number, not %v", z.Scale)
	}
	return (&glorotuniform.GlorotUniform{Bound: z.Bound}).Validate()
}

// Fill writes glorot_uniform's values times Scale (rounded once more
// unless Scale is 1), with those of candidate K−1 set to 0. It fills
// weights only: a zero score would not mean "no connection".
func (z *ZeroLast) Fill(dst []float32, t framework.TensorInfo) error {
	if t.Role != framework.Weights {
		return fmt.Errorf("zero_last fills candidate weights (initializers.weights), not %s", t.Role)
	}
	if err := (&glorotuniform.GlorotUniform{Bound: z.Bound}).Fill(dst, t); err != nil {
		return err
	}
	if z.Scale != 1 {
		scale := float32(z.Scale)
		for j := range dst {
			dst[j] *= scale
		}
	}
	k := uint64(t.Layer.K)
	if k < 2 {
		return nil
	}
	// The first element of dst that is a last candidate, then every K-th.
	for j := (k - 1 - t.Offset%k) % k; j < uint64(len(dst)); j += k {
		dst[j] = 0
	}
	return nil
}
