package framework

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
// Scores are always per connection.
type Sharing interface {
	Module
	Pool(layer LayerInfo) Pool
}

// CheckedSharing is implemented by sharing strategies that can fail to
// give a pool (an external plugin): the network asks PoolErr instead of
// Pool, and a failure stops the build with its error.
type CheckedSharing interface {
	Sharing
	PoolErr(layer LayerInfo) (Pool, error)
}
