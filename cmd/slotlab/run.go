package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/train"
)

// parseArgs gives fs its usage text (usage, then the flags), parses args,
// whose flags may come anywhere (so that "run exp.yaml k=16 --out runs2"
// works), and returns the positional arguments. If missing is not empty,
// at least one positional argument is required: without one, parseArgs
// prints the usage and returns the error missing.
func parseArgs(fs *flag.FlagSet, usage string, args []string, missing string) ([]string, error) {
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), usage)
		fs.PrintDefaults()
	}
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
	if missing != "" && len(pos) == 0 {
		fs.Usage()
		return nil, errors.New(missing)
	}
	return pos, nil
}

func runCmd(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	out := fs.String("out", "runs", "root directory of the run store")
	restart := fs.Bool("restart", false, "start over even if the run directory holds a result or checkpoint")
	quiet := fs.Bool("quiet", false, "print no progress")
	pos, err := parseArgs(fs, "usage: slotlab run FILE.yaml [key=value ...] [--out DIR] [--restart] [--quiet]\n\ndatasets FILE.yaml may name (dataset:; slotlab list-modules shows their defaults):"+datasetList()+"\n", args, "missing experiment file")
	if err != nil {
		return err
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
		Logf: func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) },
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
