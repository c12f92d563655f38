// Package sharingtest builds the network the sharing strategies' tests
// inspect: Lenet-300-100 from the repository's experiments/lenet.yaml as a
// slot machine with K = 8 and the strategy named.
package sharingtest

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/nn"
	_ "github.com/slotlab/slotlab/plugins/standard" // the built-in modules
)

// K is the number of candidates per connection of the network Build makes.
const K = 8

// Build makes Lenet-300-100 with K candidates per connection, the sharing
// strategy named (e.g. "global"), batch 4 and seed 7.
func Build(t *testing.T, sharing string) *nn.Network {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	exp := filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "experiments", "lenet.yaml")
	e, err := config.Load(exp, []string{"sharing=" + sharing, "k=8", "train.batch_size=4"})
	if err != nil {
		t.Fatal(err)
	}
	o := e.NetworkOptions(framework.MethodSlot, 4, 4)
	o.Seed = 7
	net, err := nn.Build(e.Arch.Spec(), o)
	if err != nil {
		t.Fatal(err)
	}
	return net
}
