package results

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Stats summarise a metric over the runs of a group.
type Stats struct {
	N    int
	Mean float64
	// Std is the sample standard deviation (divisor n−1); 0 when N < 2.
	Std      float64
	Min, Max float64
}

// Summarize returns the mean, sample standard deviation, range and count
// of xs.
func Summarize(xs []float64) Stats {
	s := Stats{N: len(xs)}
	if s.N == 0 {
		return s
	}
	s.Min, s.Max = math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		s.Mean += x
		s.Min, s.Max = min(s.Min, x), max(s.Max, x)
	}
	s.Mean /= float64(s.N)
	if s.N > 1 {
		var ss float64
		for _, x := range xs {
			ss += (x - s.Mean) * (x - s.Mean)
		}
		s.Std = math.Sqrt(ss / float64(s.N-1))
	}
	return s
}

// Group is the values of the grouping keys shared by a row, a column or a
// series of runs.
type Group []string

// Label joins the values with spaces, "–" for a run that lacks a key.
func (g Group) Label() string {
	parts := make([]string, len(g))
	for i, v := range g {
		if v == "" {
			v = "–"
		}
		parts[i] = v
	}
	return strings.Join(parts, " ")
}

// Cell is one entry of a Grid: the finished runs of a row and column with
// the metric's statistics over them, and the failed and the unfinished
// runs excluded.
type Cell struct {
	Stats
	Runs   []*Run
	Failed []*Run
	// Unfinished are the runs stopped before their last epoch (status
	// interrupted: a signal or a time limit), which resume from their
	// checkpoints.
	Unfinished []*Run
	// Best marks the best mean of its row (ties all marked), set only in
	// rows with more than one filled cell.
	Best bool
	// Ref is the published value for this cell from the runs' reference
	// block (config.Reference), nil if none matches.
	Ref *RefValue
}

// Grid is runs grouped into rows and columns by keys (see Run.Value) with
// one metric aggregated per cell.
type Grid struct {
	RowKeys, ColKeys []string
	Metric           string
	// LowerIsBetter is true for losses, FLOPs and times.
	LowerIsBetter bool
	Rows, Cols    []Group
	// Cells[i][j] is row i, column j; nil where no run falls.
	Cells [][]*Cell
	// Failed are the failed runs and Unfinished the interrupted ones, both
	// excluded from the statistics.
	Failed, Unfinished []*Run
	// RefSources name the reference blocks that gave a cell its Ref.
	RefSources []string
	// Warnings say where a cell mixes runs whose configs differ in more
	// than the seed, and which finished runs lack the metric.
	Warnings []string
}

// Aggregate groups runs by the row and column keys and summarises the
// metric (a numeric key, normally a result field such as test_acc) in each
// cell. Failed and unfinished runs are counted in their cell but not
// summarised.
func Aggregate(runs []*Run, rowKeys, colKeys []string, metric string) (*Grid, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("no runs: no result.json found")
	}
	for _, k := range append(append([]string{metric}, rowKeys...), colKeys...) {
		if !anyHas(runs, k) {
			return nil, fmt.Errorf("no run has the key %q; keys are result fields (%s) or dotted config paths (train.epochs, data.train_limit, ...)", k, strings.Join(resultKeys(runs[0]), ", "))
		}
	}
	g := &Grid{RowKeys: rowKeys, ColKeys: colKeys, Metric: metric, LowerIsBetter: lowerIsBetter(metric)}
	rowIx, colIx := map[string]int{}, map[string]int{}
	type placed struct {
		run      *Run
		row, col Group
	}
	var all []placed
	for _, r := range runs {
		p := placed{run: r, row: groupOf(r, rowKeys), col: groupOf(r, colKeys)}
		all = append(all, p)
		if _, ok := rowIx[key(p.row)]; !ok {
			rowIx[key(p.row)] = len(g.Rows)
			g.Rows = append(g.Rows, p.row)
		}
		if _, ok := colIx[key(p.col)]; !ok {
			colIx[key(p.col)] = len(g.Cols)
			g.Cols = append(g.Cols, p.col)
		}
	}
	sortGroups(g.Rows)
	sortGroups(g.Cols)
	for i, r := range g.Rows {
		rowIx[key(r)] = i
	}
	for j, c := range g.Cols {
		colIx[key(c)] = j
	}
	g.Cells = make([][]*Cell, len(g.Rows))
	for i := range g.Cells {
		g.Cells[i] = make([]*Cell, len(g.Cols))
	}
	values := map[*Cell][]float64{}
	for _, p := range all {
		i, j := rowIx[key(p.row)], colIx[key(p.col)]
		c := g.Cells[i][j]
		if c == nil {
			c = &Cell{}
			g.Cells[i][j] = c
		}
		switch p.run.Result.Status {
		case StatusDone:
		case StatusInterrupted:
			c.Unfinished = append(c.Unfinished, p.run)
			g.Unfinished = append(g.Unfinished, p.run)
			continue
		default:
			c.Failed = append(c.Failed, p.run)
			g.Failed = append(g.Failed, p.run)
			continue
		}
		v, ok := p.run.Number(metric)
		if !ok {
			g.Warnings = append(g.Warnings, fmt.Sprintf("%s has no numeric %s; left out", p.run.Dir, metric))
			continue
		}
		c.Runs = append(c.Runs, p.run)
		values[c] = append(values[c], v)
	}
	for i, row := range g.Cells {
		for j, c := range row {
			if c == nil {
				continue
			}
			c.Stats = Summarize(values[c])
			if w := mixed(c.Runs, append(append([]string(nil), rowKeys...), colKeys...)); w != "" {
				g.Warnings = append(g.Warnings, fmt.Sprintf("cell %s / %s mixes runs that differ in %s: group by the key (--rows/--cols) or give fewer directories", g.Rows[i].Label(), g.Cols[j].Label(), w))
			}
		}
	}
	g.markBest()
	g.attachReferences(nil)
	return g, nil
}

// markBest marks the best mean of each row with more than one filled cell.
func (g *Grid) markBest() {
	for _, row := range g.Cells {
		best, filled := math.NaN(), 0
		for _, c := range row {
			if c == nil || c.N == 0 {
				continue
			}
			filled++
			if math.IsNaN(best) || (g.LowerIsBetter && c.Mean < best) || (!g.LowerIsBetter && c.Mean > best) {
				best = c.Mean
			}
		}
		if filled < 2 {
			continue
		}
		for _, c := range row {
			if c != nil && c.N > 0 && c.Mean == best {
				c.Best = true
			}
		}
	}
}

// UniformN returns the number of runs of every filled cell when it is the
// same everywhere, else 0.
func (g *Grid) UniformN() int {
	n := 0
	for _, row := range g.Cells {
		for _, c := range row {
			if c == nil || c.N == 0 {
				continue
			}
			if n != 0 && c.N != n {
				return 0
			}
			n = c.N
		}
	}
	return n
}

func lowerIsBetter(metric string) bool {
	for _, s := range []string{"loss", "flops", "seconds"} {
		if strings.Contains(metric, s) {
			return true
		}
	}
	return false
}

func groupOf(r *Run, keys []string) Group {
	g := make(Group, len(keys))
	for i, k := range keys {
		g[i], _ = r.Value(k)
	}
	return g
}

func key(g Group) string { return strings.Join(g, "\x00") }

func anyHas(runs []*Run, k string) bool {
	for _, r := range runs {
		if _, ok := r.Value(k); ok {
			return true
		}
	}
	return false
}

func resultKeys(r *Run) []string {
	var out []string
	for k, v := range r.resultFields() {
		if _, nested := v.(map[string]any); !nested {
			out = append(out, k)
		}
	}
	out = append(out, KeyNetwork, KeyKOrLearned)
	sort.Strings(out)
	return out
}

// sameInCell are config keys that may differ between the runs of a cell
// without making them different experiments.
var sameInCell = []string{"seed", "name", "description", "data.dir", "data.download", "train.checkpoint_every", "sweep", "reference"}

// mixed names the config keys (besides the seed and the grouping keys) in
// which the runs of a cell differ, with their values, or "".
func mixed(runs []*Run, grouping []string) string {
	if len(runs) < 2 {
		return ""
	}
	skip := map[string]bool{}
	for _, k := range append(append([]string(nil), sameInCell...), grouping...) {
		skip[strings.TrimPrefix(k, ConfigPrefix)] = true
	}
	values := map[string]map[string]bool{}
	for _, r := range runs {
		for k, v := range r.flatConfig() {
			if skip[k] || skip[strings.SplitN(k, ".", 2)[0]] || strings.HasPrefix(v, "{") {
				continue
			}
			if values[k] == nil {
				values[k] = map[string]bool{}
			}
			values[k][v] = true
		}
	}
	var diff []string
	for k, vs := range values {
		if len(vs) > 1 || countHaving(runs, k) != len(runs) {
			var list []string
			for v := range vs {
				list = append(list, v)
			}
			sort.Strings(list)
			diff = append(diff, fmt.Sprintf("%s (%s)", k, strings.Join(list, ", ")))
		}
	}
	sort.Strings(diff)
	return strings.Join(diff, ", ")
}

func countHaving(runs []*Run, k string) int {
	n := 0
	for _, r := range runs {
		if _, ok := r.flatConfig()[k]; ok {
			n++
		}
	}
	return n
}
