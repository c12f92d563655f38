package codeversion

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		name     string
		settings []debug.BuildSetting
		want     Code
		ok       bool
	}{
		{"stamped clean", []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "false"}}, Code{Revision: "0123456789abcdef0123", Source: SourceBuild}, true},
		{"stamped modified", []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}, Code{Revision: "abc", Modified: true, Source: SourceBuild}, true},
		{"not stamped", []debug.BuildSetting{{Key: "-buildvcs", Value: "false"}}, Code{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := FromBuildInfo(&debug.BuildInfo{Settings: tc.settings})
			if got != tc.want || ok != tc.ok {
				t.Fatalf("got %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestShort(t *testing.T) {
	for _, tc := range []struct {
		c    Code
		want string
	}{
		{Code{}, "unknown"},
		{Code{Revision: "0123456789abcdef"}, "0123456789ab"},
		{Code{Revision: "0123456789abcdef", Modified: true}, "0123456789ab+modified"},
		{Code{Revision: "abc"}, "abc"},
	} {
		if got := tc.c.Short(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.c, got, tc.want)
		}
	}
}

// TestFromGit makes a checkout of a module named as slotlab's, commits,
// and checks the revision git gives, then that a change, tracked or new,
// makes it modified, and that FindCheckout finds the root from below.
func TestFromGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", root, "-c", "user.email=t@t", "-c", "user.name=t"}, args...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return string(out)
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q")
	write("go.mod", "module "+Module+"\n\ngo 1.26\n")
	write("sub/dir/a.txt", "a\n")
	git("add", "-A")
	git("commit", "-q", "-m", "x")
	head := git("rev-parse", "HEAD")
	head = head[:len(head)-1]

	if got := FindCheckout(filepath.Join(root, "sub", "dir")); got != root {
		t.Fatalf("FindCheckout from below: %q, want %q", got, root)
	}
	if got := FindCheckout(t.TempDir()); got != "" {
		t.Fatalf("FindCheckout outside a checkout: %q", got)
	}
	if got := FromGit(root); got != (Code{Revision: head, Source: SourceCheckout}) {
		t.Fatalf("clean checkout: %+v, want revision %s", got, head)
	}
	write("sub/dir/a.txt", "b\n")
	if got := FromGit(root); !got.Modified || got.Revision != head {
		t.Fatalf("tracked change: %+v, want modified at %s", got, head)
	}
	git("checkout", "-q", "--", ".")
	write("new.go", "package x\n")
	if got := FromGit(root); !got.Modified {
		t.Fatalf("untracked file: %+v, want modified", got)
	}
	if got := FromGit(t.TempDir()); got.Revision != "" {
		t.Fatalf("not a checkout: %+v", got)
	}
}
