package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/results"
)

func init() { framework.Register(&Softest{}) } // the registration line of softest_test.go's selector

// TestNewSelectorDeclares trains Lenet briefly with Softest, a selector
// written in one file of under 40 lines (softest_test.go) plus the
// registration line above, and checks that what it declares is used:
// learning_rate: auto resolves to its rate, its option's default is in the
// resolved config, and its label names it in result.json and in tables.
func TestNewSelectorDeclares(t *testing.T) {
	out := filepath.Join(t.TempDir(), "runs")
	if err := runCmd(append([]string{repoFile("experiments", "lenet.yaml"), "--out", out, "--quiet", "selector=softest"}, quick...)); err != nil {
		t.Fatal(err)
	}
	dir := runDirs(t, out)[0]
	r, err := results.ReadResult(dir)
	if err != nil {
		t.Fatal(err)
	}
	train := r.Config["train"].(map[string]any)
	lr := train["optimizer"].(map[string]any)["learning_rate"]
	sel := r.Config["selector"].(map[string]any)
	if r.Selector != "softest" || r.SelectorLabel != "SOFT" || lr != 0.3 || sel["margin"] != 0.001 {
		t.Fatalf("selector %q, label %q, learning rate %v, options %v", r.Selector, r.SelectorLabel, lr, sel)
	}
	if r.TestAcc < 50 {
		t.Fatalf("test accuracy %.2f%%: the selector does not train", r.TestAcc)
	}
	text, err := capture(t, func() error { return tableCmd([]string{out, "--format", "ascii"}) })
	if err != nil || !strings.Contains(text, "slot SOFT") {
		t.Fatalf("table: %v\n%s", err, text)
	}
}
