package data

import (
	"fmt"
	"strings"
)

// Options says where to find datasets and whether to download them.
type Options struct {
	Dir      string                           // data directory from the config (data.dir); "" = use $SLOTLAB_DATA if set
	Download bool                             // allow downloading from the canonical source when nothing local is found
	CacheDir string                           // where downloads are stored; "" = $XDG_CACHE_HOME/slotlab or ~/.cache/slotlab
	Logf     func(format string, args ...any) // optional progress messages (nil = silent)
}

// logf returns opt.Logf, or a function that discards its arguments.
func (opt Options) logf() func(string, ...any) {
	if opt.Logf != nil {
		return opt.Logf
	}
	return func(string, ...any) {}
}

// Load loads the training and test sets of the registered dataset that
// dataset names (by name or alias) and checks that both have the shape
// and number of classes the dataset declares.
func Load(dataset string, opt Options) (train, test *Set, err error) {
	d, ok := Lookup(dataset)
	if !ok {
		return nil, nil, fmt.Errorf("data: unknown dataset %q: known datasets are %s", dataset, strings.Join(DatasetNames(), ", "))
	}
	if train, test, err = d.Load(opt); err != nil {
		return nil, nil, err
	}
	for _, s := range []*Set{train, test} {
		if [3]int{s.C, s.H, s.W} != d.Input || s.Classes != d.Classes {
			return nil, nil, fmt.Errorf("data: dataset %s loaded %s as %d×%d×%d images of %d classes, but it declares %d×%d×%d and %d classes", d.Name, s.Name, s.C, s.H, s.W, s.Classes, d.Input[0], d.Input[1], d.Input[2], d.Classes)
		}
	}
	return train, test, nil
}
