package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/slotlab/slotlab/framework/results"
)

const plotUsage = `usage: slotlab plot DIR... --kind KIND [-o PREFIX] [--series KEYS] [--metric NAME] [--band minmax|std]

Reads every result.json under the directories and writes PREFIX.png and
PREFIX.svg (default PREFIX: plots/<kind>). --series names the lines by
other keys, as table's --rows: --series sharing draws a line per sharing
strategy.

Kinds:`

func plotCmd(args []string) error {
	fs := flag.NewFlagSet("plot", flag.ContinueOnError)
	kind := fs.String("kind", results.PlotKSweep, strings.Join(results.PlotKindNames(), ", "))
	out := fs.String("o", "", "output prefix: writes PREFIX.png and PREFIX.svg (default plots/<kind>)")
	metric := fs.String("metric", "test_acc", "the result field on the y axis of k-sweep")
	band := fs.String("band", results.BandMinMax, "band of curves and cost over seeds: minmax or std")
	series := fs.String("series", "", "keys whose values make a line, comma-separated (default: method for k-sweep, method,k for curves and cost)")
	dirs, err := parseArgs(fs, plotUsage+kindList(), args, "missing run directory (e.g. runs/lenet)")
	if err != nil {
		return err
	}
	if *band != results.BandMinMax && *band != results.BandStd {
		return fmt.Errorf("--band must be minmax or std, not %q", *band)
	}
	runs, err := results.Scan(dirs...)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		return fmt.Errorf("no result.json under %s", strings.Join(dirs, ", "))
	}
	fig, err := results.PlotFigure(runs, results.PlotOptions{Kind: *kind, Metric: *metric, Band: *band, Series: keyList(*series)})
	if err != nil {
		return err
	}
	for _, w := range fig.Warnings {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	prefix := *out
	if prefix == "" {
		prefix = filepath.Join("plots", *kind)
	}
	paths, err := fig.Save(prefix)
	for _, p := range paths {
		fmt.Println("wrote", p)
	}
	return err
}

// kindList lists the registered plot kinds for the usage text, each
// summary line indented under its name.
func kindList() string {
	var b strings.Builder
	for _, k := range results.PlotKinds() {
		fmt.Fprintf(&b, "\n  %-8s %s", k.Name, strings.ReplaceAll(k.Summary, "\n", "\n"+strings.Repeat(" ", 11)))
	}
	return b.String() + "\n"
}
