package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/slotlab/slotlab/framework/export"
)

const inspectUsage = `usage: slotlab inspect RUN_DIR...

For the network of each run's best validation epoch (best.bin), counts per
layer the rank of every connection's selected weight among its K candidates
(0: the smallest, K−1: the largest). "extreme" is the share of connections
on their smallest or largest candidate, against 2/K for a uniform pick: a
selection that drifted to the extremes behaves like K = 2.`

func inspectCmd(args []string) error {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	dirs, err := parseArgs(fs, inspectUsage, args, "missing run directory")
	if err != nil {
		return err
	}
	for _, dir := range dirs {
		o, layers, err := export.Inspect(dir)
		if err != nil {
			return err
		}
		fmt.Printf("%s (%s/%s, epoch %d, test accuracy %.2f%%)\n", dir, o.Name, o.RunID, o.Epoch, o.TestAcc)
		t := tablewriter.NewTable(os.Stdout, tablewriter.WithRenderer(renderer.NewMarkdown()),
			tablewriter.WithHeaderAutoFormat(tw.Off))
		t.Header("layer", "connections", "K", "extreme", "chance", "share by rank (smallest → largest)")
		for _, l := range layers {
			share, chance := l.Extreme()
			parts := make([]string, len(l.Ranks))
			for r, n := range l.Ranks {
				parts[r] = strconv.FormatFloat(100*float64(n)/float64(l.Connections), 'f', 1, 64)
			}
			if err := t.Append([]string{l.Name, strconv.Itoa(l.Connections), strconv.Itoa(l.K),
				fmt.Sprintf("%.1f%%", 100*share), fmt.Sprintf("%.1f%%", 100*chance), strings.Join(parts, " ")}); err != nil {
				return err
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
		fmt.Println()
	}
	return nil
}
