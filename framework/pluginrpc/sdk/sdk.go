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
// slotlab's trainer selects. It runs the trainer's own selection kernel
// (AVX2 where the CPU has it), so it costs a fraction of a nanosecond per
// score.
func Argmax(idx []int32, scores []float32, k int) {
	if k == 1 {
		clear(idx)
		return
	}
	n := len(idx)
	scores = scores[:n*k]
	if k > argmaxBlock {
		argmaxGo(idx, scores, k)
		return
	}
	// The kernel selects from a·s0 + y·w with each product rounded: a = 1,
	// y = 0 and w = 0 make that s0 + 0, which is s0 (−0 becomes +0, which
	// ties with it anyway), so its choice is exactly the argmax of the
	// scores. zero serves as y (2 per connection) and as the K shared
	// weights.
	var zero [2 * argmaxBlock]float32
	var weff [argmaxBlock]float32
	for lo := 0; lo < n; lo += argmaxBlock {
		hi := min(n, lo+argmaxBlock)
		slotupdate.ArgmaxFactored(idx[lo:hi], weff[:], scores[lo*k:hi*k], zero[:k], zero[:], 1, k, 0)
	}
}

// argmaxBlock is the number of connections Argmax selects per call of the
// kernel, and the largest K it runs the kernel for.
const argmaxBlock = 1024

// argmaxGo is Argmax in plain Go, for K > argmaxBlock.
func argmaxGo(idx []int32, scores []float32, k int) {
	for i := range idx {
		s := scores[i*k : i*k+k]
		best, bv, j := 0, s[0], 1
		if bv != bv { // a leading NaN: start from the first number
			for j < k && s[j] != s[j] {
				j++
			}
			if j == k {
				idx[i] = 0
				continue
			}
			best, bv = j, s[j]
			j++
		}
		for ; j < k; j++ {
			if v := s[j]; v > bv {
				best, bv = j, v
			}
		}
		idx[i] = int32(best)
	}
}
