package results

import (
	"fmt"
	"github.com/slotlab/slotlab/framework"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// PlotKSweep is the name of the plot of a metric against K.
const PlotKSweep = "k-sweep"

func init() {
	RegisterPlotKind(PlotKind{Name: PlotKSweep, Figure: kSweepFigure, Summary: `the metric against K, a panel per network: slot GS, slot PS, ...
as lines with error bars (±1 sample std over seeds), the learned
baseline as a dashed horizontal line with its ±std band`})
}

// kSweepFigure plots the metric against K, one panel per network: every
// method that selects among K weights (slot GS, slot PS, ...) is a line of
// the means over seeds with error bars of one sample std, and the
// learned-weights baseline a dashed horizontal line with a ±std band.
func kSweepFigure(runs []*Run, o PlotOptions) (*Figure, error) {
	keys := o.Series
	if len(keys) == 0 {
		keys = []string{KeyMethod}
	}
	nets, byNet := panelsBy(runs, KeyNetwork)
	f := &Figure{Cols: 3, PanelWidth: 5 * vg.Inch, PanelHeight: 3.75 * vg.Inch}
	for _, net := range nets {
		p, err := kSweepPanel(f, net, byNet[net], o.Metric, keys)
		if err != nil {
			return nil, err
		}
		f.Panels = append(f.Panels, p)
	}
	return f, nil
}

func kSweepPanel(f *Figure, net string, runs []*Run, metric string, keys []string) (*plot.Plot, error) {
	p := newPanel(net, "K (candidates per connection)", axisLabel(metric))
	p.X.Scale = plot.LogScale{}
	methods, byMethod := groupsBy(runs, func(r *Run) string { return seriesLabel(r, keys) })
	ks := slotKs(runs)
	if len(ks) == 0 {
		return nil, fmt.Errorf("%s: no slot-machine runs with a K to plot against (only learned runs)", net)
	}
	p.X.Tick.Marker = powerTicks(ks)
	lo, hi := ks[0], ks[len(ks)-1]
	if lo == hi {
		lo, hi = lo/1.5, hi*1.5
	}
	p.X.Min, p.X.Max = lo/1.15, hi*1.15
	ymin, ymax := math.Inf(1), math.Inf(-1)
	var ns []int
	for mi, m := range methods {
		i := f.Series(m)
		col, glyph, line := style(i)
		mr := byMethod[m]
		if m == "learned" {
			s, err := metricStats(mr, metric)
			if err != nil {
				return nil, err
			}
			f.checkMixed(net+" learned", mr, "method", "k", "selector")
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
			l, err := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: s.Mean}, {X: p.X.Max, Y: s.Mean}})
			if err != nil {
				return nil, err
			}
			l.LineStyle = line
			if s.N > 1 {
				b, err := band([]float64{p.X.Min, p.X.Max}, []float64{s.Mean - s.Std, s.Mean - s.Std}, []float64{s.Mean + s.Std, s.Mean + s.Std}, col)
				if err != nil {
					return nil, err
				}
				p.Add(b)
			}
			p.Add(l)
			f.AddLegend("learned (±1 std)", l)
			ymin, ymax = math.Min(ymin, s.Mean-s.Std), math.Max(ymax, s.Mean+s.Std)
			ns = append(ns, s.N)
			continue
		}
		_, byK := panelsBy(mr, "k")
		var pts errPoints
		for _, k := range ks {
			kr := byK[fmt.Sprint(k)]
			if len(kr) == 0 {
				continue
			}
			s, err := metricStats(kr, metric)
			if err != nil {
				return nil, err
			}
			f.checkMixed(fmt.Sprintf("%s %s at K=%g", net, m, k), kr, append([]string{"k"}, keys...)...)
			// Spread the methods a little along x so that error bars at
			// the same K do not hide each other.
			x := k * math.Pow(2, 0.04*(float64(mi)-float64(len(methods)-1)/2))
			pts = append(pts, errPoint{x: x, y: s.Mean, err: s.Std})
			ymin, ymax = math.Min(ymin, s.Mean-s.Std), math.Max(ymax, s.Mean+s.Std)
			ns = append(ns, s.N)
		}
		if len(pts) == 0 {
			continue
		}
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		l.LineStyle, sc.GlyphStyle = line, glyph
		eb, err := plotter.NewYErrorBars(pts)
		if err != nil {
			return nil, err
		}
		eb.LineStyle = line
		eb.CapWidth = vg.Points(6)
		p.Add(l, sc, eb)
		f.AddLegend(m+" (mean ± 1 std)", l, sc)
	}
	p.Title.Text = net + " (" + seedsText(ns) + ")"
	pad := math.Max(1, 0.08*(ymax-ymin))
	p.Y.Min, p.Y.Max = ymin-pad, ymax+pad
	return p, nil
}

// slotKs are the K values of the runs other than the learned baseline,
// sorted.
func slotKs(runs []*Run) []float64 {
	set := map[float64]bool{}
	for _, r := range runs {
		if r.Result.Method != framework.MethodLearned {
			set[float64(r.Result.K)] = true
		}
	}
	var ks []float64
	for k := range set {
		ks = append(ks, k)
	}
	sort.Float64s(ks)
	return ks
}

// seedsText says how many runs each point averages: "n = 2 seeds" or
// "n = 1–3 seeds".
func seedsText(ns []int) string {
	if len(ns) == 0 {
		return "no runs"
	}
	lo, hi := ns[0], ns[0]
	for _, n := range ns {
		lo, hi = min(lo, n), max(hi, n)
	}
	if lo == hi && lo == 1 {
		return "n = 1 seed"
	}
	if lo == hi {
		return fmt.Sprintf("n = %d seeds", lo)
	}
	return fmt.Sprintf("n = %d–%d seeds", lo, hi)
}

// metricStats summarises a metric over runs.
func metricStats(runs []*Run, metric string) (Stats, error) {
	var xs []float64
	for _, r := range runs {
		v, ok := r.Number(metric)
		if !ok {
			return Stats{}, fmt.Errorf("%s has no numeric %s", r.Dir, metric)
		}
		xs = append(xs, v)
	}
	return Summarize(xs), nil
}

// errPoint is a mean with a symmetric error.
type errPoint struct{ x, y, err float64 }

// errPoints implement plotter.XYer and plotter.YErrorer.
type errPoints []errPoint

// Len is the number of points.
func (e errPoints) Len() int { return len(e) }

// XY returns point i.
func (e errPoints) XY(i int) (float64, float64) { return e[i].x, e[i].y }

// YError returns the error below and above point i.
func (e errPoints) YError(i int) (float64, float64) { return e[i].err, e[i].err }
