package perconnection

import (
	"testing"

	"github.com/slotlab/slotlab/framework"
)

func TestPool(t *testing.T) {
	l := framework.LayerInfo{Name: "dense0", Connections: 100, K: 8}
	p, err := (&PerConnection{}).Pool(l)
	if err != nil || p.Key != "dense0" || p.Stride != 8 || p.Size(100, 8) != 800 {
		t.Fatalf("pool %+v size %d, want own pool of 800 values with stride 8", p, p.Size(100, 8))
	}
}
