package global_test

import (
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn"
	"github.com/slotlab/slotlab/plugins/sharing/internal/sharingtest"
)

const k = sharingtest.K

// TestGlobalValuesAreShared checks that the network holds one pool of K
// values, and that changing one of them changes the weight of every
// connection of every layer that selects it, in training and in
// evaluation, and of no other connection.
func TestGlobalValuesAreShared(t *testing.T) {
	net := sharingtest.Build(t, "global")
	if len(net.Pools) != 1 || len(net.Pools[0].Values) != k || net.Pools[0].Stride != 0 {
		t.Fatalf("%d pools; want one pool of K=%d values with stride 0", len(net.Pools), k)
	}
	for _, l := range net.Slots {
		if l.Pool != net.Pools[0] {
			t.Fatalf("layer %s has its own pool", l.Info.Name)
		}
	}
	for _, c := range []int{2, 6} {
		v := 0.5 + float32(c)
		net.Pools[0].Values[c] = v
		for li, l := range net.Slots {
			if err := l.Select(1); err != nil {
				t.Fatal(err)
			}
			if err := l.SelectEval(1); err != nil {
				t.Fatal(err)
			}
			users := 0
			for i := 0; i < l.Info.Connections; i++ {
				uses := int(l.Idx[i]) == c
				if uses {
					users++
				}
				if uses != (l.Weff[i] == v) || (int(l.EvalIdx[i]) == c) != (l.EvalWeff[i] == v) {
					t.Fatalf("value %d: layer %d connection %d selects %d (eval %d) and has weight %v (eval %v); exactly the connections that select %d have the changed value %v",
						c, li, i, l.Idx[i], l.EvalIdx[i], l.Weff[i], l.EvalWeff[i], c, v)
				}
			}
			if users == 0 {
				t.Fatalf("no connection of layer %d selects value %d; the test needs some in every layer", li, c)
			}
		}
	}
}

// TestGlobalMemory checks that describe counts K values in all for the
// candidate weights.
func TestGlobalMemory(t *testing.T) {
	net := sharingtest.Build(t, "global")
	own, err1 := nn.Describe(net.Plan, framework.MethodSlot, k, nil, false)
	shared, err2 := nn.Describe(net.Plan, framework.MethodSlot, k, net.Options.Sharing, false)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	var conns int64
	for _, l := range net.Slots {
		conns += int64(l.Info.Connections)
	}
	if want := 4 * (conns*k - k); own.Memory-shared.Memory != want {
		t.Fatalf("global sharing saves %d bytes, want %d (K values in all instead of K per connection)", own.Memory-shared.Memory, want)
	}
}
