package data

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Dataset is a labelled image set an experiment can name (dataset: NAME):
// what it gives a network, the defaults an experiment takes for it, and
// how to load it. Each dataset registers itself from the file that loads
// it, in an init function (mnist.go, cifarload.go); config, `slotlab
// list-modules` and `slotlab run --help` then know it.
type Dataset struct {
	// Name is what an experiment's dataset: key names, e.g. "cifar10".
	Name string
	// Aliases are other spellings accepted for Name, e.g. "cifar-10".
	// Names and aliases are matched ignoring case and surrounding space.
	Aliases []string
	// Summary says in a few words what the set is, for the lists.
	Summary string
	// Input is the shape of an image, channels × height × width; an
	// architecture trained on the set must take this input.
	Input [3]int
	// Classes is the number of labels (0..Classes-1, at most 256); an
	// architecture trained on the set must end in this many outputs.
	Classes int
	// Norm is the normalisation of the set's pixels into network inputs.
	Norm Normalization
	// ValFraction is the default share of the training set held out for
	// validation (data.val_fraction), in (0, 1).
	ValFraction float64
	// Flip is the default of the random horizontal flip
	// (data.augment.flip).
	Flip bool
	// Load returns the training and test sets, each with the shape Input
	// and Classes classes.
	Load func(Options) (train, test *Set, err error)
}

var (
	datasetsMu sync.RWMutex
	datasets   = map[string]Dataset{} // by Name
	spellings  = map[string]string{}  // every accepted spelling, folded, to its Name
)

// Register adds a dataset. It panics if the dataset lacks a name, a loader
// or a valid shape, class count, validation fraction or normalisation, or
// if its name or an alias is taken: programming errors found at start-up.
func Register(d Dataset) {
	if err := d.check(); err != nil {
		panic("data.Register: " + err.Error())
	}
	datasetsMu.Lock()
	defer datasetsMu.Unlock()
	names := append([]string{d.Name}, d.Aliases...)
	for _, n := range names {
		if other, dup := spellings[fold(n)]; dup {
			panic(fmt.Sprintf("data.Register: dataset %q: the name %q is taken by dataset %q", d.Name, n, other))
		}
	}
	for _, n := range names {
		spellings[fold(n)] = d.Name
	}
	d.Aliases = slices.Clone(d.Aliases)
	d.Norm = Normalization{Mean: slices.Clone(d.Norm.Mean), Std: slices.Clone(d.Norm.Std)}
	datasets[d.Name] = d
}

// check reports what makes d unfit to register.
func (d Dataset) check() error {
	c := d.Input[0]
	switch {
	case d.Name == "" || fold(d.Name) != d.Name:
		return fmt.Errorf("dataset %q: the name must be non-empty, lower case and without surrounding space", d.Name)
	case d.Load == nil:
		return fmt.Errorf("dataset %q has no Load function", d.Name)
	case c < 1 || d.Input[1] < 1 || d.Input[2] < 1:
		return fmt.Errorf("dataset %q: input shape %v must be positive", d.Name, d.Input)
	case d.Classes < 1 || d.Classes > 256:
		return fmt.Errorf("dataset %q: %d classes; labels are bytes, so 1 to 256", d.Name, d.Classes)
	case !(d.ValFraction > 0 && d.ValFraction < 1):
		return fmt.Errorf("dataset %q: ValFraction %v must be in (0, 1)", d.Name, d.ValFraction)
	case len(d.Norm.Mean) != len(d.Norm.Std) || (len(d.Norm.Mean) != 0 && len(d.Norm.Mean) != c):
		return fmt.Errorf("dataset %q: Norm needs a mean and a standard deviation for each of its %d channels, or neither", d.Name, c)
	case slices.Contains(d.Norm.Std, 0):
		return fmt.Errorf("dataset %q: Norm has a zero standard deviation", d.Name)
	}
	return nil
}

// fold is the form in which dataset names and aliases are compared.
func fold(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// Lookup returns the dataset that name or one of its aliases names. Its
// slices are the registry's, to read and not to modify.
func Lookup(name string) (Dataset, bool) {
	datasetsMu.RLock()
	defer datasetsMu.RUnlock()
	d, ok := datasets[spellings[fold(name)]]
	return d, ok
}

// Datasets returns the registered datasets, sorted by name.
func Datasets() []Dataset {
	datasetsMu.RLock()
	defer datasetsMu.RUnlock()
	out := make([]Dataset, 0, len(datasets))
	for _, d := range datasets {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// DatasetNames returns the names of the registered datasets, sorted.
func DatasetNames() []string {
	var names []string
	for _, d := range Datasets() {
		names = append(names, d.Name)
	}
	return names
}
