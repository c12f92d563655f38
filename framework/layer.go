package framework

// LayerKind is the kind of a layer that holds weights.
type LayerKind string

// The kinds of weighted layer.
const (
	Dense LayerKind = "dense"
	Conv  LayerKind = "conv"
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
	// K is the number of candidate weights per connection.
	K int
}
