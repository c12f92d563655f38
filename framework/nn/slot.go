package nn

import (
	"fmt"
	"sync"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/internal/hostapi"
	"github.com/slotlab/slotlab/framework/internal/parallel"
	"github.com/slotlab/slotlab/framework/nn/slotupdate"
	"github.com/slotlab/slotlab/framework/rng"
)

// Pool holds the candidate weight values that one or more slot layers draw
// from. Candidate k of connection i is Values[i*Stride+k].
type Pool struct {
	framework.Pool
	Values []float32
	// regen is set when the values are not stored but drawn again from the
	// initializer whenever they are needed (stride K pools only).
	regen  bool
	info   framework.LayerInfo
	stream rng.Stream
	init   framework.Initializer
}

// Hyper are the optimiser settings of one step (learning rate, momentum,
// weight decay, Nesterov), the same for scores and learned weights.
type Hyper = slotupdate.SGD

// SlotLayer is the state of one weighted layer of a slot machine.
//
// Every score follows SGD with momentum and weight decay under the
// straight-through gradient ∂L/∂s_ik = g_i·w_ik, where g_i = (∂L/∂Weff)_i.
// That update is linear in (s_ik, v_ik) with coefficients that are the same
// for every score of the network (they depend only on the learning rate,
// momentum and decay of the step), and its input g_i·w_ik is a per-connection
// number times a constant. So the scores never need to be stored: with
// s0_ik the initial scores,
//
//	s_ik = A·s0_ik + Y[2i]·w_ik      v_ik = B·s0_ik + Y[2i+1]·w_ik
//
// where (A, B) are network-wide (Coef) and Y holds two numbers per
// connection. This is exactly SGD on the K scores of every connection
// (PyTorch semantics), in exact arithmetic, with 2 floats of trainable state
// per connection instead of 2K. The fixed random numbers (s0 and w) are
// stored, or regenerated from the seed when Options.Regenerate is set.
type SlotLayer struct {
	Info framework.LayerInfo
	Pool *Pool
	// Init holds the initial scores s0 (Connections × K), nil when they are
	// regenerated.
	Init []float32
	// Y holds the per-connection coefficients of the scores and their
	// momentum, 2 per connection.
	Y        []float32
	Idx      []int32   // the selection used by the next training step
	EvalIdx  []int32   // the selection of the evaluated network
	Weff     []float32 // the weights the training graph uses
	EvalWeff []float32 // the weights the evaluation graph uses
	Grad     []float32 // ∂L/∂Weff of the last step (owned by the graph)
	// Scores is where the layer's scores are written out before every
	// call of a selector that is given the whole layer: its own buffer for
	// a selector that owns the layer's memory (hostapi.BufferProvider), or
	// the layer's for a framework.WholeLayerSelector; nil otherwise.
	Scores []float32

	coef       *Coef
	selector   framework.Selector
	stream     framework.StreamKey
	initStream rng.Stream
	scoreInit  framework.Initializer
	// whole: the selector is called once per layer and selection, with
	// every connection (a BufferProvider or a WholeLayerSelector).
	whole bool
	// factored is the selector when it selects from the factored scores
	// (hostapi.FactoredSelector) in buffers it owns: Init, Pool.Values,
	// Y, Idx and EvalIdx; Scores is then nil.
	factored    hostapi.FactoredSelector
	argmaxTrain bool // the selector is the argmax: selection is fused into the update
	argmaxEval  bool
	// The step Update is working on, read by updateChunk; updater runs
	// updateChunk on all cores without allocating.
	stepMap  [6]float32
	nextStep int64
	updater  *parallel.Chunks
}

// Coef are the network-wide coefficients of the scores (see SlotLayer).
type Coef struct {
	A, B float64
}

// stepCoef is the linear map of one SGD step on (s, v) with input g·w:
//
//	s' = M00·s + M01·v + E0·g·w      v' = M10·s + M11·v + E1·g·w
type stepCoef struct {
	M00, M01, M10, M11, E0, E1 float64
}

// stepOf returns the map of one step. Plain momentum (PyTorch): v' = μv +
// λs + gw, s' = s − η·v'. Nesterov: s' = s − η·(λs + gw + μ·v').
func stepOf(h Hyper) stepCoef {
	lr, mu, wd := float64(h.LR), float64(h.Momentum), float64(h.WeightDecay)
	if h.Nesterov {
		return stepCoef{M00: 1 - lr*(1+mu)*wd, M01: -lr * mu * mu, E0: -lr * (1 + mu), M10: wd, M11: mu, E1: 1}
	}
	return stepCoef{M00: 1 - lr*wd, M01: -lr * mu, E0: -lr, M10: wd, M11: mu, E1: 1}
}

// apply advances the network-wide coefficients by one step.
func (c Coef) apply(m stepCoef) Coef {
	return Coef{A: m.M00*c.A + m.M01*c.B, B: m.M10*c.A + m.M11*c.B}
}

// chunk is the number of connections processed together, sized so that
// their fixed numbers stay in cache between generation, update and
// selection.
func (l *SlotLayer) chunk() int {
	return slotupdate.Chunk(l.Info.K)
}

// scratch holds per-chunk buffers: regenerated initial scores and weights,
// and written-out scores.
type scratch struct {
	s0, w, s []float32
}

var scratchPool sync.Pool

func getScratch() *scratch {
	if s, ok := scratchPool.Get().(*scratch); ok {
		return s
	}
	return &scratch{}
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// fixed returns the initial scores and candidate weights of connections
// lo..hi-1, from memory or regenerated into sc.
func (l *SlotLayer) fixed(lo, hi int, sc *scratch) (s0, w []float32, err error) {
	if s0, err = l.initScores(lo, hi, sc); err != nil {
		return nil, nil, err
	}
	w, err = l.weights(lo, hi, sc)
	return s0, w, err
}

// initScores returns the initial scores of connections lo..hi-1, from
// memory or regenerated into sc.
func (l *SlotLayer) initScores(lo, hi int, sc *scratch) ([]float32, error) {
	k := l.Info.K
	if l.Init != nil {
		return l.Init[lo*k : hi*k], nil
	}
	sc.s0 = grow(sc.s0, (hi-lo)*k)
	return sc.s0, l.fillInit(sc.s0, lo*k)
}

// weights returns the candidate weights of connections lo..hi-1 (all K of
// a stride-0 pool), from memory or regenerated into sc.
func (l *SlotLayer) weights(lo, hi int, sc *scratch) ([]float32, error) {
	p := l.Pool
	switch {
	case p.Stride == 0:
		return p.Values, nil
	case !p.regen:
		return p.Values[lo*p.Stride : hi*p.Stride], nil
	}
	sc.w = grow(sc.w, (hi-lo)*p.Stride)
	return sc.w, p.fillWeights(sc.w, lo*p.Stride)
}

// fillInit draws initial scores [off, off+len(dst)) of the layer (Connections
// × K), the same numbers whether they are stored or regenerated.
func (l *SlotLayer) fillInit(dst []float32, off int) error {
	return l.scoreInit.Fill(dst, framework.TensorInfo{Layer: l.Info, Role: framework.Scores, Offset: uint64(off), Stream: framework.StreamKey(l.initStream.Key)})
}

// fillWeights draws values [off, off+len(dst)) of the pool, the same
// numbers whether they are stored or regenerated.
func (p *Pool) fillWeights(dst []float32, off int) error {
	return p.init.Fill(dst, framework.TensorInfo{Layer: p.info, Role: framework.Weights, Offset: uint64(off), Stream: framework.StreamKey(p.stream.Key)})
}

// Select fills Idx and Weff with the training selection for a step.
func (l *SlotLayer) Select(step int64) error {
	return l.choose(true, step)
}

// SelectEval fills EvalIdx and EvalWeff with the selection of the
// evaluated network (the argmax for the built-in selectors).
func (l *SlotLayer) SelectEval(step int64) error {
	return l.choose(false, step)
}

// argmax says whether the selection for training or evaluation is the
// argmax, fused into the pass that computes the scores.
func (l *SlotLayer) argmax(training bool) bool {
	if training {
		return l.argmaxTrain
	}
	return l.argmaxEval
}

// out returns the selection and selected weights for training or
// evaluation.
func (l *SlotLayer) out(training bool) ([]int32, []float32) {
	if training {
		return l.Idx, l.Weff
	}
	return l.EvalIdx, l.EvalWeff
}

// choose runs the selection for training or evaluation without updating.
func (l *SlotLayer) choose(training bool, step int64) error {
	if l.whole && !l.argmax(training) {
		return l.chooseWhole(training, step)
	}
	return l.parallel(func(lo, hi int) error {
		sc := getScratch()
		defer scratchPool.Put(sc)
		s0, w, err := l.fixed(lo, hi, sc)
		if err != nil {
			return err
		}
		return l.selectChunk(lo, hi, s0, w, sc, training, step)
	})
}

// selectChunk selects connections lo..hi-1 from their current scores.
func (l *SlotLayer) selectChunk(lo, hi int, s0, w []float32, sc *scratch, training bool, step int64) error {
	k, stride := l.Info.K, l.Pool.Stride
	idx, weff := l.out(training)
	idx, weff = idx[lo:hi], weff[lo:hi]
	y, a := l.Y[2*lo:2*hi], float32(l.coef.A)
	if l.argmax(training) {
		argmaxScores(idx, weff, s0, w, y, a, k, stride)
		return nil
	}
	sc.s = grow(sc.s, (hi-lo)*k)
	writeScores(sc.s, s0, w, y, a, k, stride)
	ctx := framework.SelectContext{Layer: l.Info, Training: training, Step: step, Offset: lo, Stream: l.stream}
	if err := l.selector.Select(idx, sc.s, ctx); err != nil {
		return err
	}
	return gather(weff, idx, w, stride, lo, k)
}

// chooseWhole writes out every score of the layer into Scores and calls
// the selector once on the whole layer, or, for a factored selector, calls
// it once on the factored scores it shares. (A selector that declares
// itself the argmax is not called: the argmax is fused into the update,
// writing into its buffers all the same.)
func (l *SlotLayer) chooseWhole(training bool, step int64) error {
	idx, weff := l.out(training)
	ctx := framework.SelectContext{Layer: l.Info, Training: training, Step: step, Stream: l.stream}
	if l.factored != nil {
		if err := l.factored.SelectFactored(idx, float32(l.coef.A), ctx); err != nil {
			return err
		}
	} else {
		if err := l.writeAllScores(l.Scores); err != nil {
			return err
		}
		if err := l.selector.Select(idx, l.Scores, ctx); err != nil {
			return err
		}
	}
	return l.gatherAll(weff, idx)
}

// writeAllScores writes every score of the layer, s = A·s0 + Y·w, into dst
// (Connections × K).
func (l *SlotLayer) writeAllScores(dst []float32) error {
	k := l.Info.K
	return l.parallel(func(lo, hi int) error {
		sc := getScratch()
		defer scratchPool.Put(sc)
		s0, w, err := l.fixed(lo, hi, sc)
		if err != nil {
			return err
		}
		writeScores(dst[lo*k:hi*k], s0, w, l.Y[2*lo:2*hi], float32(l.coef.A), k, l.Pool.Stride)
		return nil
	})
}

// gatherAll sets weff to the candidate weights idx selects, checking every
// index.
func (l *SlotLayer) gatherAll(weff []float32, idx []int32) error {
	return l.parallel(func(lo, hi int) error {
		sc := getScratch()
		defer scratchPool.Put(sc)
		w, err := l.weights(lo, hi, sc)
		if err != nil {
			return err
		}
		return gather(weff[lo:hi], idx[lo:hi], w, l.Pool.Stride, lo, l.Info.K)
	})
}

// Update applies one SGD step under the straight-through gradient to every
// score of the layer (through Y; m is the step's map and the network's
// coefficients must already be advanced), then selects the weights of the
// next step, chunk by chunk so that each chunk's fixed numbers are read
// once. It returns an error if a score became NaN or infinite.
func (l *SlotLayer) Update(m stepCoef, nextStep int64) error {
	l.stepMap = [6]float32{float32(m.M00), float32(m.M01), float32(m.M10), float32(m.M11), float32(m.E0), float32(m.E1)}
	l.nextStep = nextStep
	if l.updater == nil {
		l.updater = parallel.NewChunks(l.Info.Connections, l.chunk(), l.updateChunk)
	}
	if err := l.updater.Run(); err != nil {
		return err
	}
	if l.whole && !l.argmaxTrain {
		// updateChunk only advanced Y.
		return l.chooseWhole(true, nextStep)
	}
	return nil
}

// updateChunk is Update's work on connections lo..hi-1.
func (l *SlotLayer) updateChunk(lo, hi int) error {
	if !advance(l.Y[2*lo:2*hi], l.Grad[lo:hi], l.stepMap) {
		return &NonFiniteError{Layer: l.Info.Name, What: "scores"}
	}
	if l.whole && !l.argmaxTrain {
		return nil
	}
	sc := getScratch()
	defer scratchPool.Put(sc)
	s0, w, err := l.fixed(lo, hi, sc)
	if err != nil {
		return err
	}
	return l.selectChunk(lo, hi, s0, w, sc, true, l.nextStep)
}

// MaterializeScores returns every score of the layer (Connections × K),
// s = A·s0 + Y·w, for inspection and tests.
func (l *SlotLayer) MaterializeScores() []float32 {
	out := make([]float32, l.Info.Connections*l.Info.K)
	_ = l.writeAllScores(out)
	return out
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
	return parallel.ForChunks(l.Info.Connections, l.chunk(), fn)
}

// newSlotLayer allocates a slot layer and draws (or sets up the
// regeneration of) its initial scores; the pool is made by the caller.
func newSlotLayer(info framework.LayerInfo, pool *Pool, coef *Coef, o *Options) (*SlotLayer, error) {
	n, k := info.Connections, info.K
	l := &SlotLayer{
		Info: info, Pool: pool, coef: coef,
		Y:          make([]float32, 2*n),
		Weff:       make([]float32, n),
		EvalWeff:   make([]float32, n),
		selector:   o.Selector,
		stream:     framework.StreamKey(rng.New(o.Seed, "selector", info.Name).Key),
		initStream: rng.New(o.Seed, "scores", info.Name),
		scoreInit:  o.ScoreInit,
	}
	if a, ok := o.Selector.(framework.ArgmaxSelector); ok {
		l.argmaxTrain, l.argmaxEval = a.SelectsArgmax(true), a.SelectsArgmax(false)
	}
	if fs, ok := o.Selector.(hostapi.FactoredSelector); ok && !o.Regenerate && pool.Stride == k {
		if err := l.useFactored(fs, pool); err != nil {
			return nil, err
		}
	}
	switch bp, ok := o.Selector.(hostapi.BufferProvider); {
	case l.factored != nil:
		// The selector's buffers, set up by useFactored.
	case ok:
		b, err := bp.Buffers(info)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", info.Name, err)
		}
		if len(b.Scores) != n*k || len(b.Idx) != n || len(b.EvalIdx) != n {
			return nil, fmt.Errorf("layer %s: the selector gave buffers of %d scores and %d/%d indices, want %d and %d", info.Name, len(b.Scores), len(b.Idx), len(b.EvalIdx), n*k, n)
		}
		l.Scores, l.Idx, l.EvalIdx, l.whole = b.Scores, b.Idx, b.EvalIdx, true
	case framework.SelectsWholeLayer(o.Selector):
		l.Scores, l.Idx, l.EvalIdx, l.whole = make([]float32, n*k), make([]int32, n), make([]int32, n), true
	default:
		l.Idx, l.EvalIdx = make([]int32, n), make([]int32, n)
	}
	if !o.Regenerate {
		if l.Init == nil {
			l.Init = make([]float32, n*k)
		}
		err := parallel.ForChunks(n*k, 1<<16, func(lo, hi int) error { return l.fillInit(l.Init[lo:hi], lo) })
		if err != nil {
			return nil, fmt.Errorf("initialising the scores of %s: %w", info.Name, err)
		}
		if !finite(l.Init) {
			return nil, fmt.Errorf("the score initializer gave NaN or infinite values for %s", info.Name)
		}
	}
	return l, nil
}

// useFactored moves the layer's initial scores, candidate weights (the
// pool's values, copied), coefficients and selections into the buffers of
// a factored selector, if it gives them for this layer.
func (l *SlotLayer) useFactored(fs hostapi.FactoredSelector, pool *Pool) error {
	info := l.Info
	n, k := info.Connections, info.K
	b, ok, err := fs.FactoredBuffers(info)
	if err != nil {
		return fmt.Errorf("layer %s: %w", info.Name, err)
	}
	if !ok {
		return nil
	}
	if len(b.Init) != n*k || len(b.Weights) != n*k || len(b.Y) != 2*n || len(b.Idx) != n || len(b.EvalIdx) != n {
		return fmt.Errorf("layer %s: the selector gave factored buffers of %d/%d/%d scores, weights and coefficients and %d/%d indices, want %d, %d, %d and %d", info.Name, len(b.Init), len(b.Weights), len(b.Y), len(b.Idx), len(b.EvalIdx), n*k, n*k, 2*n, n)
	}
	copy(b.Weights, pool.Values)
	pool.Values = b.Weights
	clear(b.Y)
	l.Init, l.Y, l.Idx, l.EvalIdx = b.Init, b.Y, b.Idx, b.EvalIdx
	l.whole, l.factored = true, fs
	return nil
}

// newPool makes the pool of candidate weights of a sharing key, drawing its
// values with the weight initializer (for a regenerated stride-K pool, only
// what is needed to draw them again later).
func newPool(spec framework.Pool, info framework.LayerInfo, o *Options) (*Pool, error) {
	if o.Regenerate && spec.Stride != 0 {
		p := poolOf(spec, info, o, nil)
		p.regen = true
		return p, nil
	}
	return storedPool(spec, info, o, make([]float32, spec.Size(info.Connections, info.K)))
}

// poolOf returns a pool of a sharing key with what it needs to draw its
// values (the weights stream of the key and the weight initializer).
func poolOf(spec framework.Pool, info framework.LayerInfo, o *Options, values []float32) *Pool {
	return &Pool{Pool: spec, Values: values, info: info, stream: rng.New(o.Seed, "weights", spec.Key), init: o.WeightInit}
}

// storedPool returns the pool of a sharing key with its values drawn into
// values.
func storedPool(spec framework.Pool, info framework.LayerInfo, o *Options, values []float32) (*Pool, error) {
	p := poolOf(spec, info, o, values)
	err := parallel.ForChunks(len(values), 1<<16, func(lo, hi int) error { return p.fillWeights(values[lo:hi], lo) })
	if err != nil {
		return nil, fmt.Errorf("initialising the weights of %s: %w", info.Name, err)
	}
	if !finite(values) {
		return nil, fmt.Errorf("the weight initializer gave NaN or infinite values for %s", info.Name)
	}
	return p, nil
}

// Candidates returns the layer's candidate weights, Pool.Size values laid
// out as the pool says (candidate k of connection i at i·Stride+k): the
// stored values, or the same numbers drawn again when they are regenerated.
func (l *SlotLayer) Candidates() ([]float32, error) {
	if !l.Pool.regen {
		return l.Pool.Values, nil
	}
	out := make([]float32, l.Pool.Size(l.Info.Connections, l.Info.K))
	return out, l.Pool.fillWeights(out, 0)
}
