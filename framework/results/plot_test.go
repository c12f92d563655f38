package results

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestPlotFigures draws every kind from a store with two networks, GS, PS,
// the learned baseline and a failed run, and checks the files: a PNG that
// decodes to the expected size and an SVG.
func TestPlotFigures(t *testing.T) {
	root := t.TempDir()
	store(t, root, paperRuns()...)
	runs, err := Scan(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind          string
		panels        int
		width, height int // pixels at 150 dpi, without the legend below
	}{
		{PlotKSweep, 2, 2 * 750, 563},
		{PlotCurves, 2, 2 * 825, 600},
		{PlotCost, 2, 2 * 825, 600},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			f, err := PlotFigure(runs, PlotOptions{Kind: tc.kind, Band: BandMinMax})
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Panels) != tc.panels {
				t.Fatalf("%d panels, want %d", len(f.Panels), tc.panels)
			}
			prefix := filepath.Join(t.TempDir(), "sub", tc.kind)
			paths, err := f.Save(prefix)
			if err != nil {
				t.Fatal(err)
			}
			if len(paths) != 2 || paths[0] != prefix+".png" || paths[1] != prefix+".svg" {
				t.Fatalf("paths %v", paths)
			}
			b, err := os.ReadFile(paths[0])
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if sz := img.Bounds().Size(); sz.X != tc.width || sz.Y <= tc.height || sz.Y > tc.height+200 {
				t.Errorf("PNG %v, want %d wide and a little over %d high (the panels and the legend)", sz, tc.width, tc.height)
			}
			svg, err := os.ReadFile(paths[1])
			if err != nil || !bytes.Contains(svg, []byte("<svg")) {
				t.Fatalf("SVG: %v", err)
			}
			if tc.kind == PlotKSweep {
				for _, want := range []string{"slot GS (mean ± 1 std)", "slot PS (mean ± 1 std)", "learned (±1 std)", "lenet-300-100 (n = 1–2 seeds)", "conv4 (n = 1 seed)"} {
					if !strings.Contains(string(svg), want) {
						t.Errorf("SVG lacks %q", want)
					}
				}
			}
		})
	}
}

func TestPlotErrors(t *testing.T) {
	learnedOnly := []*Run{fakeRun("lenet-300-100", "learned", "greedy", 8, 0, 98, "done")}
	failedOnly := []*Run{fakeRun("lenet-300-100", "slot", "greedy", 8, 0, 0, "failed")}
	noCost := []*Run{fakeRun("lenet-300-100", "slot", "greedy", 8, 0, 90, "done")}
	noCost[0].Result.TrainFLOPs = 0
	for _, tc := range []struct {
		runs   []*Run
		kind   string
		series []string
		want   string
	}{
		{learnedOnly, PlotKSweep, nil, "no slot-machine runs"},
		{failedOnly, PlotKSweep, nil, "no finished runs"},
		{noCost, PlotCost, nil, "no training cost"},
		{learnedOnly, "pie", nil, "unknown plot kind"},
		{noCost, PlotKSweep, []string{"sharng"}, `no run has the series key "sharng"`},
	} {
		if _, err := PlotFigure(tc.runs, PlotOptions{Kind: tc.kind, Band: BandStd, Series: tc.series}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.kind, err, tc.want)
		}
	}
}

// TestPlotSeries checks the lines a figure gets from the series keys.
func TestPlotSeries(t *testing.T) {
	var runs []*Run
	for _, sh := range []string{"per_layer", "global"} {
		for _, k := range []int{2, 8} {
			r := fakeRun("lenet-300-100", "slot", "greedy", k, 0, 90, "done")
			r.Result.Sharing = sh
			r.Result.Config["sharing"] = map[string]any{"id": "sharing." + sh}
			r.Result.ConfigHash += sh
			runs = append(runs, r)
		}
	}
	runs = append(runs, fakeRun("lenet-300-100", "learned", "greedy", 8, 0, 95, "done"))
	root := t.TempDir()
	store(t, root, runs...)
	runs, err := Scan(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind   string
		series []string
		want   []string
		mixed  bool // lines average runs of both sharing strategies
	}{
		{PlotKSweep, nil, []string{"slot GS (mean ± 1 std)", "learned (±1 std)"}, true},
		{PlotKSweep, []string{"sharing"}, []string{"global (mean ± 1 std)", "per_layer (mean ± 1 std)", "learned (±1 std)"}, false},
		{PlotCurves, nil, []string{"slot GS K=2", "slot GS K=8", "learned"}, true},
		{PlotCost, []string{"sharing", "k"}, []string{"global K=2", "global K=8", "per_layer K=2", "per_layer K=8", "learned"}, false},
	} {
		f, err := PlotFigure(runs, PlotOptions{Kind: tc.kind, Band: BandMinMax, Series: tc.series})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range f.legend {
			got = append(got, e.label)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s by %v: legend %q, want %q", tc.kind, tc.series, got, tc.want)
		}
		warned := len(f.Warnings) > 0 && strings.Contains(strings.Join(f.Warnings, "\n"), "sharing.id (sharing.global, sharing.per_layer)")
		if warned != tc.mixed || (!tc.mixed && len(f.Warnings) > 0) {
			t.Errorf("%s by %v: warnings %q", tc.kind, tc.series, f.Warnings)
		}
	}
}
