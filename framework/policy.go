package framework

// Policy that only some modules have is an optional interface of the
// module, not a field of every ModuleInfo: the framework asks a selector
// for its label and default rates by type assertion and never by its name.

// Labeler is implemented by a selector that gives tables a short name for
// itself ("GS" for greedy selection): tables name its runs "slot GS".
type Labeler interface {
	// Label returns the short name; "" uses the module's name.
	Label() string
}

// LabelOf returns the label m declares (Labeler), or "" if it declares
// none.
func LabelOf(m Module) string {
	if l, ok := m.(Labeler); ok {
		return l.Label()
	}
	return ""
}

// RateContext is what a selector's default learning rate and weight decay
// may depend on: the experiment's dataset, its architecture's name, K and
// method. Listings (slotlab list-modules) ask for a dataset alone, with
// Architecture "" and K 0.
type RateContext struct {
	Dataset      string
	Architecture string
	K            int
	Method       Method
}

// RatePolicy is implemented by a selector that declares what
// `learning_rate: auto` and `weight_decay: auto` resolve to when it is the
// experiment's selector. ok false leaves the framework's rule: for the
// rate, the paper's for greedy selection (0.2 for K ≤ 8, 0.1 above); for
// the decay, 1e-4. A value written in the experiment always wins, and
// learned weights never ask.
type RatePolicy interface {
	DefaultRate(c RateContext) (rate float64, ok bool)
	DefaultDecay(c RateContext) (decay float64, ok bool)
}
