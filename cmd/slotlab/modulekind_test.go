package main

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/pluginrpc/sdk"
)

// Scheduler is a kind of module this file adds: a rule for the learning
// rate's factor at an epoch. No experiment key names one (it has no Keys),
// which is all a kind needs to be registered, listed and looked up.
type Scheduler interface {
	framework.Module
	Factor(epoch int) float64
}

// Halving is a Scheduler: the factor halves every Every epochs.
type Halving struct {
	Every int `yaml:"every" doc:"epochs between halvings"`
}

func (*Halving) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "schedulers.halving", Summary: "halve the learning rate every few epochs",
		New: func() framework.Module { return &Halving{Every: 10} }}
}

func (h *Halving) Factor(epoch int) float64 { return 1 / float64(int(1)<<(epoch/h.Every)) }

// schedulerPluginEnv makes this test binary serve Halving as a plugin.
const schedulerPluginEnv = "SLOTLAB_TEST_SCHEDULER_PLUGIN"

func init() {
	framework.RegisterKind(framework.Kind{Namespace: "schedulers", Singular: "scheduler",
		Interface: reflect.TypeFor[Scheduler](), Summary: "set the learning rate's factor at each epoch"})
	if os.Getenv(schedulerPluginEnv) == "1" {
		sdk.Serve(&Halving{Every: 10}) // does not return
	}
	framework.Register(&Halving{})
}

// TestModuleKindInOneFile checks that a kind of module is data: the kind
// and its module registered above (which framework.Register would refuse
// for a namespace no kind has) are looked up and listed where users look,
// and the plugin protocol's kind checks read the same registry: a plugin
// may serve a module of the new kind, and this slotlab, which has no
// adapter to call a scheduler in a plugin, refuses it by name.
func TestModuleKindInOneFile(t *testing.T) {
	k, ok := framework.LookupKind("schedulers")
	if !ok || k.Singular != "scheduler" || k.PluralName() != "schedulers" || !k.Implements(&Halving{}) || k.Implements(&Softest{}) {
		t.Fatalf("LookupKind: %+v %v", k, ok)
	}
	if framework.Singular("schedulers") != "scheduler" {
		t.Errorf("Singular(schedulers) = %q", framework.Singular("schedulers"))
	}
	info, ok := framework.Lookup("schedulers.halving")
	if !ok || !info.Builtin() {
		t.Fatalf("Lookup: %+v %v", info, ok)
	}
	if l := framework.List("schedulers"); len(l) != 1 || l[0].ID != "schedulers.halving" {
		t.Fatalf("List(schedulers) = %v", l)
	}
	for _, tc := range []struct {
		name string
		cmd  func() error
		want []string
	}{
		{"list-modules", func() error { return listModulesCmd(nil) }, []string{"schedulers.halving", "built-in", "halve the learning rate every few epochs (options: every: 10)"}},
		{"list-modules --help", func() error { return helpOf(listModulesCmd) }, []string{"schedulers", "set the learning rate's factor at each epoch"}},
	} {
		got, err := capture(t, tc.cmd)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !rowWith(got, tc.want) {
			t.Errorf("%s does not show %q:\n%s", tc.name, tc.want, got)
		}
	}

	// This test binary, started as a plugin, serves schedulers.halving: the
	// plugin side accepts the kind (an unregistered one would stop it at
	// start with "unknown kind"), and the host refuses it for want of an
	// adapter, naming the kinds plugins can serve here.
	t.Setenv(schedulerPluginEnv, "1")
	_, err := framework.LoadPlugin(os.Args[0])
	want := "scheduler halving: slotlab plugins serve initializers, selectors and sharing strategies, not schedulers (this slotlab has no plugin adapter for them)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("loading a plugin that serves a scheduler: %v, want %q", err, want)
	}
}
