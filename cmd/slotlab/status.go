package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/slotlab/slotlab/framework/sweep"
)

const statusUsage = `usage: slotlab status DIR... [-v]

Says of each sweep under the directories (a run store such as runs/, or
one experiment's runs/<name>/) how many runs are done, queued, running,
failed and not yet run: from each run's result.json, and for runs
submitted to Slurm from squeue, sacct or the job completion file. Failed
counts runs that failed, were cancelled, hit their time limit, were
interrupted or were lost; submitting the sweep again runs only those and
the ones never run, resuming from checkpoints. -v lists every run.`

func statusCmd(args []string) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	verbose := fs.Bool("v", false, "list every run: its state, Slurm task, and accuracy or error")
	dirs, err := parseArgs(fs, statusUsage, args, "missing run directory (e.g. runs)")
	if err != nil {
		return err
	}
	sweeps, err := sweep.Status(dirs...)
	if err != nil {
		return err
	}
	for i, s := range sweeps {
		if i > 0 && *verbose {
			fmt.Println()
		}
		printStatus(s, *verbose)
	}
	return nil
}

func printStatus(s *sweep.SweepStatus, verbose bool) {
	fmt.Println(s.Summary())
	if s.Rejected != "" {
		fmt.Printf("  the latest submission was rejected: %s\n", strings.ReplaceAll(s.Rejected, "\n", "\n    "))
	}
	for _, n := range s.Notes {
		fmt.Printf("  note: %s\n", n)
	}
	if h := sweep.ResumeHint(s); h != "" && !verbose {
		fmt.Printf("  %s\n", h)
	}
	if !verbose {
		return
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	slurm := len(s.Jobs) > 0
	if slurm {
		fmt.Fprintln(tw, "  run\toverrides\tstate\tslurm task\tdetail")
	} else {
		fmt.Fprintln(tw, "  run\toverrides\tstate\tdetail")
	}
	for _, r := range s.Runs {
		detail := r.Detail
		if r.Log != "" && r.State != sweep.StateDone && r.State != sweep.StateQueued {
			detail += " (log: " + r.Log + ")"
		}
		if !slurm {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.ID, r.Label(), r.State, detail)
			continue
		}
		job := r.Job
		if job == "" {
			job = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.ID, r.Label(), r.State, job, detail)
	}
	tw.Flush()
	if h := sweep.ResumeHint(s); h != "" {
		fmt.Printf("  %s\n", h)
	}
}
