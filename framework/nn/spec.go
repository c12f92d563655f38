package nn

import (
	"fmt"
	"slices"

	"github.com/slotlab/slotlab/framework"
)

// Spec is a network for the engine to build, in the engine's own terms:
// the shape of one input example, the number of classes, and the layers in
// order. It knows nothing of YAML or files; config.Architecture.Spec gives
// the spec of an architecture file.
type Spec struct {
	// Input is the shape of one example: [C, H, W].
	Input   []int
	Classes int
	Layers  []LayerSpec
}

// LayerSpec is one layer of a Spec. Which fields apply depends on Kind,
// and each kind's file says (op_dense.go, op_conv.go, …):
//
//	dense:            Out
//	conv:             Out, Kernel (3), Stride (1), Padding (0)
//	maxpool, avgpool: Size (2), Stride (= Size)
//	dropout:          P
//	relu, flatten, batchnorm: none
type LayerSpec struct {
	Kind framework.LayerKind
	// Name names a weighted layer; "" names it by its kind and place among
	// the weighted layers (dense0, conv1, …).
	Name                               string
	Out, Kernel, Stride, Padding, Size int
	P                                  float64
}

// SpecError is what is wrong with a Spec: the layer (its index, or −1 for
// the network as a whole), the field concerned ("" for the whole layer;
// for the network "input", "classes" or "layers") and why.
type SpecError struct {
	Layer int
	Field string
	Msg   string
}

// Path says where the error lies as an architecture file would write it:
// "layers[3].out", "layers[3]" or "classes".
func (e *SpecError) Path() string {
	if e.Layer < 0 {
		return e.Field
	}
	p := fmt.Sprintf("layers[%d]", e.Layer)
	if e.Field != "" {
		p += "." + e.Field
	}
	return p
}

func (e *SpecError) Error() string { return e.Path() + ": " + e.Msg }

func layerErr(i int, field, format string, args ...any) *SpecError {
	return &SpecError{Layer: i, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// LayerKinds returns the kinds of layer the engine builds, sorted.
func LayerKinds() []framework.LayerKind {
	var out []framework.LayerKind
	for k := range layerKinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// CheckLayer fills in the defaults of layer i (a conv's kernel 3 and stride
// 1, a pooling layer's size 2 and stride equal to its size) and checks its
// parameters. The error is a *SpecError.
func CheckLayer(i int, l *LayerSpec) error {
	k, ok := layerKinds[l.Kind]
	if !ok {
		return layerErr(i, "type", "unknown layer type %q", l.Kind)
	}
	if k.check == nil {
		return nil
	}
	if field, msg := k.check(l); msg != "" {
		return layerErr(i, field, "%s", msg)
	}
	return nil
}
