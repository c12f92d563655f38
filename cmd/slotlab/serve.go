package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/slotlab/slotlab/framework/serve"
)

const serveUsage = `usage: slotlab serve DIR [--addr 127.0.0.1:8080]

Serves a read-only page over the run store DIR (any --out root, e.g. runs
or docs/reproduction/runs) that follows runs while they train: the runs
with their state, accuracy, speed and ETA; their learning curves (seeds as
a mean with a band); slotlab table with rows and columns chosen in the
page; slotlab status of each sweep; and each run's config, result and log.
It listens on the loopback interface unless --addr says otherwise; on a
cluster, reach it from your machine with ssh -L 8080:127.0.0.1:8080 HOST.`

func serveCmd(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runServe(ctx, args, func(url string) { fmt.Fprintf(os.Stderr, "serving the run store at %s (Ctrl-C to stop)\n", url) })
}

// runServe parses serve's arguments and serves until ctx ends; ready gets
// the page's URL once it listens.
func runServe(ctx context.Context, args []string, ready func(url string)) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", serve.DefaultAddr, "host:port to listen on (the default is reachable from this machine only)")
	dirs, err := parseArgs(fs, serveUsage, args, "missing run store directory (e.g. runs)")
	if err != nil {
		return err
	}
	if len(dirs) > 1 {
		return fmt.Errorf("serve takes one run store, not %d (%v); give their common root", len(dirs), dirs)
	}
	return serve.Run(ctx, serve.Options{Dir: dirs[0], Addr: *addr, Ready: ready})
}
