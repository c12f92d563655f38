package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/codeversion"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/results"
	"gopkg.in/yaml.v3"
)

// TestVerify trains a short Lenet run whose learning rate follows a cosine
// over its 2 epochs, and checks that verify reruns its first epoch (with
// the full run's schedule) to the same bits and its two epochs too; then
// that a run whose committed metrics were altered in one digit, or whose
// config no longer hashes to its run, is reported, not passed.
func TestVerify(t *testing.T) {
	out := filepath.Join(t.TempDir(), "runs")
	args := append([]string{repoFile("experiments", "lenet.yaml"), "--out", out, "--quiet", "train.schedule.type=cosine"}, quick...)
	if err := runCmd(args); err != nil {
		t.Fatal(err)
	}
	dir := runDirs(t, out)[0]
	for _, n := range []string{"1", "2"} {
		text, err := capture(t, func() error { return verifyCmd([]string{out, "--epochs", n}) })
		if err != nil || !strings.Contains(text, "same ") || !strings.Contains(text, "first "+n+" epochs identical") {
			t.Fatalf("verify --epochs %s of an untouched run: %v\n%s", n, err, text)
		}
	}
	if err := verifyCmd([]string{out, "--epochs", "3"}); err == nil || !strings.Contains(err.Error(), "fewer than the 3 to compare") {
		t.Fatalf("verify of more epochs than the run has: %v", err)
	}

	// One digit of the second epoch's test accuracy changed.
	path := filepath.Join(dir, results.MetricsFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	i := strings.Index(lines[1], `"test_acc":`) + len(`"test_acc":`)
	d := lines[1][i]
	lines[1] = lines[1][:i] + string("1234567890"[(d-'0')%10]) + lines[1][i+1:]
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if text, err := capture(t, func() error { return verifyCmd([]string{out, "--epochs", "1"}) }); err != nil || !strings.Contains(text, "same ") {
		t.Fatalf("verify of the untouched first epoch: %v\n%s", err, text)
	}
	text, err := capture(t, func() error { return verifyCmd([]string{out, "--epochs", "2"}) })
	if err == nil || !strings.Contains(text, "DIFFERENT") || !strings.Contains(text, "epoch 2: test_acc") {
		t.Fatalf("verify of an altered epoch: %v\n%s", err, text)
	}

	// --mark: a result that names no code (written before slotlab recorded
	// it) gets this build's revision, source rerun, once it reruns
	// identically; a modified build refuses to mark.
	defer func(f func() codeversion.Code) { currentCode = f }(currentCode)
	if err := os.WriteFile(path, b, 0o644); err != nil { // the committed metrics again
		t.Fatal(err)
	}
	r, err := results.ReadResult(dir)
	if err != nil {
		t.Fatal(err)
	}
	r.Code = codeversion.Code{}
	if err := results.WriteJSON(filepath.Join(dir, results.ResultFile), r); err != nil {
		t.Fatal(err)
	}
	currentCode = func() codeversion.Code {
		return codeversion.Code{Revision: "abc123", Modified: true, Source: codeversion.SourceBuild}
	}
	if err := verifyCmd([]string{out, "--mark"}); err == nil || !strings.Contains(err.Error(), "build from a clean commit") {
		t.Fatalf("--mark from a modified build: %v", err)
	}
	currentCode = func() codeversion.Code { return codeversion.Code{Revision: "abc123", Source: codeversion.SourceBuild} }
	if text, err := capture(t, func() error { return verifyCmd([]string{out, "--mark"}) }); err != nil || !strings.Contains(text, "marked: code abc123") {
		t.Fatalf("--mark of an identical run: %v\n%s", err, text)
	}
	if r, err := results.ReadResult(dir); err != nil || r.Code != (codeversion.Code{Revision: "abc123", Source: codeversion.SourceRerun}) {
		t.Fatalf("marked result: %+v, %v", r.Code, err)
	}

	// A config that no longer hashes to its run is refused, not rerun.
	cfg := filepath.Join(dir, results.ConfigFile)
	c, _ := os.ReadFile(cfg)
	if err := os.WriteFile(cfg, []byte(strings.Replace(string(c), "seed: 0", "seed: 1", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := verifyCmd([]string{out}); err == nil || !strings.Contains(err.Error(), "hashes to") {
		t.Fatalf("verify of a run whose config changed: %v", err)
	}
}

// notYetVerified are committed runs whose rerun has not been checked yet;
// each must leave this list with the code that makes it
// (docs/reproduction.md, "Which code made each committed run").
var notYetVerified = map[string]bool{}

// TestCommittedRunsNameTheirCode checks that every run committed under
// docs/reproduction/runs names a clean revision that makes it: one it was
// written by, or one whose rerun gave its first epochs bit for bit
// (source rerun), but for the runs listed as not yet verified.
func TestCommittedRunsNameTheirCode(t *testing.T) {
	runs, err := results.Scan(repoFile("docs", "reproduction", "runs"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		rel, _ := filepath.Rel(repoFile("docs", "reproduction", "runs"), r.Dir)
		c := r.Result.Code
		switch {
		case notYetVerified[rel]:
			if c.Revision != "" {
				t.Errorf("%s names its code (%s) but is listed as not yet verified", rel, c.Short())
			}
		case c.Revision == "" || c.Modified:
			t.Errorf("%s: code %s; verify it (slotlab verify --mark, scripts/verify-at.sh) or list it as not yet verified", rel, c.Short())
		}
	}
}

// TestCommittedRunsKeepTheirHash loads every committed run's config.yaml
// with today's config code and checks that it still hashes to the
// config_hash of its result.json: a new key whose default is not left out
// of the hash (as winograd's f2 is) would change every run's id, so that
// no run resumes and none verifies.
func TestCommittedRunsKeepTheirHash(t *testing.T) {
	runs, err := results.Scan(repoFile("docs", "reproduction", "runs"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	plugins := ""
	for _, r := range runs {
		rel, _ := filepath.Rel(repoFile("docs", "reproduction", "runs"), r.Dir)
		if r.Result.ConfigHash == "" {
			continue
		}
		cfg := filepath.Join(r.Dir, results.ConfigFile)
		e, err := config.Load(cfg, append([]string{"data.dir=" + t.TempDir()}, committedPlugins(t, cfg, &plugins)...))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		if h := e.Hash(); h != r.Result.ConfigHash {
			t.Errorf("%s: config.yaml hashes to %.12s, result.json says %.12s", rel, h, r.Result.ConfigHash)
		}
		n++
	}
	if n < 20 {
		t.Errorf("only %d committed runs with a config hash; the scan lost some", n)
	}
	t.Logf("%d committed runs keep their hash", n)
}

// committedPlugins returns the overrides that point a committed run's
// plugins, absolute paths on the machine that trained it, at the same
// plugins built from examples/plugins for this test (into *dir, built on
// first use): a fresh clone has no binary at those paths, and a run's hash
// keeps only a plugin's file name, so it must hash as it did.
func committedPlugins(t *testing.T, cfg string, dir *string) []string {
	t.Helper()
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Plugins      []string
		Selector     struct{ Plugin string }
		Sharing      struct{ Plugin string }
		Initializers struct{ Weights, Scores struct{ Plugin string } }
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", cfg, err)
	}
	refs := map[string]string{"selector": c.Selector.Plugin, "sharing": c.Sharing.Plugin,
		"initializers.weights": c.Initializers.Weights.Plugin, "initializers.scores": c.Initializers.Scores.Plugin}
	if len(c.Plugins) == 0 && refs["selector"]+refs["sharing"]+refs["initializers.weights"]+refs["initializers.scores"] == "" {
		return nil
	}
	if *dir == "" {
		pkgs := map[string]string{}
		examples, err := os.ReadDir(repoFile("examples", "plugins"))
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range examples {
			pkgs["slotlab-"+x.Name()] = "./examples/plugins/" + x.Name()
		}
		*dir = buildPlugins(t, pkgs)
	}
	built := func(p string) string {
		q := filepath.Join(*dir, filepath.Base(p))
		if _, err := os.Stat(q); err != nil {
			t.Fatalf("%s names plugin %s, which no package under examples/plugins builds", cfg, p)
		}
		return q
	}
	var list []string
	for _, p := range c.Plugins {
		list = append(list, built(p))
	}
	over := []string{"plugins=[" + strings.Join(list, ",") + "]"}
	for key, p := range refs {
		if p != "" {
			over = append(over, key+".plugin="+built(p))
		}
	}
	return over
}
