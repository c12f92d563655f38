// Package perconnection is the default sharing strategy: every connection
// has its own K candidate weights.
package perconnection

import "github.com/slotlab/slotlab/framework"

func init() { framework.Register(&PerConnection{}) }

// PerConnection gives every connection its own K weights.
type PerConnection struct{}

var _ framework.Sharing = (*PerConnection)(nil)

// SlotlabModule describes the module.
func (*PerConnection) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{
		ID:      "sharing.per_connection",
		Summary: "no sharing: every connection has its own K candidate weights",
		New:     func() framework.Module { return &PerConnection{} },
	}
}

// Pool is the layer's own pool with stride K.
func (*PerConnection) Pool(l framework.LayerInfo) (framework.Pool, error) {
	return framework.Pool{Key: l.Name, Stride: l.K}, nil
}
