// Package datatest helps tests find the project's shared test data (see
// data.SharedDataDir).
package datatest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/slotlab/slotlab/framework/data"
)

// EnvCI names the environment variable that, when set, turns missing shared
// data from a skipped test into a failed one.
const EnvCI = "SLOTLAB_CI"

// SharedFile returns the path of name (e.g. "cifar-10-binary.tar.gz") in the
// shared data directory. If the file is missing, the test fails when
// $SLOTLAB_CI is set and is skipped otherwise, saying why.
func SharedFile(tb testing.TB, name string) string {
	tb.Helper()
	dir, ok := data.SharedDataDir()
	p := filepath.Join(dir, name)
	var why string
	switch {
	case dir == "":
		why = "no go.mod found above the working directory, so the shared data directory (../shared/data beside the repository) is unknown"
	case !ok:
		why = "the shared data directory " + dir + " does not exist"
	default:
		st, err := os.Stat(p)
		if err == nil && st.Mode().IsRegular() {
			return p
		}
		why = p + " is missing"
	}
	if os.Getenv(EnvCI) != "" {
		tb.Fatalf("shared test data unavailable: %s ($%s is set, so this is an error)", why, EnvCI)
	}
	tb.Skipf("shared test data unavailable: %s (set $%s to make this an error)", why, EnvCI)
	return ""
}
