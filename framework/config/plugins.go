package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/slotlab/slotlab/framework"
)

// PluginPathEnv is the environment variable whose directories hold plugin
// binaries (named slotlab-*) that every experiment may use.
const PluginPathEnv = "SLOTLAB_PLUGIN_PATH"

// scope is what a module's name can mean in one experiment: a built-in
// module, else one served by a plugin the experiment lists (plugins:),
// else one served by a plugin of SLOTLAB_PLUGIN_PATH, which are loaded
// only when a name is not found before. Where a name could mean two
// modules the reference is refused, with the ways to say which.
type scope struct {
	listed []string // the Sources of the experiment's plugins

	pathLoaded bool
	path       []string // the Sources of SLOTLAB_PLUGIN_PATH's plugins
	pathErrs   []error
}

// loadPlugins loads the plugins of the experiment's plugins: list, each a
// path relative to the experiment file, made absolute so that config.yaml
// still finds them; it returns the scope of the experiment's modules.
func (e *Experiment) loadPlugins() (*scope, ErrorList) {
	sc := &scope{}
	var errs ErrorList
	for i, p := range e.Plugins {
		at := fmt.Sprintf("plugins[%d]", i)
		if p == "" {
			errs = append(errs, e.Src.Errorf(at, "plugin path is empty; give the path of a plugin binary, relative to the experiment file"))
			continue
		}
		if !filepath.IsAbs(p) {
			abs, err := filepath.Abs(filepath.Join(filepath.Dir(e.Path), p))
			if err != nil {
				errs = append(errs, e.Src.Errorf(at, "plugin %s: %v", p, err))
				continue
			}
			p = abs
		}
		if _, err := os.Stat(p); os.IsNotExist(err) {
			errs = append(errs, e.Src.Errorf(at, "plugin %s: no such file (plugins: paths are relative to the experiment file, %s); build it (go build -o %s ./path/to/plugin) or correct the path",
				e.Plugins[i], e.Path, p))
			continue
		}
		source, err := framework.LoadPlugin(p)
		if err != nil {
			errs = append(errs, e.Src.Errorf(at, "%v (listed under plugins:; correct the path or remove the entry)", err))
			continue
		}
		e.Plugins[i] = p
		if !slices.Contains(sc.listed, source) {
			sc.listed = append(sc.listed, source)
		}
	}
	return sc, errs
}

// loadPath loads the plugins of SLOTLAB_PLUGIN_PATH, once.
func (sc *scope) loadPath() {
	if !sc.pathLoaded {
		sc.path, sc.pathErrs = framework.LoadPluginPath()
		sc.pathLoaded = true
	}
}

// find returns the module id means in the scope; written is the name as
// the experiment wrote it, for messages.
func (sc *scope) find(id framework.ModuleID, written string) (framework.ModuleInfo, error) {
	var builtin *framework.ModuleInfo
	listed := sc.from(id, sc.listed)
	for _, info := range framework.Modules(id) {
		if info.Builtin() {
			builtin = &info
		}
	}
	name := id.Name()
	switch {
	case builtin != nil && len(listed) > 0:
		return framework.ModuleInfo{}, fmt.Errorf("%s is built in and also served by plugin %s, listed under plugins:; to use the plugin's, name it with its binary, {plugin: %s, name: %s}; to use the built-in, take the plugin out of plugins: or rename its module",
			id, listed[0].Source, listed[0].Source, name)
	case builtin != nil:
		return *builtin, nil
	case len(listed) == 1:
		return listed[0], nil
	case len(listed) > 1:
		return framework.ModuleInfo{}, ambiguous(id, listed, "listed under plugins:", "list only one of them")
	}
	sc.loadPath()
	onPath := sc.from(id, sc.path)
	switch len(onPath) {
	case 1:
		return onPath[0], nil
	case 0:
	default:
		return framework.ModuleInfo{}, ambiguous(id, onPath, "found on "+PluginPathEnv, "remove all but one from its directories")
	}
	ns := id.Namespace()
	names := sc.names(ns)
	hint := ""
	if s := suggest(name, names); s != "" {
		hint = fmt.Sprintf("did you mean %q? ", s)
	}
	msg := fmt.Sprintf("unknown module %q; %sknown %s: %s (slotlab list-modules shows them all)", written, hint, ns, strings.Join(names, ", "))
	for _, err := range sc.pathErrs {
		msg += "; " + PluginPathEnv + ": " + err.Error()
	}
	return framework.ModuleInfo{}, fmt.Errorf("%s", msg)
}

// ambiguous is the error of a name that several plugins serve; where says
// where they come from, fix how to keep one.
func ambiguous(id framework.ModuleID, infos []framework.ModuleInfo, where, fix string) error {
	var files []string
	for _, info := range infos {
		files = append(files, info.Source)
	}
	return fmt.Errorf("%s is served by %d plugins %s: %s; %s, or name the one to use with its binary, {plugin: %s, name: %s}",
		id, len(infos), where, strings.Join(files, " and "), fix, files[0], id.Name())
}

// from returns the modules of ID id that the plugins sources serve.
func (sc *scope) from(id framework.ModuleID, sources []string) []framework.ModuleInfo {
	var out []framework.ModuleInfo
	for _, info := range framework.Modules(id) {
		if !info.Builtin() && slices.Contains(sources, info.Source) {
			out = append(out, info)
		}
	}
	return out
}

// names returns the names of the modules of namespace ns in the scope:
// built-in, from the listed plugins and, if loaded, from the plugin path.
func (sc *scope) names(ns string) []string {
	var names []string
	for _, info := range framework.List(ns) {
		if info.Builtin() || slices.Contains(sc.listed, info.Source) || slices.Contains(sc.path, info.Source) {
			if n := info.ID.Name(); !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return names
}

// served returns the module of ID id that the plugin source serves.
func served(id framework.ModuleID, source string) (framework.ModuleInfo, bool) {
	for _, info := range framework.Modules(id) {
		if info.Source == source {
			return info, true
		}
	}
	return framework.ModuleInfo{}, false
}

// servedList describes what the plugin source serves: "selector
// epsgreedy, initializer laplace".
func servedList(source string) string {
	var s []string
	for _, info := range framework.List("") {
		if info.Source == source {
			s = append(s, framework.Singular(info.ID.Namespace())+" "+info.ID.Name())
		}
	}
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, ", ")
}
