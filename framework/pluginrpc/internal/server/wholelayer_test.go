package server

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/slotupdate"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/shm"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/wire"
)

// rangeSelector records the ranges it is asked to select and the scores it
// is given; Whole says whether it selects whole layers. It selects the
// argmax.
type rangeSelector struct {
	Whole  bool
	mu     sync.Mutex
	ranges [][2]int // offset, count
	scores []float32
}

func (*rangeSelector) SlotlabModule() framework.ModuleInfo { return framework.ModuleInfo{} }
func (r *rangeSelector) SelectsWholeLayer() bool           { return r.Whole }
func (r *rangeSelector) Select(idx []int32, scores []float32, ctx framework.SelectContext) error {
	r.mu.Lock()
	r.ranges = append(r.ranges, [2]int{ctx.Offset, len(idx)})
	if len(idx) == ctx.Layer.Connections {
		r.scores = slices.Clone(scores)
	}
	r.mu.Unlock()
	slotupdate.Argmax(idx, scores, ctx.Layer.K)
	return nil
}

// TestWholeLayerOverTheWire checks that the service hands a selector that
// selects whole layers every connection of the layer in one call, with the
// scores it is sent or computes from their factored form (the same as the
// host writes out), refuses to call it on part of a layer, and still
// splits the layer for a selector that does not ask for whole layers.
func TestWholeLayerOverTheWire(t *testing.T) {
	const n, k = 20000, 2 // more connections than a chunk of K = 2
	for _, whole := range []bool{true, false} {
		sel := &rangeSelector{Whole: whole}
		s, err := New(Config{Components: []Factory{{Kind: wire.KindSelector, Name: "ranges", New: func() framework.Module { return sel }}}})
		if err != nil {
			t.Fatal(err)
		}
		var setup wire.SetupReply
		if err := s.Setup(wire.SetupArgs{Kind: wire.KindSelector, Name: "ranges"}, &setup); err != nil {
			t.Fatal(err)
		}
		// The segment: initial scores, weights, coefficients, the scores
		// written out, the indices.
		off := []int64{0, 4 * n * k, 8 * n * k, 8*n*k + 8*n, 12*n*k + 8*n}
		seg := make([]byte, off[4]+4*n)
		id := s.addSegment(seg)
		init, _ := shm.Float32s(seg, off[0], n*k)
		w, _ := shm.Float32s(seg, off[1], n*k)
		y, _ := shm.Float32s(seg, off[2], 2*n)
		scores, _ := shm.Float32s(seg, off[3], n*k)
		for i := range init {
			init[i], w[i] = float32(i%7)-3, float32(i%5)-2
		}
		for i := range y {
			y[i] = float32(i%3) - 1
		}
		const a = 0.5
		slotupdate.WriteScores(scores, init, w, y, a, k, k)
		ctx := framework.SelectContext{Layer: framework.LayerInfo{Name: "dense1", Connections: n, K: k}, Training: true}
		calls := []struct {
			name string
			call func(ctx framework.SelectContext, count int) error
		}{
			{"Select", func(ctx framework.SelectContext, count int) error {
				return s.Select(wire.SelectArgs{Instance: setup.Instance, Segment: id, ScoresOff: off[3], IdxOff: off[4], Count: count, K: k, Ctx: ctx}, &wire.CountReply{})
			}},
			{"SelectFactored", func(ctx framework.SelectContext, count int) error {
				return s.SelectFactored(wire.SelectFactoredArgs{Instance: setup.Instance, Segment: id, InitOff: off[0], WeightsOff: off[1], YOff: off[2], IdxOff: off[4], Count: count, K: k, A: a, Ctx: ctx}, &wire.CountReply{})
			}},
		}
		for _, c := range calls {
			sel.ranges, sel.scores = nil, nil
			if err := c.call(ctx, n); err != nil {
				t.Fatalf("whole %v: %s: %v", whole, c.name, err)
			}
			if !whole {
				if len(sel.ranges) < 2 {
					t.Fatalf("%s: a per-connection selector was called on %v, not on chunks", c.name, sel.ranges)
				}
				continue
			}
			if want := [][2]int{{0, n}}; !slices.Equal(sel.ranges, want) {
				t.Fatalf("%s: a whole-layer selector was called on %v (offset, count), want %v", c.name, sel.ranges, want)
			}
			if !slices.Equal(sel.scores, scores) {
				t.Fatalf("%s: the whole-layer selector was not given the layer's scores", c.name)
			}
			part := ctx
			part.Offset = 100
			err := c.call(part, n-100)
			if err == nil || !strings.Contains(err.Error(), "selects whole layers, but was asked for connections 100..20000 of the 20000 of layer dense1") {
				t.Fatalf("%s on part of a layer: %v", c.name, err)
			}
		}
	}
}
