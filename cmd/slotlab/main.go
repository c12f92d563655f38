// Command slotlab trains and studies Slot Machines (Aladago & Torresani,
// ICML 2021): networks whose connections each pick one of K fixed random
// weights by learned scores.
//
//	slotlab run FILE.yaml [key=value ...] [--out DIR] [--restart]
//	slotlab sweep FILE.yaml [key=v1,v2 ...] [-j N]
//	slotlab table DIR... [--format md|ascii|csv|latex|...]
//	slotlab list-modules
//
// `slotlab help` lists every command (the commands map below) and
// `slotlab COMMAND -h` its arguments. The command line only parses
// arguments and prints; the work is done by the packages under framework/.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/slotlab/slotlab/framework/pluginrpc" // registers the loader of external plugin binaries
	_ "github.com/slotlab/slotlab/plugins/standard"
)

type command struct {
	summary string
	run     func(args []string) error
}

var commands = map[string]command{
	"run":          {"train an experiment: run FILE.yaml [key=value ...] [--out DIR] [--restart]", runCmd},
	"list-modules": {"list the registered modules (selectors, initializers, sharing strategies: every kind, see -h), datasets and layer types", listModulesCmd},
	"describe":     {"print a network layer by layer: shapes, weights, mult-adds, memory", describeCmd},
	"export":       {"write a run's best network: export RUN_DIR --format slot|dense -o FILE", exportCmd},
	"eval":         {"evaluate an exported network on its test set: eval FILE", evalCmd},
	"inspect":      {"which candidate each connection of a run's best network selected, by rank: inspect RUN_DIR...", inspectCmd},
	"bench":        {"time training steps (samples/s, peak memory), optionally against PyTorch: bench FILE.yaml [--compare torch]", benchCmd},
	"sweep":        {"run the product of swept values: sweep FILE.yaml [key=v1,v2 ...] [-j N]", sweepCmd},
	"plot":         {"plots of runs: plot DIR... --kind KIND [-o PREFIX]", plotCmd},
	"table":        {"mean ± std tables of runs: table DIR... [--rows K] [--cols K] [--metric M] [--format F]", tableCmd},
	"status":       {"done / queued / running / failed runs of sweeps, with Slurm's view: status DIR... [-v]", statusCmd},
	"verify":       {"rerun runs' first epochs and compare them bit for bit with their metrics: verify DIR... [--epochs N]", verifyCmd},
	"serve":        {"a read-only page over a run store, live while runs train: serve DIR [--addr 127.0.0.1:8080]", serveCmd},
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: slotlab COMMAND [arguments]\n\ncommands:")
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-13s %s\n", n, commands[n].summary)
	}
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	c, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "slotlab: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	err := c.run(os.Args[2:])
	pluginrpc.Shutdown() // end the plugin processes before exiting
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "slotlab") {
			msg = "slotlab " + os.Args[1] + ": " + msg
		}
		fmt.Fprintln(os.Stderr, msg)
		os.Exit(1)
	}
}
