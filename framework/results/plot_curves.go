package results

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// PlotCurves is the name of the plot of accuracy per epoch.
const PlotCurves = "curves"

func init() {
	RegisterPlotKind(PlotKind{Name: PlotCurves, Figure: curvesFigure, Summary: `validation and test accuracy per epoch, a line per network,
method and K: the mean over seeds with a band (min..max or ±std)`})
}

// Band kinds of curves over seeds.
const (
	BandMinMax = "minmax"
	BandStd    = "std"
)

// curve is one series of a learning-curve plot: per epoch, the mean over
// the runs that reached it and the band around it.
type curve struct {
	label       string
	x, y        []float64
	lo, hi      []float64
	runs        int
	multiSeeded bool
}

// seriesOf groups runs into the lines of curves: by the series keys
// (default method and K; the learned baseline one line), with the network
// in front when there are several.
func seriesOf(runs []*Run, keys []string) ([]string, map[string][]*Run) {
	keys = seriesKeys(keys)
	nets := map[string]bool{}
	for _, r := range runs {
		nets[r.Result.Architecture] = true
	}
	return groupsBy(runs, func(r *Run) string {
		l := seriesLabel(r, keys)
		if len(nets) > 1 {
			l = r.Result.Architecture + " " + l
		}
		return l
	})
}

// seriesKeys are the keys of the lines of curves and cost: the given ones,
// or method and K.
func seriesKeys(keys []string) []string {
	if len(keys) == 0 {
		return []string{KeyMethod, "k"}
	}
	return keys
}

// epochCurve builds a series: y(e) per epoch e over the runs, x(e) the
// epoch number or, when x is given, its mean over the runs.
func epochCurve(label string, runs []*Run, y, x func(Epoch) float64, bandKind string) (*curve, error) {
	var per [][]Epoch
	longest := 0
	for _, r := range runs {
		m, err := r.Metrics()
		if err != nil {
			return nil, err
		}
		if len(m) > 0 {
			per = append(per, m)
			longest = max(longest, len(m))
		}
	}
	c := &curve{label: label, runs: len(per)}
	for e := 0; e < longest; e++ {
		var ys, xs []float64
		for _, m := range per {
			if e < len(m) {
				ys = append(ys, y(m[e]))
				if x != nil {
					xs = append(xs, x(m[e]))
				}
			}
		}
		s := Summarize(ys)
		xv := float64(e + 1)
		if x != nil {
			xv = Summarize(xs).Mean
		}
		lo, hi := s.Min, s.Max
		if bandKind == BandStd {
			lo, hi = s.Mean-s.Std, s.Mean+s.Std
		}
		c.x, c.y, c.lo, c.hi = append(c.x, xv), append(c.y, s.Mean), append(c.lo, lo), append(c.hi, hi)
		c.multiSeeded = c.multiSeeded || s.N > 1
	}
	return c, nil
}

// addCurves draws curves into a panel: a band, a line and points each.
func addCurves(f *Figure, p *plot.Plot, cs []*curve) error {
	for _, c := range cs {
		if len(c.x) == 0 {
			continue
		}
		col, glyph, line := style(f.Series(c.label))
		glyph.Radius = vg.Points(2.5)
		switch {
		case c.multiSeeded && len(c.x) == 1:
			// A band of one point is invisible: show the range as a bar.
			eb, err := plotter.NewYErrorBars(errPoints{{x: c.x[0], y: c.y[0], err: 0}})
			if err != nil {
				return err
			}
			eb.YErrors[0].Low, eb.YErrors[0].High = c.y[0]-c.lo[0], c.hi[0]-c.y[0]
			eb.LineStyle, eb.CapWidth = line, vg.Points(6)
			p.Add(eb)
		case c.multiSeeded:
			b, err := band(c.x, c.lo, c.hi, col)
			if err != nil {
				return err
			}
			p.Add(b)
		}
		pts := make(plotter.XYs, len(c.x))
		for j := range c.x {
			pts[j] = plotter.XY{X: c.x[j], Y: c.y[j]}
		}
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		l.LineStyle, sc.GlyphStyle = line, glyph
		p.Add(l, sc)
		f.AddLegend(c.label, l, sc)
	}
	return nil
}

// curveSeeds says over how many runs the curves average.
func curveSeeds(cs []*curve) string {
	var ns []int
	for _, c := range cs {
		ns = append(ns, c.runs)
	}
	return seedsText(ns)
}

// yRange fits a panel's y axis to its curves and bands.
func yRange(p *plot.Plot, cs []*curve) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range cs {
		for j := range c.x {
			lo, hi = math.Min(lo, c.lo[j]), math.Max(hi, c.hi[j])
		}
	}
	if math.IsInf(lo, 0) {
		return
	}
	pad := math.Max(1, 0.08*(hi-lo))
	p.Y.Min, p.Y.Max = lo-pad, hi+pad
}

// curvesFigure plots validation and test accuracy per epoch side by side,
// one series per network, method and K: the mean over seeds with a band
// (min..max or ±std).
func curvesFigure(runs []*Run, o PlotOptions) (*Figure, error) {
	bandKind := o.Band
	labels, by := seriesOf(runs, o.Series)
	f := &Figure{Cols: 2, PanelWidth: 5.5 * vg.Inch, PanelHeight: 4 * vg.Inch}
	what := "band: min..max"
	if bandKind == BandStd {
		what = "band: ±1 std"
	}
	for _, panel := range []struct {
		title string
		y     func(Epoch) float64
	}{
		{"validation accuracy (" + what, func(e Epoch) float64 { return e.ValAcc }},
		{"test accuracy (" + what, func(e Epoch) float64 { return e.TestAcc }},
	} {
		var cs []*curve
		for _, l := range labels {
			if len(f.Panels) == 0 {
				f.checkMixed("line "+l, by[l], seriesKeys(o.Series)...)
			}
			c, err := epochCurve(l, by[l], panel.y, nil, bandKind)
			if err != nil {
				return nil, err
			}
			cs = append(cs, c)
		}
		p := newPanel(panel.title+", "+curveSeeds(cs)+")", "epoch", "accuracy (%)")
		p.X.Tick.Marker = epochTicks{}
		if err := addCurves(f, p, cs); err != nil {
			return nil, err
		}
		yRange(p, cs)
		p.X.Min, p.X.Max = math.Min(p.X.Min, 0.5), p.X.Max+0.5
		f.Panels = append(f.Panels, p)
	}
	return f, nil
}

// epochTicks labels whole epochs only.
type epochTicks struct{}

// Ticks returns integer ticks between lo and hi.
func (epochTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Label != "" && t.Value == math.Trunc(t.Value) {
			t.Label = fmt.Sprint(int(t.Value))
		} else {
			t.Label = ""
		}
		ts = append(ts, t)
	}
	if len(ts) == 0 || allUnlabelled(ts) {
		for e := math.Ceil(lo); e <= hi; e++ {
			ts = append(ts, plot.Tick{Value: e, Label: fmt.Sprint(e)})
		}
	}
	return ts
}

func allUnlabelled(ts []plot.Tick) bool {
	for _, t := range ts {
		if t.Label != "" {
			return false
		}
	}
	return true
}
