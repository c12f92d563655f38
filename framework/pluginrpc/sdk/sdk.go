// Package sdk turns a Go program into a slotlab plugin: an executable that
// serves selectors, initializers or sharing strategies to slotlab, which
// starts it, talks to it over go-plugin (net/rpc on a Unix socket) and
// shares the layers' scores and selections with it through shared memory.
//
// A plugin's main is one call:
//
//	func main() {
//		sdk.Serve(sdk.Selectors{
//			"epsgreedy": func() framework.Selector { return &EpsGreedy{Eps: 0.1} },
//		})
//	}
//
// The components are the same Go types as compiled-in modules
// (framework.Selector, framework.Initializer, framework.Sharing). Their
// exported fields are their options: slotlab sends the YAML keys of
// {plugin: PATH, name: NAME, ...options} and the plugin decodes them into
// the struct the constructor returns (yaml tags; an unknown key is an
// error), then calls Validate if the component is a framework.Validator.
// A `doc:"..."` tag on a field documents the option in listings.
//
// A selector whose choice is, in some modes, the argmax of the scores
// should say so by implementing framework.ArgmaxSelector: the trainer may
// then select those modes itself, fused into its score update, without a
// call to the plugin. Argmax is the argmax for the other selectors to start from.
//
// Run by hand, a plugin binary prints what it serves.
package sdk

import (
	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/slotupdate"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/server"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/wire"
)

// Components is a set of named components of one kind: Selectors,
// Initializers or Sharings.
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

// Serve serves the components until slotlab ends the plugin, then exits
// the process. It does not return.
func Serve(sets ...Components) {
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
