package data

import "fmt"

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

// Load loads the training and test sets of dataset, "mnist" or "cifar10"
// ("cifar-10" is accepted too), as LoadMNIST and LoadCIFAR10 describe.
func Load(dataset string, opt Options) (train, test *Set, err error) {
	switch canonicalDataset(dataset) {
	case "mnist":
		return LoadMNIST(opt)
	case "cifar10":
		return LoadCIFAR10(opt)
	}
	return nil, nil, fmt.Errorf("data: unknown dataset %q: known datasets are mnist and cifar10", dataset)
}
