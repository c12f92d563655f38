package framework

import "fmt"

// LayerKind is the kind of a layer of a network.
type LayerKind string

// The kinds of layer. Dense and Conv hold weights (a slot machine's slot
// layers); the others have none.
const (
	Dense     LayerKind = "dense"
	Conv      LayerKind = "conv"
	MaxPool   LayerKind = "maxpool"
	AvgPool   LayerKind = "avgpool"
	Dropout   LayerKind = "dropout"
	BatchNorm LayerKind = "batchnorm"
	Flatten   LayerKind = "flatten"
	ReLU      LayerKind = "relu"
)

// LayerInfo describes a weighted layer to the modules that act on it.
type LayerInfo struct {
	// Name is the layer's unique name within the network, e.g. "dense2".
	Name string
	// Index is the layer's position among the network's weighted layers,
	// counting from 0.
	Index int
	Kind  LayerKind
	// FanIn and FanOut are those of the ordinary layer: dense in and out;
	// conv C_in·kh·kw and C_out·kh·kw. They do not depend on K.
	FanIn, FanOut int
	// Connections is the number of weights of the ordinary layer.
	Connections int
	// K is the number of candidate weights per connection (CheckK).
	K int
}

// MaxK is the largest K, the number of candidate weights per connection,
// that slotlab supports.
const MaxK = 1 << 16

// CheckK checks K, the number of candidate weights per connection:
// 1 ≤ K ≤ MaxK. Every place that takes K from a user or over the wire
// (config, the plugin protocol's two sides, exported files) checks it here;
// kernels that take K from the engine panic with this error.
func CheckK(k int) error {
	if k < 1 {
		return fmt.Errorf("k must be at least 1 (the number of candidate weights per connection), not %d", k)
	}
	if k > MaxK {
		return fmt.Errorf("k = %d is more than slotlab supports (%d)", k, MaxK)
	}
	return nil
}
