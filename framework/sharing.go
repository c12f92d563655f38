package framework

import "reflect"

// NamespaceSharing is the namespace of sharing strategies' IDs
// ("sharing.per_connection").
const NamespaceSharing = "sharing"

func init() {
	RegisterKind(Kind{
		Namespace: NamespaceSharing,
		Singular:  "sharing strategy",
		Plural:    "sharing strategies",
		Interface: reflect.TypeFor[Sharing](),
		Summary:   "decide which connections share candidate weights",
		Keys:      []string{"sharing"},
	})
}

// Pool says where a slot layer's candidate weights live. Layers whose pools
// have the same Key share one set of values. The candidate k of connection
// i is values[i*Stride + k]: Stride is K when every connection has its own
// K weights and 0 when all connections of the pool choose among the same K.
type Pool struct {
	Key    string
	Stride int
}

// Size returns how many values a pool holds for a layer with n connections
// and K candidates.
func (p Pool) Size(n, k int) int {
	if p.Stride == 0 {
		return k
	}
	return n * p.Stride
}

// Sharing decides how candidate weights are shared between connections.
// Scores are always per connection. Pool returns the layer's pool, or an
// error that stops the network's build (a plugin that fails, a layer the
// strategy cannot serve).
type Sharing interface {
	Module
	Pool(layer LayerInfo) (Pool, error)
}
