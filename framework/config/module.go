package config

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/internal/strictyaml"
	"gopkg.in/yaml.v3"
)

// ModuleRef names a module in YAML, either by ID alone ("greedy", or
// "selectors.greedy") or as a mapping with the ID and the module's own
// options: {id: probabilistic, eval: sample}. A module served by a plugin
// binary is named the same way once the plugin is loaded (from
// SLOTLAB_PLUGIN_PATH or the experiment's plugins: list); a plugin key
// names the binary explicitly: {plugin: bin/slotlab-epsgreedy, name:
// epsgreedy, eps: 0.05} (the older form; id may stand for name).
type ModuleRef struct {
	ID string
	// Plugin is the plugin binary that serves the module: as written in
	// the reference before Load, its absolute path after (empty for a
	// built-in module).
	Plugin string
	// Options holds the option keys as written (nil: none).
	Options *yaml.Node
	// Module is the built module, after Load.
	Module framework.Module
	node   *yaml.Node
}

// UnmarshalYAML reads the scalar or mapping form.
func (r *ModuleRef) UnmarshalYAML(n *yaml.Node) error {
	*r = ModuleRef{node: n}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Value == "" {
			return fmt.Errorf("module name is empty")
		}
		r.ID = n.Value
		return nil
	case yaml.MappingNode:
		opts := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch k.Value {
			case "id":
				r.ID = v.Value
			case "plugin":
				r.Plugin = v.Value
			case "name":
				// With plugin (and no id), name is the module's name, as
				// the older form writes it; otherwise an option.
				if hasKey(n, "plugin") && !hasKey(n, "id") {
					r.ID = v.Value
					continue
				}
				opts.Content = append(opts.Content, k, v)
			default:
				opts.Content = append(opts.Content, k, v)
			}
		}
		if r.ID == "" {
			if r.Plugin != "" {
				return fmt.Errorf("plugin %q needs the name of the module to take from it, e.g. {plugin: %s, name: topk}; or list the plugin under plugins: and write the module's name alone", r.Plugin, r.Plugin)
			}
			return fmt.Errorf("module mapping needs an id, e.g. {id: greedy}")
		}
		if len(opts.Content) > 0 {
			r.Options = opts
		}
		return nil
	}
	return fmt.Errorf("a module is a name like greedy or a mapping like {id: greedy}, not %s", strictyaml.KindName(n))
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// MarshalYAML writes the resolved form: the full ID, the plugin binary
// that serves the module if one does (its absolute path), and every
// option, defaults included, so that config.yaml is complete:
//
//	selector: {id: selectors.epsgreedy, plugin: /abs/bin/slotlab-epsgreedy, eps: 0.05}
func (r ModuleRef) MarshalYAML() (any, error) {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	add := func(k string, v *yaml.Node) {
		out.Content = append(out.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, v)
	}
	add("id", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: r.ID})
	if r.Plugin != "" {
		add("plugin", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: r.Plugin})
	}
	var opts *yaml.Node
	if r.Module != nil && hasOptions(r.Module) {
		opts = &yaml.Node{}
		if err := opts.Encode(r.Module); err != nil {
			return nil, err
		}
	} else if r.Options != nil {
		opts = r.Options
	}
	if opts != nil && opts.Kind == yaml.MappingNode {
		out.Content = append(out.Content, opts.Content...)
	}
	return out, nil
}

func hasOptions(m framework.Module) bool {
	v := reflect.ValueOf(m)
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	return v.Kind() == reflect.Struct && len(framework.OptionFields(v.Type())) > 0
}

// build resolves the reference at path, which names a module of kind,
// against the registry: the ID gets the kind's namespace, the module is
// found (see scope.find) and created, its options decoded strictly into
// it, and provisioned (framework.Provision), and it must implement the
// kind's interface. Errors point at the reference in the file.
func (r *ModuleRef) build(src *Source, path string, kind framework.Kind, sc *scope) ErrorList {
	fail := func(format string, args ...any) ErrorList {
		e := src.Errorf(path, format, args...)
		return ErrorList{e}
	}
	ns := kind.Namespace
	id := r.ID
	if !strings.Contains(id, ".") {
		id = ns + "." + id
	}
	mid := framework.ModuleID(id)
	if mid.Namespace() != ns {
		return fail("%q is not a module of %s; use one of: %s", r.ID, ns, strings.Join(sc.names(ns), ", "))
	}
	var info framework.ModuleInfo
	if r.Plugin != "" {
		source, err := framework.LoadPlugin(r.Plugin)
		if err != nil {
			return fail("%v", err)
		}
		var ok bool
		if info, ok = served(mid, source); !ok {
			return fail("plugin %s serves no %s named %q; it serves %s", r.Plugin, kind.Singular, mid.Name(), servedList(source))
		}
	} else {
		var err error
		if info, err = sc.find(mid, r.ID); err != nil {
			return fail("%v", err)
		}
	}
	r.ID = id
	r.Plugin = ""
	if !info.Builtin() {
		r.Plugin = info.Source
	}
	r.Module = info.New()
	if r.Options != nil {
		target := reflect.ValueOf(r.Module)
		if target.Kind() != reflect.Pointer || target.Elem().Kind() != reflect.Struct {
			return ErrorList{src.at(r.Options, "module %q takes no options", r.ID)}
		}
		if errs := decodeStrict(src, path, r.Options, r.Module); len(errs) > 0 {
			return errs
		}
	}
	if err := framework.Provision(r.Module); err != nil {
		if r.Plugin != "" {
			return fail("%v", err) // plugin errors name the plugin and component
		}
		return fail("%s: %v", r.ID, err)
	}
	if !kind.Implements(r.Module) {
		return fail("module %q does not implement %s", r.ID, kind.Interface)
	}
	return nil
}

// moduleKey is one of an experiment's module references: the ModuleRef,
// its dotted key and the kind of module the key names.
type moduleKey struct {
	ref  *ModuleRef
	key  string
	kind framework.Kind
}

// moduleRefs returns the experiment's fields of type ModuleRef, in the
// order of the struct, each with its key (the dotted path of yaml tags)
// and the kind of module that key names (framework.Kind's Keys). It panics
// if a field's key is no kind's: a programming error that every
// experiment would meet.
func (e *Experiment) moduleRefs() []moduleKey {
	var out []moduleKey
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			key := join(prefix, name)
			switch {
			case f.Type == reflect.TypeFor[ModuleRef]():
				kind, ok := framework.KindOfKey(key)
				if !ok {
					panic(fmt.Sprintf("config: experiment key %s holds a module, but no kind of module (framework.Kind) has the key", key))
				}
				out = append(out, moduleKey{v.Field(i).Addr().Interface().(*ModuleRef), key, kind})
			case f.Type.Kind() == reflect.Struct:
				walk(key, v.Field(i))
			}
		}
	}
	walk("", reflect.ValueOf(e).Elem())
	return out
}
