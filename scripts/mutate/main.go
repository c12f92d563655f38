// Command mutate checks that the tests notice when the code they guard is
// broken. It applies each mutation of a committed list (mutations.txt
// beside it) to a scratch copy of the working tree, one at a time, runs the
// tests the mutation names, and prints which of them failed: a mutation
// is caught when at least one does. Before any mutation it runs every named
// test on the unmutated copy, which must pass. It exits 1 if a mutation is
// not caught, does not apply (the code moved: update the list) or does
// not build.
//
//	go run ./scripts/mutate                 # all, about 10 minutes on 2 cores
//	go run ./scripts/mutate -run 'decay'    # the mutations whose name matches
//
// It is not part of CI (scripts/test.sh): its output is committed under
// docs/mutation/ instead. The copy lies in a temporary directory beside a
// link to ../shared, so that the tests find the shared data as usual.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// mutation is one entry of the list: a change of one place in one file and
// the tests that should notice it.
type mutation struct {
	name     string
	file     string
	old, new string
	tests    []testSet
	line     int // where the entry starts in the list
}

// testSet is a package and test names (top-level tests).
type testSet struct {
	pkg   string
	names []string
}

func (s testSet) run() string { return "^(" + strings.Join(s.names, "|") + ")$" }

// parse reads the list. An entry:
//
//	=== name
//	file: path/from/the/root.go
//	tests: ./pkg TestA TestB      (one line per package)
//	-old line (one or more)
//	+new line (zero or more)
//
// Lines starting with # and blank lines between entries are ignored.
func parse(path string) ([]mutation, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ms []mutation
	var cur *mutation
	var old, new []string
	flush := func() {
		if cur != nil {
			cur.old, cur.new = strings.Join(old, "\n"), strings.Join(new, "\n")
			ms = append(ms, *cur)
		}
		old, new = nil, nil
	}
	for i, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "=== "):
			flush()
			cur = &mutation{name: strings.TrimPrefix(line, "=== "), line: i + 1}
		case cur == nil || strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "file: "):
			cur.file = strings.TrimPrefix(line, "file: ")
		case strings.HasPrefix(line, "tests: "):
			f := strings.Fields(strings.TrimPrefix(line, "tests: "))
			if len(f) < 2 {
				return nil, fmt.Errorf("%s:%d: want tests: ./pkg TestA ...", path, i+1)
			}
			cur.tests = append(cur.tests, testSet{pkg: f[0], names: f[1:]})
		case strings.HasPrefix(line, "-"):
			old = append(old, line[1:])
		case strings.HasPrefix(line, "+"):
			new = append(new, line[1:])
		default:
			return nil, fmt.Errorf("%s:%d: unexpected line %q", path, i+1, line)
		}
	}
	flush()
	for _, m := range ms {
		if m.file == "" || m.old == "" || len(m.tests) == 0 {
			return nil, fmt.Errorf("%s:%d: %q needs file:, tests: and -old lines", path, m.line, m.name)
		}
	}
	return ms, nil
}

// outcome is what go test said about each named test.
type outcome struct {
	failed, passed, skipped []string
	buildErr                string
}

var resultLine = regexp.MustCompile(`^--- (FAIL|PASS|SKIP): (\S+)`)

// goTest runs the test set in dir and sorts the top-level tests by result.
func goTest(dir string, s testSet, timeout time.Duration) outcome {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-v", "-timeout", timeout.String(), "-run", s.run(), s.pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SLOTLAB_CI=")
	out, err := cmd.CombinedOutput()
	var o outcome
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		m := resultLine.FindStringSubmatch(sc.Text())
		if m == nil || strings.Contains(m[2], "/") {
			continue
		}
		name := s.pkg + "." + m[2]
		seen[m[2]] = true
		switch m[1] {
		case "FAIL":
			o.failed = append(o.failed, name)
		case "PASS":
			o.passed = append(o.passed, name)
		case "SKIP":
			o.skipped = append(o.skipped, name)
		}
	}
	if err != nil && len(o.failed) == 0 {
		// No test failed: the package did not build, a test panicked
		// (the binary died: every unfinished test counts as failed) or
		// timed out.
		if bytes.Contains(out, []byte("[build failed]")) || bytes.Contains(out, []byte("[setup failed]")) {
			o.buildErr = lastLines(out, 15)
			return o
		}
		for _, n := range s.names {
			if !seen[n] {
				o.failed = append(o.failed, s.pkg+"."+n+" (the test binary died: "+firstMatch(out, "panic:", "fatal error:", "timed out")+")")
			}
		}
	}
	return o
}

func firstMatch(out []byte, keys ...string) string {
	for _, line := range strings.Split(string(out), "\n") {
		for _, k := range keys {
			if strings.Contains(line, k) {
				return strings.TrimSpace(line)
			}
		}
	}
	return "exit status non-zero"
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// copyTree copies the files git tracks from root into dst.
func copyTree(root, dst string) error {
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		return fmt.Errorf("git ls-files: %w", err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, f)
		st, err := os.Lstat(src)
		if err != nil || !st.Mode().IsRegular() {
			continue // deleted in the working tree, or a link
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		p := filepath.Join(dst, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, st.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	list := flag.String("list", "scripts/mutate/mutations.txt", "the list of mutations")
	only := flag.String("run", "", "only the mutations whose name matches this regular expression")
	timeout := flag.Duration("timeout", 15*time.Minute, "per go test command")
	flag.Parse()
	if err := run(*list, *only, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(1)
	}
}

func run(list, only string, timeout time.Duration) error {
	ms, err := parse(list)
	if err != nil {
		return err
	}
	if only != "" {
		re, err := regexp.Compile(only)
		if err != nil {
			return err
		}
		var keep []mutation
		for _, m := range ms {
			if re.MatchString(m.name) {
				keep = append(keep, m)
			}
		}
		ms = keep
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	scratch, err := os.MkdirTemp("", "slotlab-mutate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	tree := filepath.Join(scratch, "slotlab")
	if err := copyTree(root, tree); err != nil {
		return err
	}
	if shared, err := filepath.Abs(filepath.Join(root, "..", "shared")); err == nil {
		_ = os.Symlink(shared, filepath.Join(scratch, "shared"))
	}
	rev, _ := exec.Command("git", "-C", root, "describe", "--always", "--dirty").Output()
	fmt.Printf("# Mutation testing: %d mutations of %s (%s), in a scratch copy\n\n", len(ms), strings.TrimSpace(string(rev)), list)
	fmt.Printf("Each mutation breaks one place; the tests it names run on the mutated copy. Caught: at least one of them fails.\n\n")

	// Baseline: every named test passes unmutated.
	byPkg := map[string]map[string]bool{}
	for _, m := range ms {
		for _, s := range m.tests {
			if byPkg[s.pkg] == nil {
				byPkg[s.pkg] = map[string]bool{}
			}
			for _, n := range s.names {
				byPkg[s.pkg][n] = true
			}
		}
	}
	var pkgs []string
	for p := range byPkg {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	start := time.Now()
	for _, p := range pkgs {
		var names []string
		for n := range byPkg[p] {
			names = append(names, n)
		}
		sort.Strings(names)
		o := goTest(tree, testSet{pkg: p, names: names}, timeout)
		if o.buildErr != "" || len(o.failed) > 0 {
			return fmt.Errorf("baseline: the unmutated tests of %s do not pass: %v\n%s", p, o.failed, o.buildErr)
		}
		fmt.Printf("baseline %s: %d tests pass (%d skipped)\n", p, len(o.passed), len(o.skipped))
	}
	fmt.Printf("\n")

	caught := 0
	var problems []string
	for i, m := range ms {
		path := filepath.Join(tree, m.file)
		orig, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if n := strings.Count(string(orig), m.old); n != 1 {
			problems = append(problems, fmt.Sprintf("%d. %s: the old text occurs %d times in %s (list line %d): update the list", i+1, m.name, n, m.file, m.line))
			fmt.Printf("## %d. %s\nNOT APPLIED: the old text occurs %d times in %s\n\n", i+1, m.name, n, m.file)
			continue
		}
		if err := os.WriteFile(path, []byte(strings.Replace(string(orig), m.old, m.new, 1)), 0o644); err != nil {
			return err
		}
		t0 := time.Now()
		var failed, passed, skipped []string
		var buildErr string
		for _, s := range m.tests {
			o := goTest(tree, s, timeout)
			failed, passed, skipped = append(failed, o.failed...), append(passed, o.passed...), append(skipped, o.skipped...)
			if o.buildErr != "" {
				buildErr = o.buildErr
			}
		}
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			return err
		}
		fmt.Printf("## %d. %s\n%s: `%s` → `%s`\n", i+1, m.name, m.file, oneLine(m.old), oneLine(m.new))
		switch {
		case buildErr != "":
			problems = append(problems, fmt.Sprintf("%d. %s: does not build", i+1, m.name))
			fmt.Printf("DOES NOT BUILD:\n%s\n\n", buildErr)
			continue
		case len(failed) > 0:
			caught++
			fmt.Printf("CAUGHT by %s", strings.Join(failed, ", "))
		default:
			problems = append(problems, fmt.Sprintf("%d. %s: not caught", i+1, m.name))
			fmt.Printf("NOT CAUGHT")
		}
		if len(passed) > 0 {
			fmt.Printf("; passed: %s", strings.Join(passed, ", "))
		}
		if len(skipped) > 0 {
			fmt.Printf("; skipped: %s", strings.Join(skipped, ", "))
		}
		fmt.Printf(" (%.0f s)\n\n", time.Since(t0).Seconds())
	}
	fmt.Printf("%d of %d mutations caught (%.0f s in all)\n", caught, len(ms), time.Since(start).Seconds())
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// oneLine shortens a mutation's text for the report.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 110 {
		s = s[:107] + "..."
	}
	return s
}
