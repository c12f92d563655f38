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

	"github.com/slotlab/slotlab/framework/faultpoint"
)

// tempPattern is the name of the temporary file of a write of base, for
// os.CreateTemp; CleanStale matches it.
func tempPattern(base string) string { return "." + base + ".tmp-*" }

// Write writes path atomically with the content fill writes. If fill fails,
// nothing is renamed and path is untouched.
func Write(path string, fill func(w io.Writer) error) error {
	return write(path, "", fill, nil)
}

// WriteKeeping is Write that first renames the file at path, if there is
// one, to keep, so that the previous version survives the new one. A crash
// between the two renames leaves keep and no path: readers that fall back
// to keep lose nothing.
func WriteKeeping(path, keep string, fill func(w io.Writer) error) error {
	return write(path, keep, fill, nil)
}

// write is Write and WriteKeeping. Once the temporary file is complete and
// synced it reaches the fault point faultpoint.Write+base name, and calls
// beforeRename (in-process tests) if not nil.
func write(path, keep string, fill func(w io.Writer) error, beforeRename func(tmp string)) error {
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
	faultpoint.Reach(faultpoint.Write+filepath.Base(path), func() string {
		size := int64(-1)
		if st, err := os.Stat(tmp); err == nil {
			size = st.Size()
		}
		return fmt.Sprintf("temp=%s bytes=%d renamed=false", filepath.Base(tmp), size)
	})
	if beforeRename != nil {
		beforeRename(tmp)
	}
	if keep != "" {
		if err := os.Rename(path, keep); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("keeping the previous %s: %w", path, err)
		}
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
	})
}

// CleanStale removes the temporary files that writes into dir cut short by
// a kill left behind (they are never renamed into place).
func CleanStale(dir string) {
	stale, _ := filepath.Glob(filepath.Join(dir, tempPattern("*")))
	for _, f := range stale {
		_ = os.Remove(f)
	}
}
