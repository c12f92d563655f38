package results

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// The names of the text table formats this file writes.
const (
	FormatMarkdown = "md"
	FormatASCII    = "ascii"
)

func init() {
	RegisterTableFormat(TableFormat{Name: FormatMarkdown, Summary: "a Markdown table, the best of each row in bold",
		Write: func(w io.Writer, g *Grid) error { return writeText(w, g, FormatMarkdown) }})
	RegisterTableFormat(TableFormat{Name: FormatASCII, Summary: "a text table, the best of each row starred",
		Write: func(w io.Writer, g *Grid) error { return writeText(w, g, FormatASCII) }})
}

// metricNames describe the usual metrics in table notes.
var metricNames = map[string]string{
	"test_acc":         "test accuracy (%) at the best validation epoch",
	"val_acc":          "best validation accuracy (%)",
	"final_test_acc":   "test accuracy (%) after the last epoch",
	"final_val_acc":    "validation accuracy (%) after the last epoch",
	"final_train_loss": "training loss of the last epoch",
	"train_flops":      "training cost (FLOPs)",
	"train_seconds":    "wall time (s)",
}

// WriteTable renders a grid in the registered table format named (see
// TableFormats): md (Markdown), ascii (a text table), csv (one line per
// cell: the row and column values, mean, std, n, failed, best, reference
// and diff as separate columns), latex (a booktabs tabular), or one a
// researcher added. Cells show mean ± sample std, and the number of runs
// where it differs between cells; the best entry of each row is bold (md,
// latex) or starred (ascii). Where the runs' configs carry a reference
// block, each cell it matches also shows the published value and the
// difference. Notes (what the cells are, failed runs) follow the table, as
// % comments in LaTeX; CSV has none.
func WriteTable(w io.Writer, g *Grid, format string) error {
	f, ok := tableFormat(format)
	if !ok {
		return fmt.Errorf("unknown table format %q: use one of %s", format, strings.Join(TableFormatNames(), ", "))
	}
	return f.Write(w, g)
}

// number formats a value of the grid's metric (see FormatMetric).
func (g *Grid) number(x float64) string { return FormatMetric(g.Metric, x) }

// FormatMetric writes a value of metric as tables print it: accuracies
// (names ending in _acc) with two decimals, anything else with four
// significant digits.
func FormatMetric(metric string, x float64) string {
	if strings.HasSuffix(metric, "_acc") {
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// cellText is a cell as "mean ± std", with " (n=N)" unless every cell
// has the same number of runs; pm is the ± sign of the format.
func (g *Grid) cellText(c *Cell, pm string) string {
	switch {
	case c == nil:
		return ""
	case c.N == 0 && len(c.Failed) > 0:
		return "failed"
	case c.N == 0:
		return "unfinished"
	}
	s := g.number(c.Mean)
	if c.N > 1 {
		s += pm + g.number(c.Std)
	}
	if g.UniformN() == 0 {
		s += fmt.Sprintf(" (n=%d)", c.N)
	}
	return s
}

// ColLabel is the header of column j (see labelOf).
func (g *Grid) ColLabel(j int) string {
	if len(g.ColKeys) == 0 {
		return g.Metric
	}
	return labelOf(g.ColKeys, g.Cols[j])
}

// labelOf names the values of keys: "K=2" for K, key=value for other
// numbers, the value itself for text, "–" for a missing value.
func labelOf(keys []string, values Group) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		v := values[i]
		_, err := strconv.ParseFloat(v, 64)
		switch {
		case k == "k" && err == nil:
			parts[i] = "K=" + v
		case err == nil:
			parts[i] = k + "=" + v
		case v == "":
			parts[i] = "–"
		default:
			parts[i] = v
		}
	}
	return strings.Join(parts, " ")
}

// Notes are the lines that say what the cells hold and which runs failed;
// best says how the best cell of a row is shown ("in bold").
func (g *Grid) Notes(best string) []string {
	what := metricNames[g.Metric]
	if what == "" {
		what = g.Metric
	}
	how := "mean ± sample std (n runs, one per seed, given per cell)"
	if n := g.UniformN(); n == 1 {
		how = "one run per cell"
	} else if n > 1 {
		how = fmt.Sprintf("mean ± sample std over n = %d runs (seeds) per cell", n)
	}
	lines := []string{fmt.Sprintf("%s: %s; best of each row %s.", what, how, best)}
	if len(g.RefSources) > 0 {
		lines = append(lines, fmt.Sprintf("ref: the published value (%s); Δ: measured mean minus ref.", strings.Join(g.RefSources, "; ")))
	}
	if len(g.Failed) > 0 {
		where := g.excluded(func(c *Cell) []*Run { return c.Failed }, func(runs []*Run) string { return fmt.Sprint(len(runs)) })
		lines = append(lines, fmt.Sprintf("%d failed run(s) excluded: %s.", len(g.Failed), where))
	}
	if len(g.Unfinished) > 0 {
		where := g.excluded(func(c *Cell) []*Run { return c.Unfinished }, epochsReached)
		lines = append(lines, fmt.Sprintf("%d unfinished run(s) excluded (interrupted; the same command resumes them): %s.", len(g.Unfinished), where))
	}
	return lines
}

// excluded lists the cells where which(cell) has runs, as "row / column
// (detail)".
func (g *Grid) excluded(which func(*Cell) []*Run, detail func([]*Run) string) string {
	var where []string
	for i, row := range g.Cells {
		for j, c := range row {
			if c != nil && len(which(c)) > 0 {
				where = append(where, fmt.Sprintf("%s / %s (%s)", g.Rows[i].Label(), g.ColLabel(j), detail(which(c))))
			}
		}
	}
	return strings.Join(where, ", ")
}

// epochsReached says how far unfinished runs got: "33 of 200 epochs", one
// entry per run.
func epochsReached(runs []*Run) string {
	var parts []string
	for _, r := range runs {
		s := fmt.Sprintf("%d", r.Result.Epochs)
		if n, ok := r.Number("train.epochs"); ok {
			s += fmt.Sprintf(" of %g", n)
		}
		parts = append(parts, s+" epochs")
	}
	return strings.Join(parts, "; ")
}

// writeText renders Markdown or an ASCII table through tablewriter.
func writeText(w io.Writer, g *Grid, format string) error {
	opts := []tablewriter.Option{tablewriter.WithHeaderAutoFormat(tw.Off), tablewriter.WithRowAutoFormat(tw.Off)}
	mark := func(s string) string { return s + " *" }
	best := "marked *"
	if format == FormatMarkdown {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()))
		mark = func(s string) string { return "**" + s + "**" }
		best = "in bold"
	} else {
		opts = append(opts, tablewriter.WithRendition(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)}))
	}
	align := make([]tw.Align, 0, len(g.RowKeys)+len(g.Cols))
	for range g.RowKeys {
		align = append(align, tw.AlignLeft)
	}
	for range g.Cols {
		align = append(align, tw.AlignRight)
	}
	opts = append(opts, tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}))
	t := tablewriter.NewTable(w, opts...)
	header, lines := g.TextRows(mark)
	t.Header(header)
	for _, line := range lines {
		if err := t.Append(line); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	for _, n := range g.Notes(best) {
		if format == FormatMarkdown {
			n = "\n" + n
		}
		if _, err := fmt.Fprintln(w, n); err != nil {
			return err
		}
	}
	return nil
}

// TextRows returns the grid as the Markdown and ASCII tables print it:
// the header (the row keys, then each column's label) and one line per
// row (its values, "–" for a missing one, then each cell as "mean ± std"
// with the reference and difference where there is one); mark decorates
// the text of the best cell of each row.
func (g *Grid) TextRows(mark func(string) string) (header []string, rows [][]string) {
	header = append([]string(nil), g.RowKeys...)
	for j := range g.Cols {
		header = append(header, g.ColLabel(j))
	}
	for i, row := range g.Cells {
		line := append([]string(nil), g.Rows[i]...)
		for j := range line {
			if line[j] == "" {
				line[j] = "–"
			}
		}
		for _, c := range row {
			s := g.cellText(c, " ± ")
			if c != nil && c.Best {
				s = mark(s)
			}
			if r := g.refText(c); r != "" {
				s += " (" + r + ")"
			}
			line = append(line, s)
		}
		rows = append(rows, line)
	}
	return header, rows
}
