package datatest

import (
	"path/filepath"
	"testing"
)

func TestSharedFileMissingSkips(t *testing.T) {
	t.Setenv(EnvCI, "")
	skipped := false
	t.Run("missing", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		SharedFile(t, "no-such-file.bin")
		t.Error("SharedFile returned for a missing file")
	})
	if !skipped {
		t.Error("a missing shared file did not skip the test")
	}
}

func TestSharedFilePresent(t *testing.T) {
	p := SharedFile(t, "README.md") // skips where the shared data is absent
	if filepath.Base(p) != "README.md" || filepath.Base(filepath.Dir(p)) != "data" {
		t.Errorf("path %q", p)
	}
}
