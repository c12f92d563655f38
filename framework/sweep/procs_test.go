package sweep

import (
	"os"
	"path/filepath"
	"testing"
)

func TestProcsThreads(t *testing.T) {
	for _, tc := range []struct{ n, cores, want int }{
		{1, 16, 16}, {2, 16, 8}, {3, 16, 5}, {4, 2, 1}, {0, 8, 8},
	} {
		if got := (&Procs{N: tc.n, Cores: tc.cores}).Threads(); got != tc.want {
			t.Errorf("N=%d on %d cores: GOMAXPROCS %d, want %d", tc.n, tc.cores, got, tc.want)
		}
	}
}

func TestShellJoin(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"slotlab", "run", "exp.yaml", "k=2"}, "slotlab run exp.yaml k=2"},
		{[]string{"sweep={}", "selector={id: probabilistic}"}, "'sweep={}' 'selector={id: probabilistic}'"},
		{[]string{"description=it's", ""}, `'description=it'\''s' ''`},
	} {
		if got := shellJoin(tc.args); got != tc.want {
			t.Errorf("%q: %s, want %s", tc.args, got, tc.want)
		}
	}
}

func TestLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), LogFile)
	if err := os.WriteFile(path, []byte("data: loading\nslotlab run: no MNIST here\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := lastLine(path); got != "slotlab run: no MNIST here" {
		t.Fatalf("last line %q", got)
	}
	if got := lastLine(filepath.Join(t.TempDir(), "none")); got != "" {
		t.Fatalf("missing file: %q", got)
	}
}
