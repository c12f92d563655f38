package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/slotlab/slotlab/framework/sweep"
)

// execFlags are the sweep's executor flags; set ones win over the sweep
// block's executor: entry.
type execFlags struct {
	fs          *flag.FlagSet
	executor    string
	partition   string
	cpusPerTask int
	mem         string
	time        string
	maxRunning  int
	sbatch      lines
	slotlab     string
	wait        bool
	poll        time.Duration
}

// lines is a repeatable string flag.
type lines []string

func (l *lines) String() string     { return strings.Join(*l, " ") }
func (l *lines) Set(s string) error { *l = append(*l, s); return nil }

// addExecFlags declares the executor flags on the sweep's flag set.
func addExecFlags(fs *flag.FlagSet) *execFlags {
	f := &execFlags{fs: fs}
	fs.StringVar(&f.executor, "executor", "", "where the runs execute: local (default; -j N at once) or slurm (one job array); default: the sweep block's executor: entry")
	fs.StringVar(&f.partition, "partition", "", "slurm: partition of the tasks")
	fs.IntVar(&f.cpusPerTask, "cpus-per-task", 0, "slurm: CPUs of each task (its GOMAXPROCS)")
	fs.StringVar(&f.mem, "mem", "", "slurm: memory of each task (sbatch --mem, e.g. 4G)")
	fs.StringVar(&f.time, "time", "", "slurm: time limit of each task (sbatch --time, e.g. 2:00:00); a run stopped by it resumes from its checkpoint when submitted again")
	fs.IntVar(&f.maxRunning, "max-running", 0, "slurm: most tasks running at once (--array=...%N)")
	fs.Var(&f.sbatch, "sbatch", "slurm: an extra #SBATCH option such as --account=lab (repeatable)")
	fs.StringVar(&f.slotlab, "slotlab", "", "slurm: the slotlab executable the tasks run (default: this one)")
	fs.BoolVar(&f.wait, "wait", false, "slurm: wait for the tasks to end and report each run")
	fs.DurationVar(&f.poll, "poll", 10*time.Second, "slurm --wait: how often to ask squeue")
	return f
}

// config merges the sweep block's executor: entry with the flags set on
// the command line and -j.
func (f *execFlags) config(plan *sweep.Plan, jobs int) (sweep.ExecutorConfig, error) {
	c, err := sweep.ParseExecutor(plan.File, plan.Executor)
	if err != nil {
		return c, err
	}
	f.fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "executor":
			c.Type = f.executor
		case "j":
			c.Jobs = jobs
		case "partition":
			c.Partition = f.partition
		case "cpus-per-task":
			c.CPUsPerTask = f.cpusPerTask
		case "mem":
			c.Mem = f.mem
		case "time":
			c.Time = f.time
		case "max-running":
			c.MaxRunning = f.maxRunning
		case "sbatch":
			c.Sbatch = append(c.Sbatch, f.sbatch...)
		case "slotlab":
			c.Slotlab = f.slotlab
		}
	})
	if err := c.Check(); err != nil {
		return c, err
	}
	if c.Type != sweep.ExecutorSlurm {
		for _, name := range []string{"partition", "cpus-per-task", "mem", "time", "max-running", "sbatch", "slotlab", "wait"} {
			if f.set(name) {
				return c, fmt.Errorf("--%s is for the slurm executor; add --executor slurm", name)
			}
		}
	}
	if c.Jobs == 0 {
		c.Jobs = 1
	}
	return c, nil
}

// set reports whether a flag was given.
func (f *execFlags) set(name string) bool {
	found := false
	f.fs.Visit(func(fl *flag.Flag) { found = found || fl.Name == name })
	return found
}

// sweepExecutor builds the executor a config asks for.
func (f *execFlags) sweepExecutor(c sweep.ExecutorConfig, quiet bool) (sweep.Executor, error) {
	if c.Type != sweep.ExecutorSlurm {
		return executor(c.Jobs, quiet)
	}
	cmd := []string{c.Slotlab}
	if strings.ContainsRune(c.Slotlab, filepath.Separator) {
		if abs, err := filepath.Abs(c.Slotlab); err == nil {
			cmd[0] = abs
		}
	}
	if c.Slotlab == "" {
		var err error
		if cmd, err = selfCommand(); err != nil {
			return nil, fmt.Errorf("finding the slotlab executable for the Slurm tasks (give it with --slotlab): %w", err)
		}
	}
	s, err := sweep.NewSlurm(c.SlurmOptions, cmd)
	if err != nil {
		return nil, err
	}
	s.Wait, s.Poll, s.Log = f.wait, f.poll, os.Stdout
	return s, nil
}
