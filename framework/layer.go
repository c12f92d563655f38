package framework

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
	// K is the number of candidate weights per connection.
	K int
}
