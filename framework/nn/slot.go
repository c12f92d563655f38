package nn

import (
	"fmt"
	"sync"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/kernels"
	"github.com/slotlab/slotlab/framework/nn/slotupdate"
	"github.com/slotlab/slotlab/framework/rng"
)

// Pool holds the candidate weight values that one or more slot layers draw
// from. Candidate k of connection i is Values[i*Stride+k].
type Pool struct {
	framework.Pool
	Values []float32
}

// Hyper are the optimiser settings of one step.
type Hyper struct {
	LR, Momentum, WeightDecay float32
	Nesterov                  bool
}

// SlotLayer is the state of one weighted layer of a slot machine: the fixed
// candidate weights (in a possibly shared Pool), one score per candidate,
// the momentum of the scores, and the current selection. The graph sees only
// Weff, the selected weights, which the layer rewrites in place.
type SlotLayer struct {
	Info     framework.LayerInfo
	Pool     *Pool
	Scores   []float32 // Connections × K
	Velocity []float32 // Connections × K, SGD momentum of the scores
	Idx      []int32   // the selection used by the next training step
	EvalIdx  []int32   // the selection of the evaluated network
	Weff     []float32 // the weights the training graph uses
	EvalWeff []float32 // the weights the evaluation graph uses
	Grad     []float32 // ∂L/∂Weff of the last step (owned by the graph)

	selector framework.Selector
	stream   framework.StreamKey
	// whole is set for selectors that own the layer's buffers (external
	// plugins): Select is called once for the whole layer.
	whole bool
	// argmaxTrain and argmaxEval are set when the selector declares that
	// its choice is the argmax: selection is then fused into the update.
	argmaxTrain, argmaxEval bool
}

// chunk is the number of connections updated together, sized so that their
// scores, momentum and weights stay in cache between the update and the
// selection that follows it.
func (l *SlotLayer) chunk() int {
	return max(256, 16384/l.Info.K)
}

// Select fills Idx and Weff with the training selection for a step.
func (l *SlotLayer) Select(step int64) error {
	return l.choose(true, step)
}

// choose runs the selector for training or evaluation and gathers the
// selected weights.
func (l *SlotLayer) choose(training bool, step int64) error {
	idx, weff := l.Idx, l.Weff
	if !training {
		idx, weff = l.EvalIdx, l.EvalWeff
	}
	k := l.Info.K
	if (training && l.argmaxTrain) || (!training && l.argmaxEval) {
		return l.parallel(func(lo, hi int) error {
			slotupdate.Argmax(l.Scores[lo*k:hi*k], l.weights(lo, hi), k, l.Pool.Stride, idx[lo:hi], weff[lo:hi])
			return nil
		})
	}
	if !l.whole {
		return l.parallel(func(lo, hi int) error {
			return l.selectRange(idx, weff, lo, hi, training, step)
		})
	}
	ctx := framework.SelectContext{Layer: l.Info, Training: training, Step: step, Stream: l.stream}
	if err := l.selector.Select(idx, l.Scores, k, ctx); err != nil {
		return err
	}
	return l.parallel(func(lo, hi int) error {
		return gather(weff[lo:hi], idx[lo:hi], l.Pool, lo, k)
	})
}

func (l *SlotLayer) selectRange(idx []int32, weff []float32, lo, hi int, training bool, step int64) error {
	k := l.Info.K
	ctx := framework.SelectContext{Layer: l.Info, Training: training, Step: step, Offset: lo, Stream: l.stream}
	if err := l.selector.Select(idx[lo:hi], l.Scores[lo*k:hi*k], k, ctx); err != nil {
		return err
	}
	return gather(weff[lo:hi], idx[lo:hi], l.Pool, lo, k)
}

// gather writes the selected weights of connections lo.. into dst, checking
// that every index is a real candidate.
func gather(dst []float32, idx []int32, p *Pool, lo, k int) error {
	v, stride := p.Values, p.Stride
	for j, c := range idx {
		if uint32(c) >= uint32(k) {
			return fmt.Errorf("selector chose candidate %d for connection %d, but only 0..%d exist", c, lo+j, k-1)
		}
		dst[j] = v[(lo+j)*stride+int(c)]
	}
	return nil
}

// SelectEval fills EvalIdx and EvalWeff with the selection of the
// evaluated network (the argmax for the built-in selectors).
func (l *SlotLayer) SelectEval(step int64) error {
	return l.choose(false, step)
}

// Update applies the straight-through gradient to the scores with SGD
// (momentum, weight decay), then selects the weights of the next step,
// chunk by chunk so that each chunk is read from memory once:
//
//	∂L/∂s_ik = (∂L/∂Weff)_i · w_ik
//
// It returns an error if a score became NaN or infinite.
func (l *SlotLayer) Update(h Hyper, nextStep int64) error {
	if l.argmaxTrain {
		return l.parallel(func(lo, hi int) error { return l.updateRange(lo, hi, h, true) })
	}
	if l.whole {
		if err := l.parallel(func(lo, hi int) error { return l.updateRange(lo, hi, h, false) }); err != nil {
			return err
		}
		return l.choose(true, nextStep)
	}
	return l.parallel(func(lo, hi int) error {
		if err := l.updateRange(lo, hi, h, false); err != nil {
			return err
		}
		return l.selectRange(l.Idx, l.Weff, lo, hi, true, nextStep)
	})
}

// updateRange updates the scores of connections lo..hi-1 and, when
// selectArgmax is set, selects their argmax and gathers the weights in the
// same pass (framework/nn/slotupdate).
func (l *SlotLayer) updateRange(lo, hi int, h Hyper, selectArgmax bool) error {
	k := l.Info.K
	var idx []int32
	var weff []float32
	if selectArgmax {
		idx, weff = l.Idx[lo:hi], l.Weff[lo:hi]
	}
	p := slotupdate.SGD{LR: h.LR, Momentum: h.Momentum, WeightDecay: h.WeightDecay, Nesterov: h.Nesterov}
	if !slotupdate.Update(l.Scores[lo*k:hi*k], l.Velocity[lo*k:hi*k], l.weights(lo, hi), l.Grad[lo:hi], k, l.Pool.Stride, p, idx, weff) {
		return &NonFiniteError{Layer: l.Info.Name, What: "scores"}
	}
	return nil
}

// weights returns the candidate weights of connections lo..hi-1 (all K
// values of a shared pool).
func (l *SlotLayer) weights(lo, hi int) []float32 {
	if l.Pool.Stride == 0 {
		return l.Pool.Values
	}
	return l.Pool.Values[lo*l.Pool.Stride : hi*l.Pool.Stride]
}

// NonFiniteError reports a NaN or infinity in a layer's state.
type NonFiniteError struct {
	Layer, What string
}

func (e *NonFiniteError) Error() string {
	if e.Layer == "loss" {
		return "the loss became NaN or infinite (lower the learning rate?)"
	}
	return fmt.Sprintf("layer %s: %s became NaN or infinite (lower the learning rate?)", e.Layer, e.What)
}

func finite(xs []float32) bool {
	var acc float32
	for _, x := range xs {
		acc += x - x // NaN or ±Inf make x-x NaN
	}
	return acc == 0
}

// parallel runs fn over chunks of the layer's connections on all cores and
// returns the first error.
func (l *SlotLayer) parallel(fn func(lo, hi int) error) error {
	return parallelChunks(l.Info.Connections, l.chunk(), fn)
}

func parallelChunks(n, chunk int, fn func(lo, hi int) error) error {
	var (
		mu  sync.Mutex
		err error
	)
	chunks := (n + chunk - 1) / chunk
	kernels.Parallel(chunks, func(clo, chi int) {
		for c := clo; c < chi; c++ {
			lo, hi := c*chunk, min(n, (c+1)*chunk)
			if e := fn(lo, hi); e != nil {
				mu.Lock()
				if err == nil {
					err = e
				}
				mu.Unlock()
				return
			}
		}
	})
	return err
}

// newSlotLayer allocates a slot layer and initialises its scores; the pool
// is filled by the caller.
func newSlotLayer(info framework.LayerInfo, pool *Pool, o *Options) (*SlotLayer, error) {
	n, k := info.Connections, info.K
	l := &SlotLayer{
		Info: info, Pool: pool,
		Velocity: make([]float32, n*k),
		Weff:     make([]float32, n),
		EvalWeff: make([]float32, n),
		selector: o.Selector,
		stream:   framework.StreamKey(rng.New(o.Seed, "selector", info.Name).Key),
	}
	if a, ok := o.Selector.(framework.ArgmaxSelector); ok {
		l.argmaxTrain, l.argmaxEval = a.SelectsArgmax(true), a.SelectsArgmax(false)
	}
	if bp, ok := o.Selector.(framework.BufferProvider); ok {
		b, err := bp.Buffers(info)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", info.Name, err)
		}
		if len(b.Scores) != n*k || len(b.Idx) != n || len(b.EvalIdx) != n {
			return nil, fmt.Errorf("layer %s: the selector gave buffers of %d scores and %d/%d indices, want %d and %d", info.Name, len(b.Scores), len(b.Idx), len(b.EvalIdx), n*k, n)
		}
		l.Scores, l.Idx, l.EvalIdx, l.whole = b.Scores, b.Idx, b.EvalIdx, true
	} else {
		l.Scores, l.Idx, l.EvalIdx = make([]float32, n*k), make([]int32, n), make([]int32, n)
	}
	src := rng.New(o.Seed, "scores", info.Name)
	err := parallelChunks(n*k, 1<<16, func(lo, hi int) error {
		return o.ScoreInit.Fill(l.Scores[lo:hi], framework.TensorInfo{Layer: info, Role: framework.Scores, Offset: uint64(lo), Stream: framework.StreamKey(src.Key)})
	})
	if err != nil {
		return nil, fmt.Errorf("initialising the scores of %s: %w", info.Name, err)
	}
	if !finite(l.Scores) {
		return nil, fmt.Errorf("the score initializer gave NaN or infinite values for %s", info.Name)
	}
	return l, nil
}

// fillPool draws a pool's values with the weight initializer.
func fillPool(p *Pool, info framework.LayerInfo, o *Options) error {
	src := rng.New(o.Seed, "weights", p.Key)
	err := parallelChunks(len(p.Values), 1<<16, func(lo, hi int) error {
		return o.WeightInit.Fill(p.Values[lo:hi], framework.TensorInfo{Layer: info, Role: framework.Weights, Offset: uint64(lo), Stream: framework.StreamKey(src.Key)})
	})
	if err != nil {
		return fmt.Errorf("initialising the weights of %s: %w", info.Name, err)
	}
	if !finite(p.Values) {
		return fmt.Errorf("the weight initializer gave NaN or infinite values for %s", info.Name)
	}
	return nil
}
