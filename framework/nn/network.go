package nn

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/kernels"
)

// Options say what to build.
type Options struct {
	// Method is framework.MethodSlot or framework.MethodLearned.
	Method framework.Method
	K      int
	Seed   uint64
	// Batch and EvalBatch are the batch sizes of the training and the
	// evaluation graphs.
	Batch, EvalBatch int
	Selector         framework.Selector
	Sharing          framework.Sharing
	WeightInit       framework.Initializer
	ScoreInit        framework.Initializer
	// LearnedInit is how learned weights start: LearnedInitWeights or
	// LearnedInitOneOfK.
	LearnedInit LearnedInit
	// Regenerate draws a slot machine's fixed random numbers (candidate
	// weights and initial scores) again from the seed whenever they are
	// needed instead of storing them; training is bit-identical either way.
	Regenerate bool
	// Winograd4 lets the 3×3 convolutions use Winograd F(4×4, 3×3) for
	// the passes where it measured faster, and the transform-GEMM Winograd
	// on outputs of 6×6 and less (kernels.ConvAlgoAuto4); other roundings
	// than F(2×2, 3×3), so other numbers. SLOTLAB_CONV, where set to
	// anything but auto, overrides it.
	Winograd4 bool
}

// LearnedInit is how a learned network's weights start.
type LearnedInit string

// The starts of learned weights.
const (
	// LearnedInitWeights draws them with the weight initializer.
	LearnedInitWeights LearnedInit = "weights"
	// LearnedInitOneOfK takes, per connection, one of the K candidates a
	// slot machine of the same seed would have, drawn at random.
	LearnedInitOneOfK LearnedInit = "one_of_k"
)

// Network is a built model: the training graph (forward and backward) and
// the evaluation graph (forward only), each compiled once into a gorgonia
// TapeMachine, and the state of every weighted layer. Both graphs read the
// weights from slices the layers own and rewrite in place, so no graph is
// ever rebuilt.
type Network struct {
	Plan    *Plan
	Options Options
	Slots   []*SlotLayer    // method slot
	Learned []*LearnedLayer // method learned
	Pools   []*Pool         // distinct weight pools of the slot layers

	train, eval *graph
	coef        Coef                       // network-wide score coefficients (see SlotLayer)
	step        int64                      // training steps taken
	bns         map[int]*kernels.BatchNorm // by layer index; running stats shared by both graphs
}

// graph is one compiled gorgonia graph with its input buffers.
type graph struct {
	g       *G.ExprGraph
	vm      G.VM
	batch   int
	x       []float32
	labels  []int32
	loss    *lossOp
	dropout []*dropoutOp
}

// Build creates the network of a spec for the given options.
func Build(spec Spec, o Options) (*Network, error) {
	plan, err := NewPlan(spec, o.K)
	if err != nil {
		return nil, err
	}
	n := &Network{Plan: plan, Options: o, coef: Coef{A: 1}}
	pools := map[string]*Pool{}
	for _, info := range plan.WeightedLayers() {
		switch o.Method {
		case framework.MethodSlot:
			spec, err := o.Sharing.Pool(info)
			if err != nil {
				return nil, fmt.Errorf("sharing for layer %s: %w", info.Name, err)
			}
			if spec.Stride != 0 && spec.Stride != info.K {
				return nil, fmt.Errorf("sharing for layer %s: pool stride %d; it must be K (%d) or 0", info.Name, spec.Stride, info.K)
			}
			p := pools[spec.Key]
			size := spec.Size(info.Connections, info.K)
			if p == nil {
				if p, err = newPool(spec, info, &o); err != nil {
					return nil, err
				}
				pools[spec.Key] = p
				n.Pools = append(n.Pools, p)
			} else if p.Stride != spec.Stride || p.Size(p.info.Connections, p.info.K) != size {
				return nil, fmt.Errorf("sharing: layer %s asks for pool %q with stride %d and %d values, but it already has stride %d and %d values", info.Name, spec.Key, spec.Stride, size, p.Stride, p.Size(p.info.Connections, p.info.K))
			}
			l, err := newSlotLayer(info, p, &n.coef, &o)
			if err != nil {
				return nil, err
			}
			n.Slots = append(n.Slots, l)
		case framework.MethodLearned:
			l, err := newLearnedLayer(info, &o)
			if err != nil {
				return nil, err
			}
			n.Learned = append(n.Learned, l)
		default:
			return nil, fmt.Errorf("unknown method %q", o.Method)
		}
	}
	for _, l := range n.Slots {
		if err := l.Select(0); err != nil {
			return nil, fmt.Errorf("initial selection of %s: %w", l.Info.Name, err)
		}
	}
	if err := n.buildGraphs(); err != nil {
		return nil, err
	}
	return n, nil
}

// buildGraphs builds the training and the evaluation graph.
func (n *Network) buildGraphs() (err error) {
	if n.train, err = n.buildGraph(n.Options.Batch, true); err != nil {
		return err
	}
	n.eval, err = n.buildGraph(n.Options.EvalBatch, false)
	return err
}

// weights returns the slice a weighted layer's graph node reads in the
// training or evaluation graph.
func (n *Network) weights(i int, train bool) []float32 {
	if n.Options.Method == framework.MethodSlot {
		if train {
			return n.Slots[i].Weff
		}
		return n.Slots[i].EvalWeff
	}
	return n.Learned[i].W
}

// buildGraph builds one graph, each layer added by its kind's node
// function (layerKinds).
func (n *Network) buildGraph(batch int, train bool) (*graph, error) {
	g := G.NewGraph()
	gr := &graph{g: g, batch: batch}
	in := n.Plan.Spec.Input
	xs := tensor.Shape{batch, in[0], in[1], in[2]}
	gr.x = make([]float32, xs.TotalSize())
	gr.labels = make([]int32, batch)
	h := G.NewTensor(g, tensor.Float32, 4, G.WithShape(xs...), G.WithName("x"),
		G.WithValue(tensor.New(tensor.WithShape(xs...), tensor.WithBacking(gr.x))))
	b := &builder{n: n, gr: gr, train: train}
	steps := n.Plan.Steps
	for i := 0; i < len(steps); i++ {
		st := steps[i]
		b.fuseReLU = fusesReLU(steps, i)
		b.reluFolded = foldsReLUGrad(steps, i)
		var err error
		if h, err = layerKinds[st.Layer.Kind].node(b, st, h); err != nil {
			return nil, err
		}
		b.nextMasks = b.reluFolded // for the layer two steps on
		if st.Weighted {
			b.needDX = true
		}
		if b.fuseReLU {
			i++ // the batch norm has done the ReLU after it
		}
	}
	gr.loss = newLossOp(batch, n.Plan.Spec.Classes, gr.labels)
	loss, err := G.ApplyOp(gr.loss, h)
	if err != nil {
		return nil, fmt.Errorf("building the loss: %w", err)
	}
	if train {
		grads, err := G.Grad(loss, b.wnodes...)
		if err != nil {
			return nil, fmt.Errorf("building the backward pass: %w", err)
		}
		for i, gn := range grads {
			op, ok := gn.Op().(*kernelOp)
			if !ok || !op.weightGrad {
				return nil, fmt.Errorf("unexpected gradient op %v for weights %d", gn.Op(), i)
			}
			if n.Options.Method == framework.MethodSlot {
				n.Slots[i].Grad = op.out.data
			} else {
				n.Learned[i].Grad = op.out.data
			}
		}
	}
	gr.vm = G.NewTapeMachine(g)
	return gr, nil
}

// TrainInput returns the buffers a training batch is written into: the
// images (Batch×C×H×W) and their labels.
func (n *Network) TrainInput() ([]float32, []int32) { return n.train.x, n.train.labels }

// EvalInput returns the buffers of an evaluation batch.
func (n *Network) EvalInput() ([]float32, []int32) { return n.eval.x, n.eval.labels }

// Steps returns the number of training steps taken.
func (n *Network) Steps() int64 { return n.step }

// TrainStep runs forward and backward on the batch in the training input,
// then updates the scores (or weights) with the given optimiser settings.
// It returns the batch's mean loss and number of correct predictions.
func (n *Network) TrainStep(h Hyper) (loss float64, correct int, err error) {
	gr := n.train
	for _, d := range gr.dropout {
		d.step = n.step
	}
	if err := gr.vm.RunAll(); err != nil {
		return 0, 0, fmt.Errorf("training step %d: %w", n.step, err)
	}
	gr.vm.Reset()
	loss, correct = gr.loss.loss, gr.loss.correct
	if loss != loss || loss > 1e30 {
		return loss, correct, &NonFiniteError{Layer: "loss", What: "the loss"}
	}
	if len(n.Slots) > 0 {
		m := stepOf(h)
		n.coef = n.coef.apply(m)
		for _, l := range n.Slots {
			if err := l.Update(m, n.step+1); err != nil {
				return loss, correct, err
			}
		}
	}
	for _, l := range n.Learned {
		if err := l.Update(h); err != nil {
			return loss, correct, err
		}
	}
	n.step++
	return loss, correct, nil
}

// PrepareEval selects the weights of the evaluated network. Call it once
// before a round of EvalStep calls.
func (n *Network) PrepareEval() error {
	for _, l := range n.Slots {
		if err := l.SelectEval(n.step); err != nil {
			return err
		}
	}
	return nil
}

// EvalStep runs the evaluation graph on the batch in the evaluation input,
// of which the first valid rows are real examples (the rest is padding).
func (n *Network) EvalStep(valid int) (loss float64, correct int, err error) {
	gr := n.eval
	gr.loss.valid = valid
	if err := gr.vm.RunAll(); err != nil {
		return 0, 0, fmt.Errorf("evaluation: %w", err)
	}
	gr.vm.Reset()
	return gr.loss.loss, gr.loss.correct, nil
}
