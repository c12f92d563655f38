package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/bench"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/nn/gemm"
)

func benchCmd(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	steps := fs.Int("steps", 20, "timed training steps (at least)")
	warmup := fs.Int("warmup", 3, "untimed steps first")
	minSeconds := fs.Float64("min-seconds", 0, "time each measurement for at least this long (default 0; 3 with --compare)")
	asJSON := fs.Bool("json", false, "print the measurement as one JSON line")
	compare := fs.String("compare", "", "also run the PyTorch reference (torch) on the same network, each measurement in its own process")
	suite := fs.Bool("paper", false, "with --compare torch: the paper's five networks (Lenet-300-100, CONV-2/4/6, VGG-19), each as a K=8 slot machine and with learned weights")
	nets := fs.String("nets", "", "with --paper: only these of its networks, comma-separated (lenet, conv2, conv4, conv6, vgg19)")
	threads := fs.Int("threads", runtime.NumCPU(), "with --compare: the threads of each side (slotlab's GOMAXPROCS, torch.set_num_threads)")
	reps := fs.Int("reps", 3, "with --compare: measurements per case and side, interleaved")
	torchISA := fs.String("torch-isa", "match", "with --compare: match caps PyTorch's kernels (oneDNN, OpenBLAS, ATen) at slotlab's instruction-set path, as on a CPU that has only that path (SLOTLAB_ISA=avx2 stands for an AVX2 machine); native lets PyTorch use the widest the CPU has")
	pos, err := parseArgs(fs, "usage: slotlab bench FILE.yaml [key=value ...] [--steps N] [--warmup N] [--min-seconds S] [--json]\n       slotlab bench [FILE.yaml | --paper [--nets a,b]] [key=value ...] --compare torch [--threads N] [--reps N] [--min-seconds S] [--torch-isa match|native]", args, "")
	if err != nil {
		return err
	}
	o := bench.Options{Steps: *steps, Warmup: *warmup, MinSeconds: *minSeconds, Threads: *threads}
	if *compare != "" {
		if *compare != "torch" {
			return fmt.Errorf("--compare %q: only torch is supported", *compare)
		}
		if *reps < 1 || *threads < 1 {
			return fmt.Errorf("--reps and --threads must be at least 1")
		}
		switch *torchISA {
		case "match":
			o.TorchEnv = bench.TorchISAEnv(gemm.ISA())
		case "native":
		default:
			return fmt.Errorf("--torch-isa %q: use match or native", *torchISA)
		}
		if !flagSet(fs, "min-seconds") {
			o.MinSeconds = 3
		}
		var cases []bench.Case
		if *suite {
			// key=value arguments apply to slotlab's side of every case
			// (winograd=f4); PyTorch runs its own code.
			var names []string
			if *nets != "" {
				names = strings.Split(*nets, ",")
			}
			if cases, err = bench.PaperCasesOf(names); err != nil {
				return err
			}
			for i := range cases {
				c := &cases[i]
				c.Overrides = append(c.Overrides, pos...)
				if _, err := config.Load(c.Experiment, c.Overrides); err != nil {
					return fmt.Errorf("--paper %s: %w", strings.Join(pos, " "), err)
				}
			}
		} else {
			if *nets != "" {
				return fmt.Errorf("--nets chooses among --paper's networks: give --paper too")
			}
			if len(pos) == 0 {
				return fmt.Errorf("missing experiment file (or --paper)")
			}
			e, err := config.Load(pos[0], pos[1:])
			if err != nil {
				return err
			}
			cases = []bench.Case{{Experiment: pos[0], Overrides: pos[1:], Net: e.Arch.Name, Method: e.Method, K: e.K}}
		}
		return compareTorch(cases, o, *reps)
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
	fmt.Printf("%s (batch %d, %d steps in %.1f s, %d threads, gemm %s)\n", r, r.Batch, r.Steps, r.Seconds, r.Threads, r.BLAS)
	return nil
}

// flagSet reports whether the flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// compareTorch checks that the comparison is fair (torch's BLAS, equal
// threads), prints what it runs on, measures every case reps times on each
// side, interleaved, and prints medians with their ranges.
func compareTorch(cases []bench.Case, o bench.Options, reps int) error {
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
	ti, err := bench.TorchEnv(py, script, o.Threads, o.TorchEnv)
	if err != nil {
		return err
	}
	if err := ti.Check(o.Threads); err != nil {
		return err
	}
	for i, c := range cases {
		e, err := config.Load(c.Experiment, c.Overrides)
		if err != nil {
			return err
		}
		cases[i].Batch = e.Train.BatchSize
	}
	fmt.Printf("CPU: %s, %d cores\n", bench.CPUModel(), runtime.NumCPU())
	fmt.Printf("slotlab: gemm %s, %d threads (GOMAXPROCS)\n", gemm.Backend(), o.Threads)
	fmt.Printf("PyTorch: %s\n", ti)
	if len(o.TorchEnv) > 0 {
		fmt.Printf("PyTorch capped at slotlab's path (--torch-isa match): %s\n", strings.Join(o.TorchEnv, " "))
	}
	// The machine's SGEMM rate, measured before and after the cases so
	// that a change of load during the run shows; the efficiency column
	// uses their mean.
	sgemm0 := bench.SgemmRate(o.Threads, 2)
	rows := bench.Interleave(cases, reps,
		func(c bench.Case) (bench.Result, error) { return bench.SelfMeasure(exe, c, o) },
		func(c bench.Case) (bench.Result, error) { return bench.TorchMeasure(py, script, c, c.Batch, o) },
		func(s string) { fmt.Fprintln(os.Stderr, s) })
	sgemm1 := bench.SgemmRate(o.Threads, 2)
	sgemm := (sgemm0 + sgemm1) / 2
	t := tablewriter.NewTable(os.Stdout, tablewriter.WithHeaderAutoFormat(tw.Off))
	t.Header([]string{"network", "method", "K", "batch", "slotlab samples/s", "PyTorch samples/s", "speed ratio", "vs PyTorch learned", "slotlab GFLOP/s (of SGEMM)", "PyTorch GFLOP/s (of SGEMM)", "slotlab peak", "PyTorch peak", "memory ratio"})
	// The paper's comparison is also against a learned network of the same
	// architecture in PyTorch, where the cases include one.
	learned := map[string]float64{}
	for _, r := range rows {
		if r.Err == "" && r.Case.Method == framework.MethodLearned {
			learned[r.Case.Net] = bench.Summarize(r.Torch).Median
		}
	}
	var failed []string
	for _, r := range rows {
		if r.Err != "" {
			failed = append(failed, fmt.Sprintf("%s %s K=%d: %s", r.Case.Net, r.Case.Method, r.Case.K, r.Err))
			continue
		}
		s, p := bench.Summarize(r.Slotlab), bench.Summarize(r.Torch)
		flops, batch := r.Slotlab[0].StepFLOPs, r.Slotlab[0].Batch
		rate := func(samples float64) float64 {
			return bench.Result{Batch: batch, SamplesPerSecond: samples}.GFLOPs(flops)
		}
		if err := t.Append([]string{r.Case.Net, string(r.Case.Method), fmt.Sprint(r.Case.K), fmt.Sprint(r.Slotlab[0].Batch),
			spread(s), spread(p), fmt.Sprintf("%.2f×", s.Median/p.Median), vsLearned(s.Median, learned[r.Case.Net]),
			efficiency(rate(s.Median), sgemm), efficiency(rate(p.Median), sgemm),
			mib(s.PeakBytes), mib(p.PeakBytes), fmt.Sprintf("%.0f%%", 100*float64(s.PeakBytes)/float64(p.PeakBytes))}); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	fmt.Printf("samples/s: median [min–max] of %d measurements per side, interleaved; each at least %d steps and %g s after %d warm-up steps, in a process of its own; ratios of medians\n",
		reps, o.Steps, o.MinSeconds, o.Warmup)
	fmt.Printf("GFLOP/s: the step's dense-equivalent work (forward and backward passes of the network as a dense one, the same for every method) at the median samples/s; in brackets, its share of slotlab's SGEMM (%s, order %d, %d threads): %.1f GFLOP/s before the cases, %.1f after, %.1f their mean\n",
		gemm.Backend(), bench.SgemmSize, o.Threads, sgemm0, sgemm1, sgemm)
	if len(failed) > 0 {
		return fmt.Errorf("%d case(s) failed:\n%s", len(failed), strings.Join(failed, "\n"))
	}
	return nil
}

// vsLearned is slotlab's median over PyTorch's learned network's, or "–"
// when that was not measured.
func vsLearned(slotlab, torchLearned float64) string {
	if torchLearned == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", slotlab/torchLearned)
}

// efficiency is a rate in GFLOP/s with its share of the SGEMM rate.
func efficiency(gflops, sgemm float64) string {
	if sgemm <= 0 {
		return fmt.Sprintf("%.1f", gflops)
	}
	return fmt.Sprintf("%.1f (%.0f%%)", gflops, 100*gflops/sgemm)
}

func spread(s bench.Spread) string {
	return fmt.Sprintf("%.0f [%.0f–%.0f]", s.Median, s.Min, s.Max)
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
