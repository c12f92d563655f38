// Package sweep runs the Cartesian product of an experiment's swept
// values: the sweep: block of the file (dotted config keys mapping to
// lists of values, with variants for unions) crossed with the axes given on
// the command line (k=1,2,4). Every run is loaded and validated before any
// trains; runs whose config already has a finished result are skipped; a
// failed run is recorded with its error and the sweep goes on; a manifest,
// OUT/<name>/sweep.json, lists the runs and their status. How runs execute
// is an Executor's business: in this process one after another, as
// parallel `slotlab run` subprocesses, or as one Slurm job array whose
// tasks train into the same store (see Slurm and Status).
package sweep

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/results"
)

// Plan is a sweep ready to run: every run expanded, loaded and validated.
type Plan struct {
	// File is the experiment file.
	File string
	// Args are the command-line overrides and axes.
	Args Args
	// Keys are the swept keys (file and command line), in order.
	Keys []string
	// Runs are the distinct configs to run, in sweep order.
	Runs []*Run
	// Duplicates counts combinations that gave a config already planned
	// (a variant that repeats another, say); each config runs once.
	Duplicates int
	// Executor is the sweep block's executor: entry, nil when it has none;
	// ParseExecutor reads it.
	Executor *yaml.Node
}

// Run is one run of a sweep.
type Run struct {
	// Index is the run's position in the plan, from 0.
	Index int
	// Overrides are the swept key=value settings of this run.
	Overrides []string
	// Args are all the overrides the run was loaded with: the sweep's base
	// overrides, then Overrides, then "sweep={}" so that the run's own
	// config holds no sweep.
	Args []string
	Exp  *config.Experiment
	Hash string
}

// ID is the run id, the name of the run directory.
func (r *Run) ID() string { return results.RunID(r.Hash) }

// Label is the run's swept settings, for messages.
func (r *Run) Label() string { return label(r.Overrides) }

// label is a run's swept settings (its overrides), for messages.
func label(overrides []string) string {
	if len(overrides) == 0 {
		return "(no swept keys)"
	}
	return strings.Join(overrides, " ")
}

// Dir is the run's directory in the store rooted at out.
func (r *Run) Dir(out string) string { return results.RunDir(out, r.Exp.Name, r.Hash) }

// noSweep is the override that empties the sweep block of each run.
const noSweep = "sweep={}"

// New expands the sweep of an experiment file with command-line arguments
// (see ParseArgs) and loads every run with config.Parse, so that a bad value
// anywhere stops the sweep before anything trains. A key set or swept on
// the command line replaces the file's axis for it.
func New(file string, args []string) (*Plan, error) {
	a, err := ParseArgs(args)
	if err != nil {
		return nil, err
	}
	raw, err := config.ReadExperiment(file)
	if err != nil {
		return nil, err
	}
	b, ex, err := fileBlock(file, raw, &a)
	if err != nil {
		return nil, err
	}
	for _, k := range a.keys() {
		b = b.without(k)
	}
	b = append(b, a.dimensions()...)
	p := &Plan{File: file, Args: a, Keys: b.keys(), Executor: ex}
	seen := map[string]bool{}
	var errs loadErrors
	points := b.points()
	for i, pt := range points {
		full := append(append(append([]string(nil), a.Base...), pt...), noSweep)
		e, err := config.Parse(file, raw, full)
		if err != nil {
			errs.add(i, len(points), pt, err)
			continue
		}
		h := e.Hash()
		if seen[h] {
			p.Duplicates++
			continue
		}
		seen[h] = true
		p.Runs = append(p.Runs, &Run{Index: len(p.Runs), Overrides: pt, Args: full, Exp: e, Hash: h})
	}
	if len(errs.msgs) > 0 {
		return nil, &errs
	}
	return p, nil
}

// fileBlock returns the file's sweep block, or the one given as a
// sweep=... override (which it removes from the base overrides), and the
// block's executor: entry.
func fileBlock(file string, raw []byte, a *Args) (block, *yaml.Node, error) {
	for i, s := range a.Base {
		if k, _, _ := strings.Cut(s, "="); strings.TrimSpace(k) != "sweep" {
			continue
		}
		o, err := config.ParseOverride(s)
		if err != nil {
			return nil, nil, err
		}
		a.Base = append(a.Base[:i:i], a.Base[i+1:]...)
		n, ex := splitExecutor(o.Value)
		b, err := parseBlock("", n)
		return b, ex, err
	}
	n, err := readBlock(file, raw)
	if err != nil {
		return nil, nil, err
	}
	n, ex := splitExecutor(n)
	b, err := parseBlock(file, n)
	return b, ex, err
}

// Names returns the experiment names of the plan's runs (one, unless name
// is swept), sorted.
func (p *Plan) Names() []string {
	set := map[string]bool{}
	for _, r := range p.Runs {
		set[r.Exp.Name] = true
	}
	var out []string
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// loadErrors gathers the config errors of a sweep's runs, each distinct
// message once with the first run that had it.
type loadErrors struct {
	total int
	msgs  []string
	runs  []string
	count []int
}

func (l *loadErrors) add(i, n int, pt []string, err error) {
	l.total++
	msg := err.Error()
	for j, m := range l.msgs {
		if m == msg {
			l.count[j]++
			return
		}
	}
	label := strings.Join(pt, " ")
	if label == "" {
		label = "the base config"
	}
	l.msgs = append(l.msgs, msg)
	l.runs = append(l.runs, fmt.Sprintf("run %d of %d (%s)", i+1, n, label))
	l.count = append(l.count, 1)
}

// Error lists each distinct error with the first run that had it; nothing
// was trained.
func (l *loadErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d run(s) of the sweep have config errors; nothing was trained:", l.total)
	for j, m := range l.msgs {
		more := ""
		if l.count[j] > 1 {
			more = fmt.Sprintf(" (and %d more runs)", l.count[j]-1)
		}
		fmt.Fprintf(&b, "\n  %s%s: %s", l.runs[j], more, strings.ReplaceAll(m, "\n", "\n    "))
	}
	return b.String()
}
