package nn

import (
	"fmt"
	"maps"
	"slices"
	"strings"

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

// LayerSpec is one layer of a Spec. Which fields apply depends on Kind;
// each kind's file declares its own (op_dense.go, op_conv.go, …), and
// LayerKinds lists them.
type LayerSpec struct {
	Kind framework.LayerKind
	// Name names a weighted layer; "" names it by its kind and place among
	// the weighted layers (dense0, conv1, …).
	Name                               string
	Out, Kernel, Stride, Padding, Size int
	P                                  float64
	// Params are the parameters of a kind's own (layerKind.params), by
	// name; nil for the kinds that take none.
	Params map[string]float64
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

// LayerKindInfo describes a kind of layer: what it computes, the keys it
// takes, each with its default if it has one ("out", "kernel (3)"), for
// the lists, and its parameters of its own (LayerSpec.Params).
type LayerKindInfo struct {
	Kind    framework.LayerKind
	Summary string
	Keys    []string
	Params  []LayerParam
}

// LayerKinds returns the kinds of layer the engine builds, sorted.
func LayerKinds() []LayerKindInfo {
	var out []LayerKindInfo
	for kind, k := range layerKinds {
		keys := slices.Clone(k.fields)
		for _, p := range k.params {
			keys = append(keys, fmt.Sprintf("%s (%v)", p.Name, p.Default))
		}
		out = append(out, LayerKindInfo{Kind: kind, Summary: k.summary, Keys: keys, Params: slices.Clone(k.params)})
	}
	slices.SortFunc(out, func(a, b LayerKindInfo) int { return strings.Compare(string(a.Kind), string(b.Kind)) })
	return out
}

// CheckLayer fills in the defaults of layer i (a conv's kernel 3 and stride
// 1, a pooling layer's size 2 and stride equal to its size, the defaults
// of a kind's own parameters, in a copy of Params) and checks its
// parameters. The error is a *SpecError.
func CheckLayer(i int, l *LayerSpec) error {
	k, ok := layerKinds[l.Kind]
	if !ok {
		return layerErr(i, "type", "unknown layer type %q", l.Kind)
	}
	var names []string
	for _, p := range k.params {
		names = append(names, p.Name)
	}
	for _, key := range slices.Sorted(maps.Keys(l.Params)) {
		if !slices.Contains(names, key) {
			takes := "no keys of its own"
			if len(names) > 0 {
				takes = "keys of its own: " + strings.Join(names, ", ")
			}
			return layerErr(i, key, "unknown key %q for a %s layer (it takes %s)", key, l.Kind, takes)
		}
	}
	if len(k.params) > 0 {
		l.Params = maps.Clone(l.Params)
		if l.Params == nil {
			l.Params = map[string]float64{}
		}
		for _, p := range k.params {
			if _, set := l.Params[p.Name]; !set {
				l.Params[p.Name] = p.Default
			}
		}
	}
	if k.check == nil {
		return nil
	}
	if field, msg := k.check(l); msg != "" {
		return layerErr(i, field, "%s", msg)
	}
	return nil
}
