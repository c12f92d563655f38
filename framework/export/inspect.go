package export

import (
	"fmt"
)

// LayerSelection describes which of its K candidates each connection of a
// slot layer selected, by the candidate's rank among them (0 the smallest
// weight, K−1 the largest).
type LayerSelection struct {
	Name        string
	Connections int
	K           int
	// Ranks[r] counts the connections whose selected weight has rank r.
	Ranks []int
}

// Extreme is the share of connections that selected their smallest or
// largest candidate; Chance is that share for a uniform pick (2/K).
func (l LayerSelection) Extreme() (share, chance float64) {
	if l.K < 2 || l.Connections == 0 {
		return 1, 1
	}
	return float64(l.Ranks[0]+l.Ranks[l.K-1]) / float64(l.Connections), 2 / float64(l.K)
}

// Inspect reads a run's best network (best.bin) and counts, layer by layer,
// the rank of each connection's selected weight among its candidates:
// whether training drifted to the extreme candidates (which behaves like
// K = 2) or uses the whole range.
func Inspect(runDir string) (Origin, []LayerSelection, error) {
	l, err := loadRun(runDir)
	if err != nil {
		return Origin{}, nil, err
	}
	if len(l.net.Slots) == 0 {
		return Origin{}, nil, fmt.Errorf("%s trained learned weights (method %s): it selects nothing", runDir, l.exp.Method)
	}
	var out []LayerSelection
	for _, s := range l.net.Slots {
		w, err := s.Candidates()
		if err != nil {
			return Origin{}, nil, err
		}
		out = append(out, LayerSelection{Name: s.Info.Name, Connections: s.Info.Connections, K: s.Info.K,
			Ranks: rankCounts(w, s.EvalIdx, s.Info.K, s.Pool.Stride)})
	}
	return l.origin, out, nil
}

// rankCounts counts the rank of each selected candidate idx[i] among the K
// candidates of connection i, w[i·stride : i·stride+K] (ties ranked by
// index).
func rankCounts(w []float32, idx []int32, k, stride int) []int {
	ranks := make([]int, k)
	for i, sel := range idx {
		c := w[i*stride : i*stride+k]
		v, r := c[sel], 0
		for j, x := range c {
			if x < v || (x == v && j < int(sel)) {
				r++
			}
		}
		ranks[r]++
	}
	return ranks
}
