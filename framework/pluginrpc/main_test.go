package pluginrpc

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/pluginrpc/plugintest"
	"github.com/slotlab/slotlab/framework/rng"
)

var bins *plugintest.Builder

func TestMain(m *testing.M) {
	var err error
	if bins, err = plugintest.New(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	Stderr = io.Discard
	code := m.Run()
	Shutdown()
	bins.Close()
	os.Exit(code)
}

// The test plugins.
func greedyBin(t *testing.T) string {
	return bins.Build(t, "slotlab-greedy", "./examples/plugins/greedy", "")
}

func epsBin(t *testing.T) string {
	return bins.Build(t, "slotlab-epsgreedy", "./examples/plugins/epsgreedy", "")
}

func faultyBin(t *testing.T) string {
	return bins.Build(t, "faulty", "./framework/pluginrpc/testdata/faulty", "")
}

// options parses a YAML mapping of options.
func options(t *testing.T, s string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

// load loads a component and closes it at the end of the test.
func load(t *testing.T, path, name, ns, opts string) framework.Module {
	t.Helper()
	var n *yaml.Node
	if opts != "" {
		n = options(t, opts)
	}
	m, err := Load(path, name, ns, n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.(interface{ Close() error }).Close() })
	return m
}

// layer is a dense layer of n connections with k candidates.
func layer(name string, n, k int) framework.LayerInfo {
	return framework.LayerInfo{Name: name, Kind: framework.Dense, FanIn: n, FanOut: 1, Connections: n, K: k}
}

// randomScores fills s with reproducible values (with ties).
func randomScores(s []float32, seed uint64) {
	st := rng.New(seed, "scores")
	for i := range s {
		s[i] = float32(st.Intn(uint64(i), 50)) / 7
	}
}

// argmax is the reference selection.
func argmax(scores []float32, k int) []int32 {
	out := make([]int32, len(scores)/k)
	for i := range out {
		best := 0
		for j := 1; j < k; j++ {
			if scores[i*k+j] > scores[i*k+best] {
				best = j
			}
		}
		out[i] = int32(best)
	}
	return out
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one mentioning %q", parts)
	}
	t.Logf("error: %v", err)
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not mention %q", err, p)
		}
	}
}
