package results

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// PlotCost is the name of the plot of accuracy against training cost.
const PlotCost = "cost"

func init() {
	RegisterPlotKind(PlotKind{Name: PlotCost, Figure: costFigure, Summary: `test accuracy against cumulative training FLOPs (log x), a
point per epoch, a panel per network`})
}

// costFigure plots test accuracy against the cumulative training cost
// (FLOPs, log scale), one panel per network and one series per method and
// K: a point per epoch at the mean cost and mean accuracy over seeds, with
// the band over seeds. The last point of a series is the run's total
// cost, train_flops of result.json.
func costFigure(runs []*Run, o PlotOptions) (*Figure, error) {
	bandKind := o.Band
	nets, byNet := panelsBy(runs, KeyNetwork)
	f := &Figure{Cols: 2, PanelWidth: 5.5 * vg.Inch, PanelHeight: 4 * vg.Inch}
	for _, net := range nets {
		nr := byNet[net]
		for _, r := range nr {
			if !(r.Result.TrainFLOPs > 0) {
				return nil, fmt.Errorf("%s has no training cost (train_flops in result.json)", r.Dir)
			}
		}
		labels, by := seriesOf(nr, o.Series)
		var cs []*curve
		for _, l := range labels {
			f.checkMixed(net+" "+l, by[l], seriesKeys(o.Series)...)
			c, err := epochCurve(l, by[l], func(e Epoch) float64 { return e.TestAcc }, func(e Epoch) float64 { return e.FLOPs }, bandKind)
			if err != nil {
				return nil, err
			}
			cs = append(cs, c.positiveX())
		}
		what := "band: min..max"
		if bandKind == BandStd {
			what = "band: ±1 std"
		}
		p := newPanel(net+" ("+what+", "+curveSeeds(cs)+")", "training FLOPs (log scale)", "test accuracy (%)")
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks{}
		if err := addCurves(f, p, cs); err != nil {
			return nil, err
		}
		yRange(p, cs)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, c := range cs {
			for _, x := range c.x {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
		if lo > 0 && hi >= lo {
			p.X.Min, p.X.Max = lo/1.3, hi*1.3
		}
		f.Panels = append(f.Panels, p)
	}
	return f, nil
}

// positiveX drops the points a log x axis cannot show.
func (c *curve) positiveX() *curve {
	out := &curve{label: c.label, runs: c.runs, multiSeeded: c.multiSeeded}
	for i, x := range c.x {
		if x > 0 {
			out.x, out.y = append(out.x, x), append(out.y, c.y[i])
			out.lo, out.hi = append(out.lo, c.lo[i]), append(out.hi, c.hi[i])
		}
	}
	return out
}
