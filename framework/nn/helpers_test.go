package nn

import (
	"os"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/rng"
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

func testOptions(method framework.Method, k, batch int) Options {
	return Options{Method: method, K: k, Seed: 1, Batch: batch, EvalBatch: batch,
		Selector: argmaxSelector{}, Sharing: perConn{},
		WeightInit: uniformInit{-0.1, 0.1}, ScoreInit: uniformInit{0, 0.01}, LearnedInit: LearnedInitWeights}
}

func arch(input []int, layers ...LayerSpec) Spec {
	return Spec{Input: input, Classes: 10, Layers: layers}
}

// loadSpec reads the spec of an architecture file of the repository. The
// engine takes no files (config.Architecture.Spec does this for slotlab);
// the tests read the few keys those files use directly.
func loadSpec(path string) (Spec, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Spec{}, err
	}
	var a struct {
		Input   []int `yaml:"input"`
		Classes int   `yaml:"classes"`
		Layers  []struct {
			Type                               framework.LayerKind `yaml:"type"`
			Name                               string              `yaml:"name"`
			Out, Kernel, Stride, Padding, Size int
			P                                  float64
		} `yaml:"layers"`
	}
	if err := yaml.Unmarshal(raw, &a); err != nil {
		return Spec{}, err
	}
	s := Spec{Input: a.Input, Classes: a.Classes}
	for _, l := range a.Layers {
		s.Layers = append(s.Layers, LayerSpec{Kind: l.Type, Name: l.Name, Out: l.Out, Kernel: l.Kernel, Stride: l.Stride, Padding: l.Padding, Size: l.Size, P: l.P})
	}
	return s, nil
}

func lenetArch() Spec {
	return arch([]int{1, 28, 28},
		LayerSpec{Kind: "flatten"},
		LayerSpec{Kind: "dense", Out: 300}, LayerSpec{Kind: "relu"},
		LayerSpec{Kind: "dense", Out: 100}, LayerSpec{Kind: "relu"},
		LayerSpec{Kind: "dense", Out: 10})
}

// fusedArgmax is argmaxSelector declaring itself an argmax, so the network
// fuses selection into the score update.
type fusedArgmax struct{ argmaxSelector }

func (fusedArgmax) SelectsArgmax(bool) bool { return true }

// fillBatches writes uniform [−1, 1) images, drawn from s at offset off,
// and the labels (i+shift) mod 10 into n's training and evaluation batches.
func fillBatches(n *Network, s rng.Stream, off uint64, shift int) {
	for _, in := range [][]float32{first(n.TrainInput()), first(n.EvalInput())} {
		for i := range in {
			in[i] = 2*s.Float32(off+uint64(i)) - 1
		}
	}
	for _, l := range [][]int32{second(n.TrainInput()), second(n.EvalInput())} {
		for i := range l {
			l[i] = int32((i + shift) % 10)
		}
	}
}
