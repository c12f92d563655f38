// Package plugintest builds plugin binaries for tests: the example plugins
// and test plugins are ordinary main packages, built with the go command
// into a temporary directory once per test binary.
package plugintest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Builder builds main packages of this module into a directory, each
// (package, flags) once.
type Builder struct {
	// Dir holds the binaries.
	Dir string

	mu    sync.Mutex
	root  string
	built map[string]result
}

type result struct {
	path string
	err  error
}

// New returns a Builder over a fresh temporary directory; Close removes it.
func New() (*Builder, error) {
	dir, err := os.MkdirTemp("", "slotlab-plugins-")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	return &Builder{Dir: dir, root: root, built: map[string]result{}}, nil
}

// Close removes the binaries.
func (b *Builder) Close() { os.RemoveAll(b.Dir) }

// Build builds the main package pkg (relative to the module root, e.g.
// "./examples/plugins/greedy") as Dir/name with the given -ldflags (may be
// empty), once, and returns the binary's path. It fails the test if the
// build fails.
func (b *Builder) Build(tb testing.TB, name, pkg, ldflags string) string {
	tb.Helper()
	path, err := b.build(name, pkg, ldflags)
	if err != nil {
		tb.Fatal(err)
	}
	return path
}

func (b *Builder) build(name, pkg, ldflags string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	key := name + "\x00" + pkg + "\x00" + ldflags
	if r, ok := b.built[key]; ok {
		return r.path, r.err
	}
	path := filepath.Join(b.Dir, name)
	args := []string{"build", "-o", path}
	if ldflags != "" {
		args = append(args, "-ldflags", ldflags)
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = b.root
	var err error
	if out, e := cmd.CombinedOutput(); e != nil {
		err = fmt.Errorf("go build %s: %v\n%s", pkg, e, out)
	}
	b.built[key] = result{path, err}
	return path, err
}

// VersionsFlag is the -ldflags value that builds a plugin speaking the
// given protocol versions (comma-separated) instead of the SDK's own.
func VersionsFlag(versions string) string {
	return "-X github.com/slotlab/slotlab/framework/pluginrpc/internal/server.versions=" + versions
}
