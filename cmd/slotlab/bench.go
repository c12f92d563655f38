package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/slotlab/slotlab/framework/bench"
	"github.com/slotlab/slotlab/framework/config"
)

func benchCmd(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	steps := fs.Int("steps", 20, "timed training steps")
	warmup := fs.Int("warmup", 3, "untimed steps first")
	asJSON := fs.Bool("json", false, "print the measurement as one JSON line")
	compare := fs.String("compare", "", "also run the PyTorch reference (torch) on the same network, each in its own process")
	suite := fs.Bool("paper", false, "with --compare torch: the performance issue's cases (Lenet and CONV-4, K = 8 and 64, slot and learned)")
	pos, err := parseArgs(fs, "usage: slotlab bench FILE.yaml [key=value ...] [--steps N] [--warmup N] [--json] [--compare torch]\n       slotlab bench --compare torch --paper", args, "")
	if err != nil {
		return err
	}
	o := bench.Options{Steps: *steps, Warmup: *warmup}
	if *compare != "" {
		if *compare != "torch" {
			return fmt.Errorf("--compare %q: only torch is supported", *compare)
		}
		var cases []bench.Case
		if *suite {
			cases = bench.PaperCases()
		} else {
			if len(pos) == 0 {
				return fmt.Errorf("missing experiment file (or --paper)")
			}
			e, err := config.Load(pos[0], pos[1:])
			if err != nil {
				return err
			}
			cases = []bench.Case{{Experiment: pos[0], Overrides: pos[1:], Net: e.Arch.Name, Method: e.Method, K: e.K}}
		}
		return compareTorch(cases, o)
	}
	if len(pos) == 0 {
		fs.Usage()
		return fmt.Errorf("missing experiment file")
	}
	e, err := config.Load(pos[0], pos[1:])
	if err != nil {
		return err
	}
	r, err := bench.Run(e, o)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(r)
	}
	fmt.Printf("%s (batch %d, %d steps, %d threads, gemm %s)\n", r, r.Batch, r.Steps, r.Threads, r.BLAS)
	return nil
}

func compareTorch(cases []bench.Case, o bench.Options) error {
	py, err := bench.FindPython()
	if err != nil {
		return err
	}
	script, err := bench.FindScript()
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	t := tablewriter.NewTable(os.Stdout, tablewriter.WithHeaderAutoFormat(tw.Off))
	t.Header([]string{"network", "method", "K", "slotlab samples/s", "PyTorch samples/s", "speed ratio", "slotlab peak", "PyTorch peak", "memory ratio"})
	var blas, torch string
	for _, c := range cases {
		fmt.Fprintf(os.Stderr, "measuring %s %s K=%d ...\n", c.Net, c.Method, c.K)
		s, err := bench.SelfMeasure(exe, c, o)
		if err != nil {
			return err
		}
		p, err := bench.TorchMeasure(py, script, c, s.Batch, o)
		if err != nil {
			return err
		}
		blas, torch = s.BLAS, p.Impl
		if err := t.Append([]string{c.Net, c.Method, fmt.Sprint(c.K),
			fmt.Sprintf("%.0f", s.SamplesPerSecond), fmt.Sprintf("%.0f", p.SamplesPerSecond), fmt.Sprintf("%.2f×", s.SamplesPerSecond/p.SamplesPerSecond),
			mib(s.PeakBytes), mib(p.PeakBytes), fmt.Sprintf("%.0f%%", 100*float64(s.PeakBytes)/float64(p.PeakBytes))}); err != nil {
			return err
		}
	}
	fmt.Printf("slotlab gemm kernel %s; %s with torch.set_num_threads(2); batch 128; %d timed steps after %d warm-up steps; each measurement in its own process\n",
		blas, torch, o.Steps, o.Warmup)
	return t.Render()
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
