package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/train"
)

// splitArgs separates flags (which may come anywhere) from positional
// arguments, so that "run exp.yaml k=16 --out runs2" works.
func splitArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) > 0 {
			pos = append(pos, args[0])
			args = args[1:]
		}
	}
	return pos, nil
}

func runCmd(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	out := fs.String("out", "runs", "root directory of the run store")
	restart := fs.Bool("restart", false, "start over even if the run directory holds a result or checkpoint")
	quiet := fs.Bool("quiet", false, "print no progress")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: slotlab run FILE.yaml [key=value ...] [--out DIR] [--restart] [--quiet]")
		fs.PrintDefaults()
	}
	pos, err := splitArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return fmt.Errorf("missing experiment file")
	}
	file, overrides := pos[0], pos[1:]
	for _, o := range overrides {
		if !strings.Contains(o, "=") {
			return fmt.Errorf("%q is not a key=value override (only one experiment file per run)", o)
		}
	}
	exp, err := config.Load(file, overrides)
	if err != nil {
		return err
	}
	if len(exp.Sweep.Content) > 0 {
		return fmt.Errorf("%s has a sweep: block; run it with `slotlab sweep %s`, or one point of it with `slotlab run %s sweep={} key=value ...`", file, file, file)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var progress train.Progress = train.Quiet{}
	if !*quiet {
		progress = train.NewProgress(os.Stderr)
	}
	o, err := train.Run(ctx, exp, train.Options{
		Out: *out, Restart: *restart, Progress: progress,
		Logf:                   func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) },
		BeforeCheckpointRename: holdCheckpointHook(),
	})
	if o != nil && o.Cached {
		fmt.Fprintf(os.Stderr, "%s already holds a finished run of this config; nothing to train (--restart to train again)\n", o.Dir)
	}
	if o != nil && o.Result != nil {
		if werr := results.WriteSummary(os.Stdout, o.Result, o.Dir); werr != nil && err == nil {
			err = werr
		}
	}
	return err
}

// holdCheckpointHook reads SLOTLAB_FAULT_HOLD_CHECKPOINT=N:MARKER, a hook
// for the fault tests: the N-th checkpoint write (counting from 1) creates
// the file MARKER after writing its temporary file and then waits, so that a
// test can kill the process in the middle of a checkpoint.
func holdCheckpointHook() func() {
	spec := os.Getenv("SLOTLAB_FAULT_HOLD_CHECKPOINT")
	if spec == "" {
		return nil
	}
	var n int
	var marker string
	if i := strings.IndexByte(spec, ':'); i > 0 {
		fmt.Sscan(spec[:i], &n)
		marker = spec[i+1:]
	}
	count := 0
	return func() {
		count++
		if count == n && marker != "" {
			_ = os.WriteFile(marker, nil, 0o644)
			time.Sleep(time.Minute)
		}
	}
}
