package results

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
)

// RefValue is a published number beside a cell: Value from Source, and
// Diff, the cell's mean minus Value.
type RefValue struct {
	Value, Diff float64
	Source      string
}

// refEntry is one value of a run config's reference block.
type refEntry struct {
	match  map[string]string
	value  float64
	source string
}

// references reads the blocks given, then the reference blocks
// (config.Reference) of the runs' configs, for metric, in the order first
// seen, each block once; each source is named once.
func references(runs []*Run, extra []map[string]any, metric string) (entries []refEntry, sources []string) {
	seen := map[string]bool{}
	blocks := append([]map[string]any(nil), extra...)
	for _, r := range runs {
		if b, ok := r.Result.Config["reference"].(map[string]any); ok {
			blocks = append(blocks, b)
		}
	}
	for _, block := range blocks {
		m, _ := block["metric"].(string)
		if m == "" {
			m = "test_acc"
		}
		src, _ := block["source"].(string)
		id := text(block)
		if m != metric || seen[id] {
			continue
		}
		seen[id] = true
		if !slices.Contains(sources, src) {
			sources = append(sources, src) // blocks of several networks often share their source
		}
		vals, _ := block["values"].([]any)
		for _, v := range vals {
			kv, ok := v.(map[string]any)
			if !ok {
				continue
			}
			f, ok := number(kv["value"])
			if !ok {
				continue
			}
			e := refEntry{match: map[string]string{}, value: f, source: src}
			for k, x := range kv {
				if k != "value" {
					e.match[k] = text(x)
				}
			}
			entries = append(entries, e)
		}
	}
	return entries, sources
}

// sameValue compares a run's value with a reference's, as numbers where
// both are numbers ("8" and "8.0"), else as text; a reference K may also be
// written as the column label ("K=8").
func sameValue(key, run, ref string) bool {
	if run == ref || (key == KeyKOrLearned && "K="+ref == run) {
		return true
	}
	a, errA := strconv.ParseFloat(run, 64)
	b, errB := strconv.ParseFloat(ref, 64)
	return errA == nil && errB == nil && a == b
}

// matches reports whether every run of the cell has the entry's values.
func (e refEntry) matches(runs []*Run) bool {
	for _, r := range runs {
		for k, want := range e.match {
			got, ok := r.Value(k)
			if !ok || !sameValue(k, got, want) {
				return false
			}
		}
	}
	return true
}

// UseReferences attaches the published values again, taking the given
// reference blocks (a config.Reference as a tree: source, metric, values)
// before those the runs carry. slotlab table --reference uses it for runs
// whose experiment file had no block when they ran.
func (g *Grid) UseReferences(blocks []map[string]any) {
	g.attachReferences(blocks)
}

// attachReferences gives each cell with runs the first reference value
// that matches all of them, and records the sources.
func (g *Grid) attachReferences(extra []map[string]any) {
	var runs []*Run
	for _, row := range g.Cells {
		for _, c := range row {
			if c != nil {
				c.Ref = nil
				runs = append(runs, c.Runs...)
			}
		}
	}
	g.RefSources = nil
	entries, sources := references(runs, extra, g.Metric)
	if len(entries) == 0 {
		return
	}
	used := map[string]bool{}
	for _, row := range g.Cells {
		for _, c := range row {
			if c == nil || c.N == 0 {
				continue
			}
			for _, e := range entries {
				if e.matches(c.Runs) {
					c.Ref = &RefValue{Value: e.value, Diff: c.Mean - e.value, Source: e.source}
					used[e.source] = true
					break
				}
			}
		}
	}
	for _, s := range sources {
		if used[s] {
			g.RefSources = append(g.RefSources, s)
		}
	}
	sort.Strings(g.RefSources)
}

// refText is a cell's reference as "ref 98.2, Δ −0.05", or "".
func (g *Grid) refText(c *Cell) string {
	if c == nil || c.Ref == nil {
		return ""
	}
	d := g.number(math.Abs(c.Ref.Diff))
	sign := "+"
	if c.Ref.Diff < 0 && d != g.number(0) {
		sign = "−"
	}
	return fmt.Sprintf("ref %s, Δ %s%s", g.number(c.Ref.Value), sign, d)
}

// number is a YAML or JSON number as a float64.
func number(x any) (float64, bool) {
	switch v := x.(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}
