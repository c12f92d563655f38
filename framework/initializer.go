package framework

import "reflect"

// NamespaceInitializers is the namespace of initializers' IDs
// ("initializers.glorot_uniform").
const NamespaceInitializers = "initializers"

func init() {
	RegisterKind(Kind{
		Namespace: NamespaceInitializers,
		Singular:  "initializer",
		Interface: reflect.TypeFor[Initializer](),
		Summary:   "fill the fixed candidate weights or the initial scores with random values",
		Keys:      []string{"initializers.weights", "initializers.scores"},
	})
}

// Role says what an initializer is filling.
type Role string

// The things an initializer fills.
const (
	Weights Role = "weights"
	Scores  Role = "scores"
)

// TensorInfo describes the tensor an Initializer fills: the layer it belongs
// to, its role, and the position of the part being filled.
type TensorInfo struct {
	Layer LayerInfo
	Role  Role
	// Offset is the flat index, within the whole tensor, of the first element
	// of the part being filled.
	Offset uint64
	// Stream is the counter-based random stream of the whole tensor.
	Stream StreamKey
}

// Uniform returns the uniform variate in [0, 1) that belongs to element j
// (an absolute index within the tensor).
func (t TensorInfo) Uniform(j uint64) float32 {
	return t.Stream.Stream().Float32(j)
}

// Initializer fills weights or scores with random values.
//
// Fill writes dst, elements [t.Offset, t.Offset+len(dst)) of the tensor,
// drawing element j's randomness from t.Uniform(j) (j is the absolute
// index), so that any part of a tensor can be regenerated on its own, bit
// for bit, in this process or another.
type Initializer interface {
	Module
	Fill(dst []float32, t TensorInfo) error
}
