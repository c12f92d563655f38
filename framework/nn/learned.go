package nn

import (
	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/internal/parallel"
	"github.com/slotlab/slotlab/framework/nn/slotupdate"
	"github.com/slotlab/slotlab/framework/rng"
)

// LearnedLayer is a weighted layer with ordinary trainable weights, the
// baseline slot machines are compared with.
type LearnedLayer struct {
	Info     framework.LayerInfo
	W        []float32 // the weights both graphs use
	Velocity []float32
	Grad     []float32 // ∂L/∂W of the last step (owned by the graph)

	sgd     slotupdate.SGD // the step Update is working on
	updater *parallel.Chunks
}

// Update takes one SGD step (momentum, weight decay) on the weights.
func (l *LearnedLayer) Update(h Hyper) error {
	l.sgd = h
	if l.updater == nil {
		l.updater = parallel.NewChunks(len(l.W), 1<<14, l.updateChunk)
	}
	return l.updater.Run()
}

func (l *LearnedLayer) updateChunk(lo, hi int) error {
	if !slotupdate.SGDStep(l.W[lo:hi], l.Velocity[lo:hi], l.Grad[lo:hi], l.sgd) {
		return &NonFiniteError{Layer: l.Info.Name, What: "weights"}
	}
	return nil
}

// newLearnedLayer initialises the weights: from the weight initializer, or
// (oneOfK) as a uniformly random pick among the K candidates the slot
// machine with the same seed would have, as the official code does.
func newLearnedLayer(info framework.LayerInfo, o *Options) (*LearnedLayer, error) {
	n := info.Connections
	l := &LearnedLayer{Info: info, W: make([]float32, n), Velocity: make([]float32, n)}
	if o.LearnedInit == LearnedInitOneOfK {
		k := info.K
		// The same candidates as the slot machine of this seed.
		pool, err := storedPool(framework.Pool{Key: info.Name, Stride: k}, info, o, make([]float32, n*k))
		if err != nil {
			return nil, err
		}
		pick := rng.New(o.Seed, "one_of_k", info.Name)
		for i := range l.W {
			l.W[i] = pool.Values[i*k+pick.Intn(uint64(i), k)]
		}
		return l, nil
	}
	one := info
	one.K = 1
	_, err := storedPool(framework.Pool{Key: info.Name, Stride: 1}, one, o, l.W)
	return l, err
}
