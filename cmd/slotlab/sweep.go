package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/sweep"
	"github.com/slotlab/slotlab/framework/train"
)

// selfCommand is how -j N starts `slotlab run` (tests replace it).
var selfCommand = func() ([]string, error) {
	exe, err := os.Executable()
	return []string{exe}, err
}

const sweepUsage = `usage: slotlab sweep FILE.yaml [key=value ...] [key=v1,v2,... ...] [--out DIR] [-j N] [--quiet] [--dry-run]
       slotlab sweep FILE.yaml ... --executor slurm [--partition P] [--cpus-per-task N] [--mem M] [--time T] [--wait]

Runs the Cartesian product of the file's sweep: block and the axes given
here. key=v1,v2 sweeps key over the values; key=value sets key for every
run (and replaces the file's axis for it). A value starting with [ or { is
one YAML list or mapping and a quoted value one string, so
train.schedule.restarts=[25,75] sets a list. Runs already finished are
skipped, failed ones are recorded and the rest go on; OUT/<name>/sweep.json
lists the runs. With --executor slurm (or executor: {type: slurm, ...} in
the sweep block) the runs not finished are submitted as one Slurm job
array and the command returns; slotlab status OUT follows them, and
submitting again sends only what is missing.`

func sweepCmd(args []string) error {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	out := fs.String("out", "runs", "root directory of the run store")
	jobs := fs.Int("j", 1, "runs at once: 1 trains in this process on every core; N > 1 starts N `slotlab run` processes with GOMAXPROCS = cores/N each")
	quiet := fs.Bool("quiet", false, "print a line per run, no per-epoch progress")
	dry := fs.Bool("dry-run", false, "list the runs and which are already finished; train nothing")
	ef := addExecFlags(fs)
	pos, err := parseArgs(fs, sweepUsage, args, "missing experiment file")
	if err != nil {
		return err
	}
	if *jobs < 1 {
		return fmt.Errorf("-j must be at least 1, not %d", *jobs)
	}
	plan, err := sweep.New(pos[0], pos[1:])
	if err != nil {
		return err
	}
	keys := "no swept keys"
	if len(plan.Keys) > 0 {
		keys = strings.Join(plan.Keys, " × ")
	}
	fmt.Printf("sweep %s: %d runs (%s)", strings.Join(plan.Names(), ", "), len(plan.Runs), keys)
	if plan.Duplicates > 0 {
		fmt.Printf(", %d repeated combinations run once", plan.Duplicates)
	}
	fmt.Println()
	cfg, err := ef.config(plan, *jobs)
	if err != nil {
		return err
	}
	if *dry {
		return printPlan(plan, *out)
	}
	ex, err := ef.sweepExecutor(cfg, *quiet)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum, err := sweep.Execute(ctx, plan, sweep.Options{Out: *out, Executor: ex, Log: os.Stdout})
	printSummary(sum)
	if sum != nil && sum.Queued > 0 {
		fmt.Printf("follow the queued runs with: slotlab status %s\n", *out)
	}
	if err == nil && sum.Failed > 0 {
		err = fmt.Errorf("%d of %d runs failed (each has result.json with the error; run the sweep again to retry them)", sum.Failed, sum.Total)
	}
	return err
}

// executor returns the in-process executor for -j 1 and the subprocess
// one for -j N.
func executor(jobs int, quiet bool) (sweep.Executor, error) {
	if jobs == 1 {
		l := &sweep.Local{}
		if !quiet {
			l.Progress = func(*sweep.Job) train.Progress { return train.NewProgress(os.Stderr) }
			l.Logf = func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }
		}
		return l, nil
	}
	cmd, err := selfCommand()
	if err != nil {
		return nil, fmt.Errorf("finding the slotlab executable for -j: %w", err)
	}
	p := &sweep.Procs{N: jobs, Command: cmd}
	if !quiet {
		p.Started = func(j *sweep.Job) {
			fmt.Fprintf(os.Stderr, "started %s/%s  %s  (log: %s/%s)\n", j.Run.Exp.Name, j.Run.ID(), j.Run.Label(), j.Dir, sweep.LogFile)
		}
	}
	fmt.Printf("running %d at a time, GOMAXPROCS=%d each\n", jobs, p.Threads())
	return p, nil
}

// printPlan lists the runs of a dry run.
func printPlan(plan *sweep.Plan, out string) error {
	t := tablewriter.NewTable(os.Stdout, tablewriter.WithHeaderAutoFormat(tw.Off))
	t.Header([]string{"#", "run", "overrides", "state"})
	for _, r := range plan.Runs {
		state := "to run"
		if res, ok := results.ReadResultFor(r.Dir(out), r.Hash); ok {
			state = res.Status
			if res.Status == results.StatusDone {
				state = "finished (skipped)"
			}
		}
		if err := t.Append([]string{fmt.Sprint(r.Index + 1), r.Exp.Name + "/" + r.ID(), r.Label(), state}); err != nil {
			return err
		}
	}
	return t.Render()
}

func printSummary(s *sweep.Summary) {
	if s == nil {
		return
	}
	fmt.Printf("sweep: %d runs: %d done, %d skipped (cached), %d failed", s.Total, s.Done, s.Cached, s.Failed)
	if s.Queued > 0 {
		fmt.Printf(", %d queued", s.Queued)
	}
	if s.Pending > 0 {
		fmt.Printf(", %d not run", s.Pending)
	}
	fmt.Printf(" in %.1f s\n", s.Elapsed.Seconds())
	for _, f := range s.Failures {
		fmt.Printf("  failed: %s (%s): %s\n", f.Label, f.Dir, f.Error)
	}
	for _, m := range s.Manifests {
		fmt.Printf("manifest: %s\n", m)
	}
}
