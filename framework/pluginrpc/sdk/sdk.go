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
// The module says the rest itself: in SlotlabModule its ID
// ("selectors.epsgreedy": the kind and the name experiments use) and its
// summary; a selector may declare policies by optional interfaces, its
// table label (framework.Labeler) and the learning rate and weight decay
// `auto` resolve to in an experiment (framework.RatePolicy), which the
// host asks over the wire. New is not needed: each instance is a copy of
// the value given to Serve.
//
// The modules are the same Go types as compiled-in modules
// (framework.Selector, framework.Initializer, framework.Sharing). Their
// exported fields are their options: slotlab sends the YAML keys the
// experiment gives (selector: {id: epsgreedy, eps: 0.05}) and the plugin
// decodes them into a fresh copy (yaml tags; an unknown key is an error),
// then calls Validate if the module is a framework.Validator. A
// `doc:"..."` tag on a field documents the option in listings.
//
// A selector sees the scores as a compiled-in one does (framework.Selector):
// ranges of a layer, selected in parallel in the plugin, or, if it
// implements framework.WholeLayerSelector, every connection of a layer in
// one call. A selector whose choice is, in some modes, the argmax of the
// scores should say so by implementing framework.ArgmaxSelector: the
// trainer may then select those modes itself, fused into its score update,
// without a call to the plugin. framework/selectkit has the argmax, softmax
// sampling and a layer's top connections to build on.
//
// Run by hand, a plugin binary prints what it serves.
package sdk

import (
	"reflect"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/server"
)

// Serve serves the modules until slotlab ends the plugin, then exits the
// process. It does not return. Each module is the prototype of its
// instances: a pointer to a struct holding the default options, copied
// (shallowly: defaults held in maps or slices are shared, so a module must
// not change them in place) for each instance slotlab sets up; its
// SlotlabModule gives its ID and summary. A module that
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

// ProtocolVersions returns the protocol versions a plugin built with this
// SDK speaks.
func ProtocolVersions() []int { return server.Versions() }
