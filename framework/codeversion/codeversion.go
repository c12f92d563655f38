// Package codeversion says which code a slotlab process runs, so that every
// run records the commit that made it (result.json's "code").
//
// A binary built by `go build` or `go install` in a git checkout carries
// Go's VCS stamp (vcs.revision, vcs.modified), and that is used. Machines
// that set GOFLAGS=-buildvcs=false, and `go run`, build without the stamp:
// then the checkout the process runs in is asked (git rev-parse HEAD, git
// status), found by walking up from the working directory to slotlab's
// go.mod. That is right for `go run ./cmd/slotlab`, which builds from that
// checkout; a binary built elsewhere and run in a checkout records the
// checkout, which is why the source is recorded too ("build" or
// "checkout"). Build with `go build -buildvcs=true` to stamp a binary
// wherever GOFLAGS turns stamping off.
package codeversion

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
)

// Module is slotlab's module path, the go.mod a checkout is recognised by.
const Module = "github.com/slotlab/slotlab"

// Source values of Code.Source.
const (
	// SourceBuild: Go's VCS stamp in the binary.
	SourceBuild = "build"
	// SourceCheckout: the git checkout the process ran in, asked at run time.
	SourceCheckout = "checkout"
	// SourceRerun: recorded after the run, for a result written before
	// slotlab recorded its code: a rerun of its config by the code at
	// Revision gave its first epochs bit for bit (slotlab verify --mark,
	// scripts/verify-at.sh).
	SourceRerun = "rerun"
)

// Code is the version of the code a process runs: the git revision and
// whether the tree had changes not committed. Revision is empty when
// neither a stamp nor a checkout says.
type Code struct {
	Revision string `json:"revision,omitempty"`
	Modified bool   `json:"modified"`
	// Source says where Revision was read: "build", "checkout" or
	// "rerun".
	Source string `json:"source,omitempty"`
}

// Short is the revision's first 12 hex digits, with "+modified" when the
// tree had changes, or "unknown".
func (c Code) Short() string {
	if c.Revision == "" {
		return "unknown"
	}
	r := c.Revision
	if len(r) > 12 {
		r = r[:12]
	}
	if c.Modified {
		r += "+modified"
	}
	return r
}

var (
	once    sync.Once
	current Code
)

// Current returns the version of the running code, worked out once per
// process.
func Current() Code {
	once.Do(func() {
		if bi, ok := debug.ReadBuildInfo(); ok {
			if c, ok := FromBuildInfo(bi); ok {
				current = c
				return
			}
		}
		if wd, err := os.Getwd(); err == nil {
			if root := FindCheckout(wd); root != "" {
				current = FromGit(root)
			}
		}
	})
	return current
}

// FromBuildInfo reads Go's VCS stamp; false when the binary has none.
func FromBuildInfo(bi *debug.BuildInfo) (Code, bool) {
	var c Code
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			c.Revision = s.Value
		case "vcs.modified":
			c.Modified = s.Value == "true"
		}
	}
	if c.Revision == "" {
		return Code{}, false
	}
	c.Source = SourceBuild
	return c, true
}

// FindCheckout walks up from dir to the directory whose go.mod declares
// slotlab's module, and returns it, or "" if there is none.
func FindCheckout(dir string) string {
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			sc := bufio.NewScanner(f)
			mod := ""
			for sc.Scan() {
				if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "module ") {
					mod = strings.Trim(strings.TrimSpace(strings.TrimPrefix(line, "module ")), `"`)
					break
				}
			}
			f.Close()
			if mod == Module {
				return dir
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// FromGit asks git for the revision of the checkout at root and whether
// its tree has changes (tracked or untracked files not ignored). The
// revision is empty if git is missing or root is not a git work tree.
func FromGit(root string) Code {
	rev, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		return Code{}
	}
	c := Code{Revision: string(bytes.TrimSpace(rev)), Source: SourceCheckout}
	if st, err := exec.Command("git", "-C", root, "status", "--porcelain").Output(); err == nil {
		c.Modified = len(bytes.TrimSpace(st)) > 0
	}
	return c
}
