// Package atomicfile writes files so that a reader, or a crash at any
// moment, sees the old file or the new one and never a part of one: the
// content goes to a temporary file in the same directory, which is
// fsynced, renamed over the destination, and followed by an fsync of the
// directory.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// tempPattern is the name of the temporary file of a write of base, for
// os.CreateTemp; CleanStale matches it.
func tempPattern(base string) string { return "." + base + ".tmp-*" }

// Write writes path atomically with the content fill writes. If fill fails,
// nothing is renamed and path is untouched. beforeRename, if not nil, runs
// once the temporary file is complete and synced, just before the rename
// (tests stop a process there).
func Write(path string, fill func(w io.Writer) error, beforeRename func()) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPattern(filepath.Base(path)))
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after the rename
	if err := fill(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("fsync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if beforeRename != nil {
		beforeRename()
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}

// WriteBytes writes data to path atomically.
func WriteBytes(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, nil)
}

// CleanStale removes the temporary files that writes into dir cut short by
// a kill left behind (they are never renamed into place).
func CleanStale(dir string) {
	stale, _ := filepath.Glob(filepath.Join(dir, tempPattern("*")))
	for _, f := range stale {
		_ = os.Remove(f)
	}
}
