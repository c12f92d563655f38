package nn

import (
	"fmt"
	"strings"

	"github.com/slotlab/slotlab/framework"
)

// LayerRow is one line of a network description.
type LayerRow struct {
	Index   int
	Name    string // weighted layers only
	Type    string
	Out     []int
	Weights int64
	MACs    int64
	// StateBytes is the memory of the layer's trainable state: for a slot
	// layer its scores, their momentum, its candidate weights (counted in
	// the first layer of a shared pool), and the selection buffers; for a
	// learned layer its weights, momentum and gradient.
	StateBytes int64
}

// Description is a network laid out layer by layer with totals.
type Description struct {
	Rows                  []LayerRow
	Weights, MACs, Memory int64
}

// Describe lays out a plan for a method, K and sharing strategy (sharing may
// be nil for per-connection weights).
func Describe(p *Plan, method string, k int, sharing framework.Sharing) Description {
	var d Description
	pools := map[string]bool{}
	for _, st := range p.Steps {
		row := LayerRow{Index: st.Index, Type: st.Layer.Type, Out: st.Out}
		if st.Weighted {
			n := int64(st.Info.Connections)
			row.Name, row.Weights, row.MACs = st.Info.Name, n, st.MACs
			if method == "slot" {
				pool := framework.Pool{Key: st.Info.Name, Stride: k}
				if sharing != nil {
					pool = sharing.Pool(st.Info)
				}
				// scores and momentum, K per connection; idx, Weff, the
				// evaluated Weff and the gradient, one each.
				row.StateBytes = 4 * (2*n*int64(k) + 4*n)
				if !pools[pool.Key] {
					pools[pool.Key] = true
					row.StateBytes += 4 * int64(pool.Size(st.Info.Connections, k))
				}
			} else {
				row.StateBytes = 4 * 3 * n
			}
		}
		d.Rows = append(d.Rows, row)
		d.Weights += row.Weights
		d.MACs += row.MACs
		d.Memory += row.StateBytes
	}
	return d
}

// Shape formats an example shape as 64×30×30.
func Shape(s []int) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, "×")
}
