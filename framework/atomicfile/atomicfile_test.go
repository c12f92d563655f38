package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "result.json")
	if err := WriteBytes(path, []byte("old")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		fill func(io.Writer) error
		want string
		err  bool
	}{
		{"replaces", func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }, "new", false},
		{"a failing fill leaves the file", func(w io.Writer) error { w.Write([]byte("part")); return errors.New("no") }, "new", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Write(path, tc.fill)
			if (err != nil) != tc.err {
				t.Fatalf("error %v, want error %v", err, tc.err)
			}
			if b, _ := os.ReadFile(path); string(b) != tc.want {
				t.Fatalf("file holds %q, want %q", b, tc.want)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
				t.Fatalf("temporary files left: %v", left)
			}
		})
	}
}

func TestBeforeRenameAndCleanStale(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "checkpoint.bin")
	var seen []string
	err := write(path, "", func(w io.Writer) error { _, err := w.Write([]byte("x")); return err }, func(string) {
		seen, _ = filepath.Glob(filepath.Join(dir, tempPattern("*")))
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Error("the file exists before the rename")
		}
	})
	if err != nil || len(seen) != 1 {
		t.Fatalf("err %v, temporary files before the rename %v; want one", err, seen)
	}
	// A write cut short leaves its temporary file; CleanStale removes it and
	// nothing else.
	stale := filepath.Join(dir, ".checkpoint.bin.tmp-123")
	os.WriteFile(stale, []byte("part"), 0o644)
	CleanStale(dir)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatal("stale temporary file kept")
	}
	if b, _ := os.ReadFile(path); string(b) != "x" {
		t.Fatalf("file holds %q", b)
	}
}

// TestWriteKeeping checks that the previous version moves to the keep path
// only when a new one replaces it.
func TestWriteKeeping(t *testing.T) {
	dir := t.TempDir()
	path, keep := filepath.Join(dir, "checkpoint.bin"), filepath.Join(dir, "checkpoint.prev.bin")
	put := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := w.Write([]byte(s)); return err }
	}
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			return "<none>"
		}
		return string(b)
	}
	for _, tc := range []struct {
		name       string
		fill       func(io.Writer) error
		wantErr    bool
		path, kept string
	}{
		{"first write: nothing to keep", put("a"), false, "a", "<none>"},
		{"second write keeps the first", put("b"), false, "b", "a"},
		{"third keeps the second only", put("c"), false, "c", "b"},
		{"a failing fill moves nothing", func(w io.Writer) error { return errors.New("no") }, true, "c", "b"},
	} {
		err := WriteKeeping(path, keep, tc.fill)
		if (err != nil) != tc.wantErr {
			t.Fatalf("%s: error %v", tc.name, err)
		}
		if read(path) != tc.path || read(keep) != tc.kept {
			t.Fatalf("%s: path holds %q, keep %q; want %q, %q", tc.name, read(path), read(keep), tc.path, tc.kept)
		}
	}
}
