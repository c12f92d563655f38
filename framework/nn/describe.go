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
	Kind    framework.LayerKind
	Out     []int
	Weights int64
	MACs    int64
	// StateBytes is the memory of the layer's state: for a slot layer its
	// score coefficients, selection buffers and gradient, its initial scores
	// and candidate weights (counted in the first layer of a shared pool)
	// unless they are regenerated; for a learned layer its weights,
	// momentum and gradient.
	StateBytes int64
}

// Description is a network laid out layer by layer with totals.
type Description struct {
	Rows                  []LayerRow
	Weights, MACs, Memory int64
}

// Describe lays out a plan for a method, K and sharing strategy (sharing may
// be nil for per-connection weights); regenerate says whether the fixed
// random numbers are drawn again instead of stored. It fails when the
// sharing strategy cannot give a layer's pool.
func Describe(p *Plan, method framework.Method, k int, sharing framework.Sharing, regenerate bool) (Description, error) {
	var d Description
	pools := map[string]bool{}
	for _, st := range p.Steps {
		row := LayerRow{Index: st.Index, Kind: st.Layer.Kind, Out: st.Out}
		if st.Weighted {
			n := int64(st.Info.Connections)
			row.Name, row.Weights, row.MACs = st.Info.Name, n, st.MACs
			if method == framework.MethodSlot {
				pool := framework.Pool{Key: st.Info.Name, Stride: k}
				if sharing != nil {
					var err error
					if pool, err = sharing.Pool(st.Info); err != nil {
						return Description{}, fmt.Errorf("sharing for layer %s: %w", st.Info.Name, err)
					}
				}
				// Two score coefficients, the two selections, the two
				// selected-weight buffers and the gradient per connection;
				// the K initial scores and the pool of candidates unless
				// they are regenerated.
				row.StateBytes = 4 * 7 * n
				if !regenerate {
					row.StateBytes += 4 * n * int64(k)
				}
				if !pools[pool.Key] {
					pools[pool.Key] = true
					if !regenerate || pool.Stride == 0 {
						row.StateBytes += 4 * int64(pool.Size(st.Info.Connections, k))
					}
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
	return d, nil
}

// Shape formats an example shape as 64×30×30.
func Shape(s []int) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, "×")
}
