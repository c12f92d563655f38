package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/slotlab/slotlab/framework/results"
)

// A plot kind added in one file: test accuracy against the seed, a point
// per run. The init below is all a kind needs to be named by --kind and
// listed in `slotlab plot --help`.
func init() {
	results.RegisterPlotKind(results.PlotKind{Name: "seeds", Summary: "test accuracy against the seed, a point per run", Figure: seedsFigure})
}

func seedsFigure(runs []*results.Run, _ results.PlotOptions) (*results.Figure, error) {
	pts := make(plotter.XYs, len(runs))
	for i, r := range runs {
		pts[i] = plotter.XY{X: float64(r.Result.Seed), Y: r.Result.TestAcc}
	}
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.X.Label.Text, p.Y.Label.Text = "seed", "test accuracy (%)"
	p.Add(s)
	return &results.Figure{Panels: []*plot.Plot{p}, Cols: 1, PanelWidth: 4 * vg.Inch, PanelHeight: 3 * vg.Inch}, nil
}

// TestPlotKindInOneFile checks that the kind this file registers draws
// the committed Lenet runs through `slotlab plot --kind seeds` and is
// listed, with its summary, in `slotlab plot --help`.
func TestPlotKindInOneFile(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "seeds")
	if _, err := capture(t, func() error {
		return plotCmd([]string{repoFile("docs", "reproduction", "runs", "lenet"), "--kind", "seeds", "-o", prefix})
	}); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".png", ".svg"} {
		if st, err := os.Stat(prefix + ext); err != nil || st.Size() == 0 {
			t.Fatalf("slotlab plot --kind seeds wrote no %s: %v", ext, err)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stderr
	os.Stderr = w
	_ = plotCmd([]string{"--help"})
	os.Stderr = old
	w.Close()
	help, _ := io.ReadAll(r)
	if !strings.Contains(string(help), "seeds    test accuracy against the seed, a point per run") {
		t.Fatalf("slotlab plot --help does not list the kind:\n%s", help)
	}
}
