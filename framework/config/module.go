package config

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/slotlab/slotlab/framework"
	"gopkg.in/yaml.v3"
)

// ModuleRef names a module in YAML, either by ID alone ("greedy", or
// "selectors.greedy") or as a mapping with the ID and the module's own
// options: {id: probabilistic, eval: sample}. External plugins are named by
// path: {plugin: ./bin/my-plugin, name: topk, ...options}.
type ModuleRef struct {
	ID     string
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
				if r.Plugin != "" || hasKey(n, "plugin") {
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
				return fmt.Errorf("plugin %q needs a name: the component of the plugin to use, e.g. {plugin: %s, name: topk}", r.Plugin, r.Plugin)
			}
			return fmt.Errorf("module mapping needs an id, e.g. {id: greedy}")
		}
		if len(opts.Content) > 0 {
			r.Options = opts
		}
		return nil
	}
	return fmt.Errorf("a module is a name like greedy or a mapping like {id: greedy}, not %s", kindName(n))
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// MarshalYAML writes the resolved form: the full ID and every option,
// defaults included, so that config.yaml is complete.
func (r ModuleRef) MarshalYAML() (any, error) {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	add := func(k string, v *yaml.Node) {
		out.Content = append(out.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, v)
	}
	if r.Plugin != "" {
		add("plugin", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: r.Plugin})
		add("name", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: r.ID})
	} else {
		add("id", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: r.ID})
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
	return v.Kind() == reflect.Struct && len(structFields(v.Type())) > 0
}

// ExternalLoader builds a module served by an external plugin binary. It is
// set by the plugin host package (framework/pluginrpc) when linked in.
var ExternalLoader func(plugin, name, namespace string) (framework.Module, error)

// build resolves the reference against the registry: the ID gets its
// namespace, the module is created, its options decoded strictly into it,
// and validated. Errors point at the reference in the file.
func (r *ModuleRef) build(src *Source, path, ns string) ErrorList {
	fail := func(format string, args ...any) ErrorList {
		e := src.Errorf(path, format, args...)
		return ErrorList{e}
	}
	id := r.ID
	if r.Plugin != "" {
		if ExternalLoader == nil {
			return fail("external plugins are not available in this build")
		}
		m, err := ExternalLoader(r.Plugin, id, ns)
		if err != nil {
			return fail("%v", err)
		}
		r.Module = m
	} else {
		if !strings.Contains(id, ".") {
			id = ns + "." + id
		}
		mid := framework.ModuleID(id)
		if mid.Namespace() != ns {
			return fail("%q is not a module of %s; use one of: %s", r.ID, ns, strings.Join(framework.ModuleNames(ns), ", "))
		}
		info, ok := framework.Lookup(mid)
		if !ok {
			names := framework.ModuleNames(ns)
			hint := ""
			if s := suggest(mid.Name(), names); s != "" {
				hint = fmt.Sprintf("did you mean %q? ", s)
			}
			return fail("unknown module %q; %sknown %s: %s (slotlab list-modules shows them all)", r.ID, hint, ns, strings.Join(names, ", "))
		}
		r.ID = id
		r.Module = info.New()
	}
	if r.Options != nil {
		target := reflect.ValueOf(r.Module)
		if target.Kind() != reflect.Pointer || target.Elem().Kind() != reflect.Struct {
			return ErrorList{src.at(r.Options, "module %q takes no options", r.ID)}
		}
		if errs := decodeStrict(src, path, r.Options, r.Module); len(errs) > 0 {
			return errs
		}
	}
	if v, ok := r.Module.(framework.Validator); ok {
		if err := v.Validate(); err != nil {
			if r.Plugin != "" {
				return fail("%v", err) // plugin errors name the plugin and component
			}
			return fail("%s: %v", r.ID, err)
		}
	}
	var want reflect.Type
	switch ns {
	case "selectors":
		want = reflect.TypeFor[framework.Selector]()
	case "initializers":
		want = reflect.TypeFor[framework.Initializer]()
	case "sharing":
		want = reflect.TypeFor[framework.Sharing]()
	}
	if want != nil && !reflect.TypeOf(r.Module).Implements(want) {
		return fail("module %q does not implement %s", r.ID, want)
	}
	return nil
}
