// Package framework is the core of slotlab: the module registry and the
// interfaces that selectors, initializers and sharing strategies implement.
// Sub-packages hold configuration, data, the network engine, training and
// results. Nothing in framework imports a plugin or the command line.
package framework

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// ModuleID is a module's dotted name: a namespace and a name, e.g.
// "selectors.greedy".
type ModuleID string

// Namespace returns the part of the ID before the last dot ("selectors").
func (id ModuleID) Namespace() string {
	if i := strings.LastIndexByte(string(id), '.'); i >= 0 {
		return string(id[:i])
	}
	return ""
}

// Name returns the part of the ID after the last dot ("greedy").
func (id ModuleID) Name() string {
	if i := strings.LastIndexByte(string(id), '.'); i >= 0 {
		return string(id[i+1:])
	}
	return string(id)
}

// Module is anything that can be registered and named in a configuration.
// A module's exported fields, with yaml tags, are its options: a
// configuration decodes them strictly into the value New returns.
type Module interface {
	SlotlabModule() ModuleInfo
}

// ModuleInfo describes a module: its ID, a one-line summary for listings,
// and a constructor that returns a fresh instance holding default options.
type ModuleInfo struct {
	ID      ModuleID
	Summary string
	New     func() Module
	// Source says where the module comes from: "built-in" for compiled-in
	// modules, or the path of an external plugin binary.
	Source string

	// Label is the short name tables give the module ("GS" for greedy
	// selection); "" uses its name.
	Label string
	// LearningRate is the rate `learning_rate: auto` resolves to when this
	// module is the selector; 0 leaves the framework's rule (the paper's
	// for greedy selection: 0.2 for K ≤ 8, 0.1 above).
	LearningRate float64
	// WeightDecay is the decay `weight_decay: auto` resolves to when this
	// module is the selector, e.g. new(0.0) for none; nil leaves the
	// framework's 1e-4.
	WeightDecay *float64
}

// Validator is implemented by modules whose options need checking after
// decoding. Validate runs before any training starts.
type Validator interface {
	Validate() error
}

var (
	registryMu sync.RWMutex
	registry   = map[ModuleID]ModuleInfo{}
)

// The namespaces of module IDs: the kinds of module the framework knows
// how to use.
const (
	NamespaceSelectors    = "selectors"
	NamespaceInitializers = "initializers"
	NamespaceSharing      = "sharing"
)

var namespaces = map[string]bool{NamespaceSelectors: true, NamespaceInitializers: true, NamespaceSharing: true}

// Register adds a module to the registry. It panics if the ID is malformed,
// its namespace is unknown, New is nil, or the ID is already taken, since
// each of these is a programming error found at start-up.
func Register(m Module) {
	info := m.SlotlabModule()
	if info.New == nil {
		panic(fmt.Sprintf("framework.Register: module %q has no New function", info.ID))
	}
	ns, name := info.ID.Namespace(), info.ID.Name()
	if !namespaces[ns] || name == "" || strings.ContainsAny(name, " \t\n") {
		panic(fmt.Sprintf("framework.Register: bad module ID %q (want selectors.NAME, initializers.NAME or sharing.NAME)", info.ID))
	}
	if info.Source == "" {
		info.Source = "built-in"
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[info.ID]; dup {
		panic(fmt.Sprintf("framework.Register: module %q registered twice", info.ID))
	}
	registry[info.ID] = info
}

// Lookup returns the module registered under id.
func Lookup(id ModuleID) (ModuleInfo, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	info, ok := registry[id]
	return info, ok
}

// List returns the registered modules whose namespace is ns, or all modules
// when ns is empty, sorted by ID.
func List(ns string) []ModuleInfo {
	registryMu.RLock()
	defer registryMu.RUnlock()
	var out []ModuleInfo
	for id, info := range registry {
		if ns == "" || id.Namespace() == ns {
			out = append(out, info)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ModuleNames returns the short names of the modules in namespace ns, sorted,
// for error messages that list what exists.
func ModuleNames(ns string) []string {
	var names []string
	for _, info := range List(ns) {
		names = append(names, info.ID.Name())
	}
	return names
}
