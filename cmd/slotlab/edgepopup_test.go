package main

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/slotlab/slotlab/framework/pluginrpc"
	"github.com/slotlab/slotlab/framework/results"
)

// TestEdgePopupExperiment runs experiments/lenet-edgepopup.yaml briefly,
// with its plugins: list pointed at a fresh build of the whole-layer
// selector examples/plugins/edgepopup, with slotlab and the plugin at
// GOMAXPROCS 1 and 3: it trains, the metrics are identical, and the run is
// labelled with what the selector declares (EP, learning rate 1).
func TestEdgePopupExperiment(t *testing.T) {
	quietPlugins(t)
	dir := buildPlugins(t, map[string]string{"slotlab-edgepopup": "./examples/plugins/edgepopup"})
	plugin := filepath.Join(dir, "slotlab-edgepopup")
	exp := repoFile("experiments", "lenet-edgepopup.yaml")
	var runs []string
	for _, procs := range []int{1, 3} {
		pluginrpc.Shutdown() // the plugin starts afresh, at this GOMAXPROCS
		t.Setenv("GOMAXPROCS", strconv.Itoa(procs))
		prev := runtime.GOMAXPROCS(procs)
		runs = append(runs, run(t, exp, t.TempDir(), "plugins=["+plugin+"]"))
		runtime.GOMAXPROCS(prev)
	}
	if a, b := stripTimes(t, runs[0]), stripTimes(t, runs[1]); !bytes.Equal(a, b) {
		t.Fatalf("GOMAXPROCS 1 and 3 give different metrics:\n%s\n%s", a, b)
	}
	r, err := results.ReadResult(runs[0])
	if err != nil || r.Status != "done" || r.Selector != "edgepopup" || r.SelectorLabel != "EP" || r.TestAcc < 50 {
		t.Fatalf("result %+v (%v)", r, err)
	}
	opt := r.Config["train"].(map[string]any)["optimizer"].(map[string]any)
	if lr := opt["learning_rate"]; lr != 1.0 {
		t.Fatalf("learning_rate: auto resolved to %v, want the selector's 1", lr)
	}
}
