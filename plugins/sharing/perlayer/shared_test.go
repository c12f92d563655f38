package perlayer_test

import (
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn"
	"github.com/slotlab/slotlab/plugins/sharing/internal/sharingtest"
)

const k = sharingtest.K

// TestPerLayerValuesAreShared checks that each layer holds one pool of K
// values, and that changing one value of a layer's pool changes the weight
// of every connection of that layer that selects it, in training and in
// evaluation, and of no other connection of any layer.
func TestPerLayerValuesAreShared(t *testing.T) {
	net := sharingtest.Build(t, "per_layer")
	if len(net.Pools) != len(net.Slots) || len(net.Slots) != 3 {
		t.Fatalf("%d pools for %d layers, want one per layer", len(net.Pools), len(net.Slots))
	}
	for i, l := range net.Slots {
		if l.Pool != net.Pools[i] || len(l.Pool.Values) != k || l.Pool.Stride != 0 {
			t.Fatalf("layer %s: pool %p with %d values, stride %d; want its own pool of K=%d values, stride 0", l.Info.Name, l.Pool, len(l.Pool.Values), l.Pool.Stride, k)
		}
	}
	for _, tc := range []struct {
		name  string
		layer int
		c     int
	}{
		{"first layer", 0, 3},
		{"hidden layer", 1, 5},
		{"last layer", 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := 0.125 + float32(tc.layer)
			net.Slots[tc.layer].Pool.Values[tc.c] = v
			for li, l := range net.Slots {
				if err := l.Select(1); err != nil {
					t.Fatal(err)
				}
				if err := l.SelectEval(1); err != nil {
					t.Fatal(err)
				}
				users := 0
				for i := 0; i < l.Info.Connections; i++ {
					if l.Weff[i] != l.Pool.Values[l.Idx[i]] || l.EvalWeff[i] != l.Pool.Values[l.EvalIdx[i]] {
						t.Fatalf("layer %d connection %d: weight %v is not value %d of its layer's pool", li, i, l.Weff[i], l.Idx[i])
					}
					uses := li == tc.layer && int(l.Idx[i]) == tc.c
					if uses {
						users++
					}
					if uses != (l.Weff[i] == v) {
						t.Fatalf("layer %d connection %d selects %d and has weight %v; only layer %d's connections that select %d have the changed value %v", li, i, l.Idx[i], l.Weff[i], tc.layer, tc.c, v)
					}
				}
				if li == tc.layer && users < 2 {
					t.Fatalf("only %d connections of layer %d select value %d; the test needs several", users, li, tc.c)
				}
			}
		})
	}
}

// TestPerLayerMemory checks that describe counts K values per layer for the
// candidate weights instead of K per connection.
func TestPerLayerMemory(t *testing.T) {
	net := sharingtest.Build(t, "per_layer")
	own, err1 := nn.Describe(net.Plan, framework.MethodSlot, k, nil, false)
	shared, err2 := nn.Describe(net.Plan, framework.MethodSlot, k, net.Options.Sharing, false)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	var conns int64
	for _, l := range net.Slots {
		conns += int64(l.Info.Connections)
	}
	if want := 4 * (conns*k - 3*k); own.Memory-shared.Memory != want {
		t.Fatalf("per-layer sharing saves %d bytes, want %d (K values per layer instead of K per connection)", own.Memory-shared.Memory, want)
	}
}
