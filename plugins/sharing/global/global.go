// Package global shares one set of K candidate values among every
// connection of the network.
package global

import "github.com/slotlab/slotlab/framework"

func init() { framework.Register(&Global{}) }

// Global makes every connection of the network choose among one set of K
// values. The values are drawn with the first weighted layer's fan-in and
// fan-out.
type Global struct{}

var _ framework.Sharing = (*Global)(nil)

// SlotlabModule describes the module.
func (*Global) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{
		ID:      "sharing.global",
		Summary: "every connection of the network chooses among one set of K values",
		New:     func() framework.Module { return &Global{} },
	}
}

// Pool is the one network-wide pool.
func (*Global) Pool(framework.LayerInfo) (framework.Pool, error) {
	return framework.Pool{Key: "global", Stride: 0}, nil
}
