// Package perlayer shares K candidate values among all connections of a
// layer.
package perlayer

import "github.com/slotlab/slotlab/framework"

func init() { framework.Register(&PerLayer{}) }

// PerLayer makes every connection of a layer choose among the same K values.
type PerLayer struct{}

var _ framework.Sharing = (*PerLayer)(nil)

// SlotlabModule describes the module.
func (*PerLayer) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{
		ID:      "sharing.per_layer",
		Summary: "all connections of a layer choose among the same K values (K floats per layer)",
		New:     func() framework.Module { return &PerLayer{} },
	}
}

// Pool is the layer's own pool of K values.
func (*PerLayer) Pool(l framework.LayerInfo) (framework.Pool, error) {
	return framework.Pool{Key: l.Name, Stride: 0}, nil
}
