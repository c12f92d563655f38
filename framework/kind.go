package framework

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Kind is a kind of module: the namespace of its modules' IDs, the Go
// interface they implement, and how messages, listings and experiments
// name it. The kinds are data: each registers itself (RegisterKind) beside
// its interface (selector.go, initializer.go, sharing.go), and the module
// registry, the configuration, listings and the plugin protocol read them
// from here.
type Kind struct {
	// Namespace is the first part of its modules' IDs ("selectors"): a
	// non-empty lower-case word without dots or spaces.
	Namespace string
	// Singular names one module of the kind in messages ("selector").
	Singular string
	// Plural names modules of the kind in lists ("selectors"); empty means
	// Singular + "s".
	Plural string
	// Interface is the Go interface every module of the kind implements
	// (reflect.TypeFor[Selector]()); it must include Module.
	Interface reflect.Type
	// Summary says what modules of the kind do, for listings.
	Summary string
	// Keys are the experiment keys that name a module of the kind
	// ("selector"; "initializers.weights" and "initializers.scores"): the
	// dotted paths of framework/config's ModuleRef fields. A kind no
	// experiment key names has none.
	Keys []string
}

// PluralName is Plural, or Singular + "s" where Plural is empty.
func (k Kind) PluralName() string {
	if k.Plural != "" {
		return k.Plural
	}
	return k.Singular + "s"
}

// Implements reports whether m is a module of the kind: not nil, and of a
// type that implements its Interface.
func (k Kind) Implements(m Module) bool {
	return m != nil && reflect.TypeOf(m).Implements(k.Interface)
}

var (
	kindsMu sync.RWMutex
	kinds   = map[string]Kind{}
)

// RegisterKind adds a kind of module. It panics if the namespace is
// malformed or taken, Singular is empty, Interface is not an interface
// that includes Module, or a key is another kind's, since each of these is
// a programming error found at start-up.
func RegisterKind(k Kind) {
	if err := k.check(); err != nil {
		panic("framework.RegisterKind: " + err.Error())
	}
	k.Keys = slices.Clone(k.Keys)
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if _, dup := kinds[k.Namespace]; dup {
		panic(fmt.Sprintf("framework.RegisterKind: kind %q registered twice", k.Namespace))
	}
	for _, other := range kinds {
		for _, key := range k.Keys {
			if slices.Contains(other.Keys, key) {
				panic(fmt.Sprintf("framework.RegisterKind: kind %q: key %q is kind %q's", k.Namespace, key, other.Namespace))
			}
		}
	}
	kinds[k.Namespace] = k
}

// check reports what makes k unfit to register.
func (k Kind) check() error {
	ns := k.Namespace
	switch {
	case ns == "" || ns != strings.ToLower(ns) || strings.ContainsAny(ns, ". \t\n"):
		return fmt.Errorf("kind %q: the namespace must be a non-empty lower-case word without dots or spaces", ns)
	case k.Singular == "":
		return fmt.Errorf("kind %q has no Singular name", ns)
	case k.Interface == nil || k.Interface.Kind() != reflect.Interface:
		return fmt.Errorf("kind %q: Interface %v is not an interface type", ns, k.Interface)
	case !k.Interface.Implements(reflect.TypeFor[Module]()):
		return fmt.Errorf("kind %q: Interface %v does not include framework.Module", ns, k.Interface)
	}
	return nil
}

// LookupKind returns the kind of namespace ns ("selectors").
func LookupKind(ns string) (Kind, bool) {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	k, ok := kinds[ns]
	return k, ok
}

// KindOfKey returns the kind whose modules the experiment key names
// ("initializers.weights" is an initializer's).
func KindOfKey(key string) (Kind, bool) {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	for _, k := range kinds {
		if slices.Contains(k.Keys, key) {
			return k, true
		}
	}
	return Kind{}, false
}

// Kinds returns the registered kinds, sorted by namespace.
func Kinds() []Kind {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	out := make([]Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b Kind) int { return strings.Compare(a.Namespace, b.Namespace) })
	return out
}

// Singular names one module of namespace ns's kind in messages
// ("selector"), or returns ns where no kind has it.
func Singular(ns string) string {
	if k, ok := LookupKind(ns); ok {
		return k.Singular
	}
	return ns
}

// KindList lists kinds for messages: name(k) for each of them, separated by
// commas and, before the last, conj ("and", "or"):
// "initializers.NAME, selectors.NAME or sharing.NAME".
func KindList(ks []Kind, name func(Kind) string, conj string) string {
	var b strings.Builder
	for i, k := range ks {
		switch {
		case i == 0:
		case i == len(ks)-1:
			b.WriteString(" " + conj + " ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(name(k))
	}
	return b.String()
}
