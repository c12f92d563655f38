package results

import (
	"fmt"
	"strings"
)

// EpochMetrics are the per-epoch values of metrics.jsonl that curves show,
// in the order a page lists them.
var EpochMetrics = []string{"train_acc", "val_acc", "test_acc", "train_loss", "val_loss", "test_loss", "lr"}

// epochValue returns the field of an epoch by its metrics.jsonl name.
func epochValue(metric string) (func(Epoch) float64, bool) {
	f, ok := map[string]func(Epoch) float64{
		"train_acc":  func(e Epoch) float64 { return e.TrainAcc },
		"val_acc":    func(e Epoch) float64 { return e.ValAcc },
		"test_acc":   func(e Epoch) float64 { return e.TestAcc },
		"train_loss": func(e Epoch) float64 { return e.TrainLoss },
		"val_loss":   func(e Epoch) float64 { return e.ValLoss },
		"test_loss":  func(e Epoch) float64 { return e.TestLoss },
		"lr":         func(e Epoch) float64 { return e.LR },
	}[metric]
	return f, ok
}

// Curve is one line of a learning-curve chart: at each X (the epoch, or
// the mean cumulative training FLOPs), the mean Y over the runs that
// reached that epoch and the band Lo..Hi around it.
type Curve struct {
	Label  string
	X, Y   []float64
	Lo, Hi []float64
	// Runs is the number of runs with at least one epoch.
	Runs int
}

// Curves groups runs into lines as the curves plot does (by the series
// keys, default method and K; the learned baseline one line; the network
// in front when there are several) and returns each line's metric (one of
// EpochMetrics) per epoch: the mean over the runs that reached the epoch
// with a band (min..max, or ±1 std with BandStd), against the epoch or,
// with flops, against the mean cumulative training FLOPs (epochs without
// FLOPs left out, as the cost plot's log axis does). Unlike PlotFigure it
// keeps runs in progress and failed runs, with the epochs they have.
// Warnings name the lines that average runs differing in more than the
// seed.
func Curves(runs []*Run, series []string, metric string, flops bool, band string) (curves []Curve, warnings []string, err error) {
	y, ok := epochValue(metric)
	if !ok {
		return nil, nil, fmt.Errorf("unknown epoch metric %q: use one of %s", metric, strings.Join(EpochMetrics, ", "))
	}
	if band != BandMinMax && band != BandStd {
		return nil, nil, fmt.Errorf("unknown band %q: use %s or %s", band, BandMinMax, BandStd)
	}
	for _, k := range series {
		if !anyHas(runs, k) {
			return nil, nil, fmt.Errorf("no run has the series key %q", k)
		}
	}
	var x func(Epoch) float64
	if flops {
		x = func(e Epoch) float64 { return e.FLOPs }
	}
	f := &Figure{}
	labels, by := seriesOf(runs, series)
	for _, l := range labels {
		f.checkMixed("line "+l, by[l], seriesKeys(series)...)
		c, err := epochCurve(l, by[l], y, x, band)
		if err != nil {
			return nil, nil, err
		}
		if flops {
			c = c.positiveX()
		}
		curves = append(curves, Curve{Label: c.label, X: c.x, Y: c.y, Lo: c.lo, Hi: c.hi, Runs: c.runs})
	}
	return curves, f.Warnings, nil
}
