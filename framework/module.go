// Package framework is the core of slotlab: the registries of modules and
// of their kinds (Kind), and the interfaces that the built-in kinds'
// modules, selectors, initializers and sharing strategies, implement.
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
// Policy only some modules have (a selector's table label, its default
// rate and decay) is an optional interface of the module (Labeler,
// RatePolicy), not a field here.
type ModuleInfo struct {
	ID      ModuleID
	Summary string
	New     func() Module
	// Source says where the module comes from: SourceBuiltin for
	// compiled-in modules, or the absolute path of the plugin binary that
	// serves it (set by RegisterPlugin).
	Source string
}

// SourceBuiltin is the Source of compiled-in modules.
const SourceBuiltin = "built-in"

// Builtin reports whether the module is compiled in rather than served by
// a plugin binary.
func (info ModuleInfo) Builtin() bool { return info.Source == "" || info.Source == SourceBuiltin }

var (
	registryMu sync.RWMutex
	registry   = map[ModuleID]ModuleInfo{}
)

// Register adds a compiled-in module to the registry. It panics if the ID
// is malformed, its namespace is no registered kind's (RegisterKind), New
// is nil, or the ID is already taken, since each of these is a programming
// error found at start-up.
func Register(m Module) {
	info := m.SlotlabModule()
	if err := checkInfo(info); err != nil {
		panic("framework.Register: " + err.Error())
	}
	if info.Source == "" {
		info.Source = SourceBuiltin
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[info.ID]; dup {
		panic(fmt.Sprintf("framework.Register: module %q registered twice", info.ID))
	}
	registry[info.ID] = info
}

// checkInfo checks a module's ID, whose namespace must be a registered
// kind's, and its constructor.
func checkInfo(info ModuleInfo) error {
	if info.New == nil {
		return fmt.Errorf("module %q has no New function", info.ID)
	}
	_, known := LookupKind(info.ID.Namespace())
	if name := info.ID.Name(); !known || name == "" || strings.ContainsAny(name, " \t\n") {
		want := KindList(Kinds(), func(k Kind) string { return k.Namespace + ".NAME" }, "or")
		return fmt.Errorf("bad module ID %q (want %s)", info.ID, want)
	}
	return nil
}

// Lookup returns the module registered under id: the built-in one, else
// the one module of that ID that loaded plugins serve (none if two do; see
// Modules).
func Lookup(id ModuleID) (ModuleInfo, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	if info, ok := registry[id]; ok {
		return info, true
	}
	var found []ModuleInfo
	for _, infos := range pluginModules {
		for _, info := range infos {
			if info.ID == id {
				found = append(found, info)
			}
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return ModuleInfo{}, false
}

// Modules returns every registered module of ID id: the built-in one
// first, then those of loaded plugins, by source.
func Modules(id ModuleID) []ModuleInfo {
	var out []ModuleInfo
	for _, info := range List(id.Namespace()) {
		if info.ID == id {
			out = append(out, info)
		}
	}
	return out
}

// List returns the registered modules whose namespace is ns, or all modules
// when ns is empty, built-in and from loaded plugins, sorted by ID, then
// built-in first, then by source.
func List(ns string) []ModuleInfo {
	registryMu.RLock()
	defer registryMu.RUnlock()
	var out []ModuleInfo
	for id, info := range registry {
		if ns == "" || id.Namespace() == ns {
			out = append(out, info)
		}
	}
	for _, infos := range pluginModules {
		for _, info := range infos {
			if ns == "" || info.ID.Namespace() == ns {
				out = append(out, info)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		if a.Builtin() != b.Builtin() {
			return a.Builtin()
		}
		return a.Source < b.Source
	})
	return out
}

// ModuleNames returns the short names of the modules in namespace ns,
// sorted and without repeats, for error messages that list what exists.
func ModuleNames(ns string) []string {
	var names []string
	for _, info := range List(ns) {
		if n := info.ID.Name(); len(names) == 0 || names[len(names)-1] != n {
			names = append(names, n)
		}
	}
	return names
}
