package nn

import (
	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
)

// The tests use small stand-ins for the built-in modules, since framework
// packages may not import plugins.

type argmaxSelector struct{}

func (argmaxSelector) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "selectors.test_argmax"}
}

func (argmaxSelector) Select(idx []int32, s []float32, ctx framework.SelectContext) error {
	k := ctx.Layer.K
	for i := range idx {
		best := 0
		for j := 1; j < k; j++ {
			if s[i*k+j] > s[i*k+best] {
				best = j
			}
		}
		idx[i] = int32(best)
	}
	return nil
}

type uniformInit struct{ lo, hi float32 }

func (uniformInit) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "initializers.test_uniform"}
}

func (u uniformInit) Fill(dst []float32, t framework.TensorInfo) error {
	for j := range dst {
		dst[j] = u.lo + (u.hi-u.lo)*t.Uniform(t.Offset+uint64(j))
	}
	return nil
}

type perConn struct{}

func (perConn) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "sharing.test_per_connection"}
}
func (perConn) Pool(l framework.LayerInfo) (framework.Pool, error) {
	return framework.Pool{Key: l.Name, Stride: l.K}, nil
}

func testOptions(method string, k, batch int) Options {
	return Options{Method: method, K: k, Seed: 1, Batch: batch, EvalBatch: batch,
		Selector: argmaxSelector{}, Sharing: perConn{},
		WeightInit: uniformInit{-0.1, 0.1}, ScoreInit: uniformInit{0, 0.01}, LearnedInit: "weights"}
}

func arch(input []int, layers ...config.Layer) *config.Architecture {
	return &config.Architecture{Name: "test", Input: input, Classes: 10, Layers: layers}
}

func lenetArch() *config.Architecture {
	return arch([]int{1, 28, 28},
		config.Layer{Type: "flatten"},
		config.Layer{Type: "dense", Out: 300}, config.Layer{Type: "relu"},
		config.Layer{Type: "dense", Out: 100}, config.Layer{Type: "relu"},
		config.Layer{Type: "dense", Out: 10})
}

// fusedArgmax is argmaxSelector declaring itself an argmax, so the network
// fuses selection into the score update.
type fusedArgmax struct{ argmaxSelector }

func (fusedArgmax) SelectsArgmax(bool) bool { return true }
