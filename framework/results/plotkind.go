package results

import (
	"fmt"
	"sort"
	"sync"
)

// PlotKind is a kind of figure of runs. Each kind registers itself from
// the file that draws it, in an init function, and is then named by
// `slotlab plot --kind` and listed in its help.
type PlotKind struct {
	// Name is what --kind names, e.g. "k-sweep".
	Name string
	// Summary says what the figure shows, for help; it may take several
	// lines.
	Summary string
	// Figure draws the finished runs (at least one) with the options.
	Figure func(runs []*Run, o PlotOptions) (*Figure, error)
}

var (
	plotKindsMu sync.RWMutex
	plotKinds   = map[string]PlotKind{}
)

// RegisterPlotKind adds a plot kind. It panics if the name is empty or
// taken, or Figure is nil: programming errors found at start-up.
func RegisterPlotKind(k PlotKind) {
	if k.Name == "" || k.Figure == nil {
		panic(fmt.Sprintf("results.RegisterPlotKind: kind %q needs a name and a Figure function", k.Name))
	}
	plotKindsMu.Lock()
	defer plotKindsMu.Unlock()
	if _, dup := plotKinds[k.Name]; dup {
		panic(fmt.Sprintf("results.RegisterPlotKind: kind %q registered twice", k.Name))
	}
	plotKinds[k.Name] = k
}

// PlotKinds returns the registered plot kinds, sorted by name.
func PlotKinds() []PlotKind {
	plotKindsMu.RLock()
	defer plotKindsMu.RUnlock()
	out := make([]PlotKind, 0, len(plotKinds))
	for _, k := range plotKinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// PlotKindNames returns the names of the registered plot kinds, sorted.
func PlotKindNames() []string {
	var names []string
	for _, k := range PlotKinds() {
		names = append(names, k.Name)
	}
	return names
}

func plotKind(name string) (PlotKind, bool) {
	plotKindsMu.RLock()
	defer plotKindsMu.RUnlock()
	k, ok := plotKinds[name]
	return k, ok
}
