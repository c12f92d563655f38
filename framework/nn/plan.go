package nn

import (
	"fmt"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
)

// Step is one layer of a Plan with the shapes around it.
type Step struct {
	Layer config.Layer
	// Index is the layer's position in the architecture.
	Index int
	// In and Out are the shapes of one example before and after the layer:
	// [C, H, W] or [features].
	In, Out []int
	// Weighted is true for dense and conv layers; Info describes them.
	Weighted bool
	Info     framework.LayerInfo
	// MACs is the multiply-adds of the layer's forward pass per example.
	MACs int64
}

// Plan is an architecture with every shape worked out: what describe prints
// and what Build follows.
type Plan struct {
	Arch  *config.Architecture
	Steps []Step
	// Weights is the number of weights of the ordinary network.
	Weights int64
	// MACs is the forward multiply-adds per example.
	MACs int64
}

// NewPlan infers the shape after every layer and checks that the layers fit
// together; errors point at the layer in the architecture file. k is the
// number of candidates per connection recorded in each LayerInfo.
func NewPlan(a *config.Architecture, k int) (*Plan, error) {
	p := &Plan{Arch: a}
	shape := append([]int(nil), a.Input...)
	weighted := 0
	for i, l := range a.Layers {
		at := fmt.Sprintf("layers[%d]", i)
		st := Step{Layer: l, Index: i, In: append([]int(nil), shape...)}
		switch l.Type {
		case "flatten":
			shape = []int{prod(shape)}
		case "relu", "dropout":
		case "batchnorm":
			if len(shape) != 3 {
				return nil, a.At(at, "batchnorm needs an image input (C, H, W), but the input here is %v", shape)
			}
		case "dense":
			if len(shape) != 1 {
				return nil, a.At(at, "dense layer gets an image of shape %v; add {type: flatten} before it", shape)
			}
			in := shape[0]
			shape = []int{l.Out}
			st.Weighted = true
			st.Info = framework.LayerInfo{Name: layerName(l, "dense", weighted), Index: weighted, Kind: framework.Dense,
				FanIn: in, FanOut: l.Out, Connections: in * l.Out, K: k}
			st.MACs = int64(in) * int64(l.Out)
			weighted++
		case "conv":
			if len(shape) != 3 {
				return nil, a.At(at, "conv layer needs an image input (C, H, W), but the input here is %v (after a flatten?)", shape)
			}
			c, h, w := shape[0], shape[1], shape[2]
			oh := (h+2*l.Padding-l.Kernel)/l.Stride + 1
			ow := (w+2*l.Padding-l.Kernel)/l.Stride + 1
			if h+2*l.Padding < l.Kernel || w+2*l.Padding < l.Kernel || oh < 1 || ow < 1 {
				return nil, a.At(at, "conv kernel %d with padding %d does not fit the %d×%d input here; reduce the kernel, add padding or remove a pooling layer before it", l.Kernel, l.Padding, h, w)
			}
			shape = []int{l.Out, oh, ow}
			kk := l.Kernel * l.Kernel
			st.Weighted = true
			st.Info = framework.LayerInfo{Name: layerName(l, "conv", weighted), Index: weighted, Kind: framework.Conv,
				FanIn: c * kk, FanOut: l.Out * kk, Connections: l.Out * c * kk, K: k}
			st.MACs = int64(oh*ow) * int64(l.Out*c*kk)
			weighted++
		case "maxpool", "avgpool":
			if len(shape) != 3 {
				return nil, a.At(at, "%s needs an image input (C, H, W), but the input here is %v", l.Type, shape)
			}
			c, h, w := shape[0], shape[1], shape[2]
			if h < l.Size || w < l.Size {
				return nil, a.At(at, "%s of size %d does not fit the %d×%d input here; remove it or a pooling layer before it", l.Type, l.Size, h, w)
			}
			shape = []int{c, (h-l.Size)/l.Stride + 1, (w-l.Size)/l.Stride + 1}
		default:
			return nil, a.At(at+".type", "unknown layer type %q", l.Type)
		}
		st.Out = append([]int(nil), shape...)
		p.Steps = append(p.Steps, st)
		if st.Weighted {
			p.Weights += int64(st.Info.Connections)
			p.MACs += st.MACs
		}
	}
	if weighted == 0 {
		return nil, a.At("layers", "the architecture has no dense or conv layer, so there is nothing to train")
	}
	if len(shape) != 1 || shape[0] != a.Classes {
		return nil, a.At(fmt.Sprintf("layers[%d]", len(a.Layers)-1), "the network ends with shape %v but must end with %d outputs (classes); make the last layer {type: dense, out: %d}", shape, a.Classes, a.Classes)
	}
	names := map[string]bool{}
	for _, st := range p.Steps {
		if st.Weighted {
			if names[st.Info.Name] {
				return nil, a.At(fmt.Sprintf("layers[%d].name", st.Index), "layer name %q is used twice", st.Info.Name)
			}
			names[st.Info.Name] = true
		}
	}
	return p, nil
}

func layerName(l config.Layer, kind string, i int) string {
	if l.Name != "" {
		return l.Name
	}
	return fmt.Sprintf("%s%d", kind, i)
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
