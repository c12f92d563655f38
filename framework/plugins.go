package framework

import (
	"errors"
	"fmt"
	"sync"
)

// pluginModules are the modules of loaded plugin binaries, by source (the
// binary's absolute path); guarded by registryMu.
var pluginModules = map[string][]ModuleInfo{}

// RegisterPlugin registers the modules the plugin binary at source (its
// absolute path) serves, replacing what source registered before (a
// plugin loaded again, perhaps rebuilt, registers afresh). Each module's
// Source becomes source.
//
// A plugin module may have the ID of a built-in module or of another
// plugin's: the registry keeps them all (Modules, List), and a
// configuration says which it means (see framework/config). It is an
// error for one binary to serve an ID twice, or a malformed ID.
func RegisterPlugin(source string, infos []ModuleInfo) error {
	if source == "" || source == SourceBuiltin {
		return fmt.Errorf("framework.RegisterPlugin: source %q is not a plugin binary's path", source)
	}
	seen := map[ModuleID]bool{}
	out := make([]ModuleInfo, 0, len(infos))
	for _, info := range infos {
		if err := checkInfo(info); err != nil {
			return fmt.Errorf("plugin %s: %v", source, err)
		}
		if seen[info.ID] {
			return fmt.Errorf("plugin %s: serves module %q twice", source, info.ID)
		}
		seen[info.ID] = true
		info.Source = source
		out = append(out, info)
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	pluginModules[source] = out
	return nil
}

// PluginLoader loads external plugin binaries into the registry: loading a
// binary registers the modules it serves (RegisterPlugin), after which they
// are found like built-in ones. framework/pluginrpc registers one when it
// is linked in (RegisterPluginLoader), as plugins/standard links the
// built-in modules.
type PluginLoader interface {
	// LoadPlugin loads the plugin binary named path (the loader may look
	// it up on its search path), registers its modules, and returns their
	// Source: the binary's absolute path.
	LoadPlugin(path string) (string, error)
	// LoadPluginPath loads every plugin of the loader's search path
	// (SLOTLAB_PLUGIN_PATH for framework/pluginrpc) and returns the Source
	// of each, and an error for each file that should have been a plugin
	// and is not, or that failed.
	LoadPluginPath() ([]string, []error)
}

var (
	loaderMu sync.RWMutex
	loader   PluginLoader
)

// RegisterPluginLoader makes l the loader of plugin binaries. It panics if
// one is already registered: a program links one plugin host.
func RegisterPluginLoader(l PluginLoader) {
	loaderMu.Lock()
	defer loaderMu.Unlock()
	if loader != nil {
		panic("framework.RegisterPluginLoader: a plugin loader is already registered")
	}
	loader = l
}

// ErrNoPluginLoader is the error of LoadPlugin in a program that links no
// plugin host.
var ErrNoPluginLoader = errors.New("external plugins are not available in this build (it does not link framework/pluginrpc)")

// LoadPlugin loads the plugin binary named path with the registered
// loader and returns the Source of its modules.
func LoadPlugin(path string) (string, error) {
	loaderMu.RLock()
	l := loader
	loaderMu.RUnlock()
	if l == nil {
		return "", ErrNoPluginLoader
	}
	return l.LoadPlugin(path)
}

// LoadPluginPath loads the plugins of the registered loader's search path;
// without a loader it loads nothing.
func LoadPluginPath() ([]string, []error) {
	loaderMu.RLock()
	l := loader
	loaderMu.RUnlock()
	if l == nil {
		return nil, nil
	}
	return l.LoadPluginPath()
}
