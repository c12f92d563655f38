// Package sdk turns a Go program into a slotlab plugin: an executable that
// serves selectors, initializers or sharing strategies to slotlab, which
// starts it, talks to it over go-plugin (net/rpc on a Unix socket) and
// shares the layers' scores and selections with it through shared memory.
//
// A plugin's main is one call, given each module holding its default
// options:
//
//	func main() { sdk.Serve(&EpsGreedy{Eps: 0.1}) }
//
// The module says the rest itself, in SlotlabModule: its ID
// ("selectors.epsgreedy": the kind and the name experiments use), its
// summary, and the policies it declares (table label, the learning rate
// and weight decay `auto` resolve to when it is the selector). New is not
// needed: each instance is a copy of the value given to Serve.
//
// The modules are the same Go types as compiled-in modules
// (framework.Selector, framework.Initializer, framework.Sharing). Their
// exported fields are their options: slotlab sends the YAML keys the
// experiment gives (selector: {id: epsgreedy, eps: 0.05}) and the plugin
// decodes them into a fresh copy (yaml tags; an unknown key is an error),
// then calls Validate if the module is a framework.Validator. A
// `doc:"..."` tag on a field documents the option in listings.
//
// A selector whose choice is, in some modes, the argmax of the scores
// should say so by implementing framework.ArgmaxSelector: the trainer may
// then select those modes itself, fused into its score update, without a
// call to the plugin. Argmax is the argmax for the other selectors to start from.
//
// Run by hand, a plugin binary prints what it serves.
package sdk

import (
	"reflect"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/slotupdate"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/server"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/wire"
)

// Components is a set of named components of one kind, for
// ServeComponents: Selectors, Initializers or Sharings.
type Components interface {
	factories() []server.Factory
}

// Selectors are selectors by name, each a constructor of a fresh instance
// holding its default options.
type Selectors map[string]func() framework.Selector

// Initializers are initializers by name.
type Initializers map[string]func() framework.Initializer

// Sharings are sharing strategies by name.
type Sharings map[string]func() framework.Sharing

func (s Selectors) factories() []server.Factory {
	var out []server.Factory
	for name, f := range s {
		out = append(out, server.Factory{Kind: wire.KindSelector, Name: name, New: func() framework.Module { return f() }})
	}
	return out
}

func (s Initializers) factories() []server.Factory {
	var out []server.Factory
	for name, f := range s {
		out = append(out, server.Factory{Kind: wire.KindInitializer, Name: name, New: func() framework.Module { return f() }})
	}
	return out
}

func (s Sharings) factories() []server.Factory {
	var out []server.Factory
	for name, f := range s {
		out = append(out, server.Factory{Kind: wire.KindSharing, Name: name, New: func() framework.Module { return f() }})
	}
	return out
}

// Serve serves the modules until slotlab ends the plugin, then exits the
// process. It does not return. Each module is the prototype of its
// instances: a pointer to a struct holding the default options, copied
// (shallowly: defaults held in maps or slices are shared, so a module must
// not change them in place) for each instance slotlab sets up; its
// SlotlabModule gives its ID, summary and declared policies. A module that
// is not a pointer to a struct takes no options and is served as it is.
//
// Serve ends the program with a message if a module's ID is malformed or
// taken twice, or the module is not of the kind its ID names.
func Serve(modules ...framework.Module) {
	var fs []server.Factory
	for _, m := range modules {
		id := m.SlotlabModule().ID
		fs = append(fs, server.Factory{Kind: id.Namespace(), Name: id.Name(), New: prototype(m)})
	}
	server.Serve(server.Config{Components: fs})
}

// prototype returns a constructor of copies of m.
func prototype(m framework.Module) func() framework.Module {
	v := reflect.ValueOf(m)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return func() framework.Module { return m }
	}
	proto := v.Elem()
	return func() framework.Module {
		c := reflect.New(proto.Type())
		c.Elem().Set(proto)
		return c.Interface().(framework.Module)
	}
}

// ServeComponents serves sets of named components (Selectors, Initializers,
// Sharings), each made by its own constructor, like Serve. It is the form
// of plugins written before Serve took modules; the map key, not the ID,
// names each component.
func ServeComponents(sets ...Components) {
	var fs []server.Factory
	for _, s := range sets {
		fs = append(fs, s.factories()...)
	}
	server.Serve(server.Config{Components: fs})
}

// ProtocolVersions returns the protocol versions a plugin built with this
// SDK speaks.
func ProtocolVersions() []int { return server.Versions() }

// Argmax writes, for each connection i, the index of the largest of
// scores[i*k:(i+1)*k] into idx[i] (the first one on ties, −0 and +0 equal;
// NaN never wins unless all of a connection's scores are NaN, then 0), as
// slotlab's trainer selects, with the trainer's own kernel
// (slotupdate.Argmax: AVX2 where the CPU has it).
func Argmax(idx []int32, scores []float32, k int) { slotupdate.Argmax(idx, scores, k) }
