package nn

import (
	"fmt"

	"github.com/slotlab/slotlab/framework"
)

// Step is one layer of a Plan with the shapes around it.
type Step struct {
	// Layer is the layer, its defaults filled in.
	Layer LayerSpec
	// Index is the layer's position in the spec.
	Index int
	// In and Out are the shapes of one example before and after the layer:
	// [C, H, W] or [features].
	In, Out []int
	// Weighted is true for layers with weights (dense and conv); Info
	// describes them and WeightShape is their weight tensor in the usual
	// layout ([out, in] for dense, [F, C, KH, KW] for conv).
	Weighted    bool
	Info        framework.LayerInfo
	WeightShape []int
	// MACs is the multiply-adds of the layer's forward pass per example.
	MACs int64
}

// Plan is a spec with every shape worked out: what describe prints and
// what Build follows.
type Plan struct {
	Spec  Spec
	Steps []Step
	// Weights is the number of weights of the ordinary network.
	Weights int64
	// MACs is the forward multiply-adds per example.
	MACs int64
}

// NewPlan checks a spec, fills in its layers' defaults, infers the shape
// after every layer and checks that the layers fit together. Errors are
// *SpecError, placed at the layer and field. k is the number of candidates
// per connection recorded in each LayerInfo.
func NewPlan(s Spec, k int) (*Plan, error) {
	switch {
	case len(s.Input) != 3 || s.Input[0] < 1 || s.Input[1] < 1 || s.Input[2] < 1:
		return nil, &SpecError{Layer: -1, Field: "input", Msg: "input must be [channels, height, width] with positive sizes, e.g. [1, 28, 28]"}
	case s.Classes < 2:
		return nil, &SpecError{Layer: -1, Field: "classes", Msg: "classes must be at least 2"}
	}
	p := &Plan{Spec: s}
	p.Spec.Layers = append([]LayerSpec(nil), s.Layers...)
	shape := append([]int(nil), s.Input...)
	weighted := 0
	names := map[string]bool{}
	for i := range p.Spec.Layers {
		l := &p.Spec.Layers[i]
		if err := CheckLayer(i, l); err != nil {
			return nil, err
		}
		sh, msg := layerKinds[l.Kind].shape(*l, shape)
		if msg != "" {
			return nil, layerErr(i, "", "%s", msg)
		}
		st := Step{Layer: *l, Index: i, In: shape, Out: sh.out}
		if sh.weights != nil {
			name := l.Name
			if name == "" {
				name = fmt.Sprintf("%s%d", l.Kind, weighted)
			}
			if names[name] {
				return nil, layerErr(i, "name", "layer name %q is used twice", name)
			}
			names[name] = true
			st.Weighted, st.WeightShape, st.MACs = true, sh.weights, sh.macs
			st.Info = framework.LayerInfo{Name: name, Index: weighted, Kind: l.Kind,
				FanIn: sh.fanIn, FanOut: sh.fanOut, Connections: prod(sh.weights), K: k}
			p.Weights += int64(st.Info.Connections)
			p.MACs += st.MACs
			weighted++
		}
		p.Steps = append(p.Steps, st)
		shape = sh.out
	}
	if weighted == 0 {
		return nil, &SpecError{Layer: -1, Field: "layers", Msg: "the architecture has no dense or conv layer, so there is nothing to train"}
	}
	if len(shape) != 1 || shape[0] != s.Classes {
		return nil, layerErr(len(s.Layers)-1, "", "the network ends with shape %v but must end with %d outputs (classes); make the last layer {type: dense, out: %d}", shape, s.Classes, s.Classes)
	}
	return p, nil
}

// WeightedLayers returns the LayerInfo of every dense and conv layer.
func (p *Plan) WeightedLayers() []framework.LayerInfo {
	var out []framework.LayerInfo
	for _, st := range p.Steps {
		if st.Weighted {
			out = append(out, st.Info)
		}
	}
	return out
}

func prod(s []int) int {
	n := 1
	for _, v := range s {
		n *= v
	}
	return n
}
