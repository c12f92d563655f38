package results

import (
	"fmt"
	"github.com/slotlab/slotlab/framework"
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// axisLabel names a metric on an axis.
func axisLabel(metric string) string {
	switch metric {
	case "test_acc":
		return "test accuracy (%)"
	case "val_acc":
		return "best validation accuracy (%)"
	case "final_test_acc":
		return "final test accuracy (%)"
	}
	if d, ok := metricNames[metric]; ok {
		return d
	}
	return metric
}

// newPanel starts a plot with a title and axis labels; the legend is the
// figure's.
func newPanel(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Add(plotter.NewGrid())
	return p
}

// style is the look of series i: its colour, glyph and line.
func style(i int) (color.Color, draw.GlyphStyle, draw.LineStyle) {
	c := plotutil.DarkColors[i%len(plotutil.DarkColors)]
	g := draw.GlyphStyle{Color: c, Radius: vg.Points(3.5), Shape: plotutil.Shape(i)}
	l := draw.LineStyle{Color: c, Width: vg.Points(2)}
	return c, g, l
}

// translucent returns c with the given alpha (0–255), for bands.
func translucent(c color.Color, alpha uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: alpha}
}

// band is a filled polygon between lo and hi at the xs.
func band(xs, lo, hi []float64, c color.Color) (*plotter.Polygon, error) {
	pts := make(plotter.XYs, 0, 2*len(xs))
	for i := range xs {
		pts = append(pts, plotter.XY{X: xs[i], Y: lo[i]})
	}
	for i := len(xs) - 1; i >= 0; i-- {
		pts = append(pts, plotter.XY{X: xs[i], Y: hi[i]})
	}
	poly, err := plotter.NewPolygon(pts)
	if err != nil {
		return nil, err
	}
	poly.Color = translucent(c, 60)
	poly.LineStyle.Width = 0
	return poly, nil
}

// powerTicks labels the given values of a log axis (the K of a sweep).
func powerTicks(values []float64) plot.ConstantTicks {
	var ts plot.ConstantTicks
	for _, v := range values {
		ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
	}
	return ts
}

// logTicks labels a log axis at 1, 2 and 5 times the powers of ten when it
// spans few decades and at the powers of ten otherwise, with minor ticks
// at every integer multiple.
type logTicks struct{}

// Ticks returns the ticks between lo and hi.
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	decades := math.Log10(hi / lo)
	var ts []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		base := math.Pow(10, e)
		for m := 1; m < 10; m++ {
			v := base * float64(m)
			if v < lo*0.999 || v > hi*1.001 {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || (decades < 2.5 && (m == 2 || m == 5)) || decades < 0.7 {
				t.Label = strconv.FormatFloat(v, 'g', 3, 64)
			}
			ts = append(ts, t)
		}
	}
	labelled := 0
	for _, t := range ts {
		if t.Label != "" {
			labelled++
		}
	}
	if labelled < 2 {
		ts = plot.DefaultTicks{}.Ticks(lo, hi)
		for i := range ts {
			if ts[i].Label != "" {
				ts[i].Label = strconv.FormatFloat(ts[i].Value, 'g', 3, 64)
			}
		}
	}
	return ts
}

// panelsBy splits runs into panels by a key, sorted naturally.
func panelsBy(runs []*Run, key string) ([]string, map[string][]*Run) {
	return groupsBy(runs, func(r *Run) string {
		v, _ := r.Value(key)
		return v
	})
}

// groupsBy splits runs by a label, the labels sorted naturally.
func groupsBy(runs []*Run, label func(*Run) string) ([]string, map[string][]*Run) {
	by := map[string][]*Run{}
	var names []string
	for _, r := range runs {
		v := label(r)
		if _, ok := by[v]; !ok {
			names = append(names, v)
		}
		by[v] = append(by[v], r)
	}
	sort.SliceStable(names, func(i, j int) bool { return naturalLess(names[i], names[j]) })
	return names, by
}

// finished returns the finished runs and the number of failed ones.
func finished(runs []*Run) ([]*Run, int) {
	var out []*Run
	for _, r := range runs {
		if r.Done() {
			out = append(out, r)
		}
	}
	return out, len(runs) - len(out)
}

// PlotOptions say what to plot.
type PlotOptions struct {
	// Kind names a registered plot kind (PlotKinds): k-sweep, curves,
	// cost, or one a researcher added.
	Kind string
	// Metric is the y axis of k-sweep (a numeric result field).
	Metric string
	// Band is the band of curves and cost over seeds: BandMinMax or
	// BandStd.
	Band string
	// Series are the keys whose values make a line (see Run.Value);
	// empty means method for k-sweep and method and K for curves and
	// cost. The learned baseline is always one line.
	Series []string
}

// PlotFigure builds a figure from runs; failed runs are left out.
func PlotFigure(runs []*Run, o PlotOptions) (*Figure, error) {
	done, _ := finished(runs)
	if len(done) == 0 {
		return nil, fmt.Errorf("no finished runs to plot")
	}
	if o.Metric == "" {
		o.Metric = "test_acc"
	}
	for _, k := range o.Series {
		if !anyHas(done, k) {
			return nil, fmt.Errorf("no run has the series key %q", k)
		}
	}
	k, ok := plotKind(o.Kind)
	if !ok {
		return nil, fmt.Errorf("unknown plot kind %q: use one of %s", o.Kind, strings.Join(PlotKindNames(), ", "))
	}
	return k.Figure(done, o)
}

// seriesLabel names the line a run belongs to: "learned" for the learned
// baseline, else the values of the series keys.
func seriesLabel(r *Run, keys []string) string {
	if r.Result.Method == framework.MethodLearned {
		return "learned"
	}
	return labelOf(keys, groupOf(r, keys))
}
