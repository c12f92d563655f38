package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/slotlab/slotlab/framework/codeversion"
	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/train"
)

const verifyUsage = `usage: slotlab verify DIR... [--epochs N] [--mark] [key=value ...]

Reruns every run under the directories (each run's config.yaml, from
scratch, in a temporary store) for its first N epochs and compares them
with its metrics.jsonl, every field bit for bit but the wall time: whether
this build of slotlab still makes those runs. key=value overrides apply to
every config (data.dir=... where the data lives elsewhere; nothing that
changes the numbers). Exits 1 if any run differs.

--mark records, in the result.json of each identical run that does not say
which code made it (results written before slotlab recorded it), this
build's revision with source "rerun": the commit that reruns it. It
refuses to mark from a build of a modified tree.`

// currentCode is the code of this build (a variable for the tests of
// --mark).
var currentCode = codeversion.Current

func verifyCmd(args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	epochs := fs.Int("epochs", 1, "epochs to rerun and compare")
	mark := fs.Bool("mark", false, "record this build's revision (source rerun) in identical runs that name no code")
	pos, err := parseArgs(fs, verifyUsage, args, "missing run directory")
	if err != nil {
		return err
	}
	var dirs, overrides []string
	for _, p := range pos {
		if strings.Contains(p, "=") {
			overrides = append(overrides, p)
		} else {
			dirs = append(dirs, p)
		}
	}
	runs, err := results.Scan(dirs...)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		return fmt.Errorf("no result.json under %s", strings.Join(dirs, ", "))
	}
	tmp, cleanup, err := train.TempStore()
	if err != nil {
		return err
	}
	defer cleanup()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := currentCode()
	if *mark && (code.Revision == "" || code.Modified) {
		return fmt.Errorf("--mark: this build's code is %s; build from a clean commit to mark runs with it", code.Short())
	}
	fmt.Printf("code: %s\n", code.Short())
	differ := 0
	for _, r := range runs {
		v, err := train.Verify(ctx, r.Dir, *epochs, filepath.Join(tmp, r.Result.RunID), overrides, nil)
		if err != nil {
			return err
		}
		made := r.Result.Code.Short()
		if v.Same() {
			fmt.Printf("same      %s (made by %s): first %d epochs identical\n", r.Dir, made, v.Epochs)
			if *mark && r.Result.Code.Revision == "" {
				r.Result.Code = codeversion.Code{Revision: code.Revision, Source: codeversion.SourceRerun}
				if err := results.WriteJSON(filepath.Join(r.Dir, results.ResultFile), r.Result); err != nil {
					return err
				}
				fmt.Printf("          marked: code %s, source rerun\n", code.Short())
			}
			continue
		}
		differ++
		fmt.Printf("DIFFERENT %s (made by %s): %s\n", r.Dir, made, v.Diff)
	}
	if differ > 0 {
		return fmt.Errorf("%d of %d runs differ from what this build computes", differ, len(runs))
	}
	return nil
}
