// Package scaleduniform is the initializer of the scores: U(0, λ·b), with λ
// set per kind of layer.
package scaleduniform

import (
	"fmt"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/plugins/initializers/glorotuniform"
)

func init() { framework.Register(&ScaledUniform{}) }

// ScaledUniform draws values from U(0, λ·b), where b is the Glorot-style
// bound named by Bound (see glorot_uniform) and λ is Conv for convolutional
// layers and Dense for fully connected ones. The default, λ = 1 everywhere
// with b = sqrt(6/(fan_in+fan_out)), is the official code's and reproduces
// the paper's numbers (docs/reproduction.md); the paper's text reads λ = 1
// for conv and 0.1 for dense layers with b = sqrt(2/(fan_in+fan_out)).
type ScaledUniform struct {
	Bound string  `yaml:"bound"`
	Conv  float64 `yaml:"conv"`
	Dense float64 `yaml:"dense"`
}

var (
	_ framework.Initializer = (*ScaledUniform)(nil)
	_ framework.Validator   = (*ScaledUniform)(nil)
)

// SlotlabModule describes the module.
func (*ScaledUniform) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{
		ID:      "initializers.scaled_uniform",
		Summary: "U(0, λ·b), λ per layer kind (conv 1, dense 1 by default), b as glorot_uniform's bound",
		New:     func() framework.Module { return &ScaledUniform{Bound: "glorot", Conv: 1, Dense: 1} },
	}
}

// Validate checks the options.
func (s *ScaledUniform) Validate() error {
	if _, err := glorotuniform.BoundOf(s.Bound, 1, 1); err != nil {
		return err
	}
	if !(s.Conv > 0) || !(s.Dense > 0) {
		return fmt.Errorf("conv and dense scales must be positive (got conv %v, dense %v)", s.Conv, s.Dense)
	}
	return nil
}

// Fill writes U(0, λ·b) values.
func (s *ScaledUniform) Fill(dst []float32, t framework.TensorInfo) error {
	b, err := glorotuniform.BoundOf(s.Bound, t.Layer.FanIn, t.Layer.FanOut)
	if err != nil {
		return err
	}
	lambda := s.Dense
	if t.Layer.Kind == framework.Conv {
		lambda = s.Conv
	}
	// Element j is hi * t.Uniform(t.Offset+uint64(j)): FillUniformScaled
	// with lo = 0, hi = 1 computes 0 + float32(1*u) = u exactly, then
	// scales it.
	hi := float32(lambda * b)
	t.Stream.Stream().FillUniformScaled(dst, t.Offset, 0, 1, hi)
	return nil
}
