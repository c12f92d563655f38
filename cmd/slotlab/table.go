package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/results"
)

const tableUsage = `usage: slotlab table DIR... [--rows KEYS] [--cols KEYS] [--metric NAME] [--format FORMAT]

Reads every result.json under the directories and prints one metric as
mean ± sample std over the runs of each cell, the best of each row marked.
KEYS are comma-separated: result fields (k, seed, selector, sharing,
dataset), dotted config paths (train.epochs, data.train_limit), or
network, method ("slot GS", "slot PS", "learned"), code (the commit that
wrote the result, "+modified" if its tree had changes) and k_or_learned (K=2,
..., learned). The default is the paper's table: rows network,method,
columns k_or_learned, metric test_acc (at the best validation epoch).

Where the runs' experiment file has a reference: block (published numbers
keyed like the cells), or --reference names a file with one, each cell it
matches also shows the published value and the difference.

Formats:`

func tableCmd(args []string) error {
	fs := flag.NewFlagSet("table", flag.ContinueOnError)
	rows := fs.String("rows", "network,method", "row keys, comma-separated")
	cols := fs.String("cols", results.KeyKOrLearned, "column keys, comma-separated (empty: one column)")
	metric := fs.String("metric", "test_acc", "the numeric result field in the cells (test_acc, val_acc, final_test_acc, train_flops, train_seconds, ...)")
	format := fs.String("format", results.FormatMarkdown, strings.Join(results.TableFormatNames(), ", "))
	ref := fs.String("reference", "", "an experiment file whose reference: block (published numbers) to print beside the cells, before the blocks the runs carry")
	dirs, err := parseArgs(fs, tableUsage+formatList(), args, "missing run directory (e.g. runs/lenet)")
	if err != nil {
		return err
	}
	g, err := loadGrid(dirs, keyList(*rows), keyList(*cols), *metric)
	if err != nil {
		return err
	}
	if *ref != "" {
		block, err := config.LoadReference(*ref)
		if err != nil {
			return err
		}
		g.UseReferences([]map[string]any{block})
	}
	for _, w := range g.Warnings {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	return results.WriteTable(os.Stdout, g, *format)
}

// loadGrid reads the runs under dirs and groups them.
func loadGrid(dirs, rows, cols []string, metric string) (*results.Grid, error) {
	runs, err := results.Scan(dirs...)
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("no result.json under %s", strings.Join(dirs, ", "))
	}
	return results.Aggregate(runs, rows, cols, metric)
}

// keyList splits a comma-separated list of keys.
func keyList(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// formatList lists the registered table formats for the usage text.
func formatList() string {
	var b strings.Builder
	for _, f := range results.TableFormats() {
		fmt.Fprintf(&b, "\n  %-6s %s", f.Name, f.Summary)
	}
	return b.String() + "\n"
}
