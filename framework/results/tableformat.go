package results

import (
	"fmt"
	"io"
	"sort"
	"sync"
)

// TableFormat is a way of rendering a table of runs (a Grid). Each format
// registers itself from the file that writes it, in an init function, and
// is then named by `slotlab table --format` and listed in its help.
type TableFormat struct {
	// Name is what --format names, e.g. "md".
	Name string
	// Summary says in a few words what the format writes, for help.
	Summary string
	// Write renders the grid.
	Write func(w io.Writer, g *Grid) error
}

var (
	formatsMu sync.RWMutex
	formats   = map[string]TableFormat{}
)

// RegisterTableFormat adds a table format. It panics if the name is empty
// or taken, or Write is nil: programming errors found at start-up.
func RegisterTableFormat(f TableFormat) {
	if f.Name == "" || f.Write == nil {
		panic(fmt.Sprintf("results.RegisterTableFormat: format %q needs a name and a Write function", f.Name))
	}
	formatsMu.Lock()
	defer formatsMu.Unlock()
	if _, dup := formats[f.Name]; dup {
		panic(fmt.Sprintf("results.RegisterTableFormat: format %q registered twice", f.Name))
	}
	formats[f.Name] = f
}

// TableFormats returns the registered table formats, sorted by name.
func TableFormats() []TableFormat {
	formatsMu.RLock()
	defer formatsMu.RUnlock()
	out := make([]TableFormat, 0, len(formats))
	for _, f := range formats {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// TableFormatNames returns the names of the registered table formats,
// sorted.
func TableFormatNames() []string {
	var names []string
	for _, f := range TableFormats() {
		names = append(names, f.Name)
	}
	return names
}

func tableFormat(name string) (TableFormat, bool) {
	formatsMu.RLock()
	defer formatsMu.RUnlock()
	f, ok := formats[name]
	return f, ok
}
