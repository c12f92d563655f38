package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/slotlab/slotlab/framework"
)

// Case is one network, method and K of a comparison.
type Case struct {
	Experiment string   // experiment file
	Overrides  []string // e.g. k=64, method=learned
	Net        string   // the PyTorch script's name for the network
	Method     framework.Method
	K          int
	// Batch is the experiment's batch size, which torch uses too (0 until
	// the config is loaded).
	Batch int
}

// PaperNetworks are the paper's five networks: the experiment file of each
// (relative to the repository root) and the PyTorch script's name for it.
var PaperNetworks = []struct{ File, Net string }{
	{"experiments/lenet.yaml", "lenet"},
	{"experiments/conv2.yaml", "conv2"},
	{"experiments/conv4.yaml", "conv4"},
	{"experiments/conv6.yaml", "conv6"},
	{"experiments/vgg19.yaml", "vgg19"},
}

// PaperCases are the comparisons of docs/performance.md's table: each of the
// paper's five networks as a K=8 slot machine and with learned weights, at
// its experiment's batch size.
func PaperCases() []Case {
	var cs []Case
	for _, n := range PaperNetworks {
		cs = append(cs, Case{Experiment: n.File, Overrides: []string{"k=8"}, Net: n.Net, Method: framework.MethodSlot, K: 8},
			Case{Experiment: n.File, Overrides: []string{"method=learned"}, Net: n.Net, Method: framework.MethodLearned, K: 1})
	}
	return cs
}

// PaperCasesOf returns PaperCases restricted to the networks named in
// nets (lenet, conv2, conv4, conv6, vgg19), in the suite's order; all of
// them when nets is empty. A name that is not one of the five is an error
// that lists them.
func PaperCasesOf(nets []string) ([]Case, error) {
	cs := PaperCases()
	if len(nets) == 0 {
		return cs, nil
	}
	var names []string
	known := map[string]bool{}
	for _, n := range PaperNetworks {
		names = append(names, n.Net)
		known[n.Net] = true
	}
	want := map[string]bool{}
	for _, n := range nets {
		if !known[n] {
			return nil, fmt.Errorf("--nets: no network %q in the paper's suite (use some of %s)", n, strings.Join(names, ", "))
		}
		want[n] = true
	}
	var out []Case
	for _, c := range cs {
		if want[c.Net] {
			out = append(out, c)
		}
	}
	return out, nil
}

// Row is a comparison of slotlab and PyTorch on one case: every repetition
// of each side.
type Row struct {
	Case    Case
	Slotlab []Result
	Torch   []Result
	Err     string
}

// Side measures one case once, in a process of its own.
type Side func(c Case) (Result, error)

// Interleave measures every case reps times on each side, alternating
// sides (slotlab then torch in odd rounds, torch then slotlab in even ones)
// so that neither side always runs first or against the same background
// load. A case whose measurement fails keeps the error and is not measured
// again. progress, if not nil, receives a line per measurement.
func Interleave(cases []Case, reps int, slotlab, torch Side, progress func(string)) []Row {
	rows := make([]Row, len(cases))
	for i, c := range cases {
		rows[i].Case = c
	}
	for round := 0; round < reps; round++ {
		for i := range rows {
			r := &rows[i]
			if r.Err != "" {
				continue
			}
			order := []string{"slotlab", "torch"}
			if round%2 == 1 {
				order[0], order[1] = order[1], order[0]
			}
			for _, side := range order {
				if progress != nil {
					progress(fmt.Sprintf("round %d/%d: %s %s %s K=%d", round+1, reps, side, r.Case.Net, r.Case.Method, r.Case.K))
				}
				measure, dst := slotlab, &r.Slotlab
				if side == "torch" {
					measure, dst = torch, &r.Torch
				}
				res, err := measure(r.Case)
				if err != nil {
					r.Err = err.Error()
					break
				}
				*dst = append(*dst, res)
			}
		}
	}
	return rows
}

// Spread is the median, minimum and maximum of the samples/s of some
// repetitions, and their peak memory (the largest).
type Spread struct {
	Median, Min, Max float64
	PeakBytes        int64
	N                int
}

// Summarize returns the spread of rs.
func Summarize(rs []Result) Spread {
	if len(rs) == 0 {
		return Spread{}
	}
	v := make([]float64, len(rs))
	var peak int64
	for i, r := range rs {
		v[i] = r.SamplesPerSecond
		peak = max(peak, r.PeakBytes)
	}
	slices.Sort(v)
	med := v[len(v)/2]
	if len(v)%2 == 0 {
		med = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return Spread{Median: med, Min: v[0], Max: v[len(v)-1], PeakBytes: peak, N: len(v)}
}

// SelfMeasure runs `slotlab bench --json` in a child process for one case,
// so its peak memory is its own, on o.Threads threads (GOMAXPROCS).
func SelfMeasure(exe string, c Case, o Options) (Result, error) {
	args := append([]string{"bench", c.Experiment, "--json", fmt.Sprintf("--steps=%d", o.Steps), fmt.Sprintf("--warmup=%d", o.Warmup),
		fmt.Sprintf("--min-seconds=%g", o.MinSeconds)}, c.Overrides...)
	cmd := exec.Command(exe, args...)
	if o.Threads > 0 {
		cmd.Env = append(os.Environ(), fmt.Sprint("GOMAXPROCS=", o.Threads), fmt.Sprint("OPENBLAS_NUM_THREADS=", o.Threads))
	}
	return runJSON(cmd)
}

// TorchMeasure runs the repository's PyTorch script (bench/torch_bench.py)
// with Debian's python3 for one case, on o.Threads threads.
func TorchMeasure(python, script string, c Case, batch int, o Options) (Result, error) {
	cmd := exec.Command(python, script, "--net", c.Net, "--method", string(c.Method), fmt.Sprint("--k=", c.K),
		fmt.Sprint("--batch=", batch), fmt.Sprint("--steps=", o.Steps), fmt.Sprint("--warmup=", o.Warmup),
		fmt.Sprint("--threads=", o.Threads), fmt.Sprintf("--min-seconds=%g", o.MinSeconds))
	if len(o.TorchEnv) > 0 {
		cmd.Env = append(os.Environ(), o.TorchEnv...)
	}
	return runJSON(cmd)
}

// TorchISAEnv returns the environment that caps PyTorch's kernels at the
// instruction-set path isa (gemm.ISA: "avx512", "avx2" or "generic"), so
// that a comparison of slotlab forced onto a path (SLOTLAB_ISA) stands for
// a CPU that has only that path: oneDNN's convolutions and matrix products
// (ONEDNN_MAX_CPU_ISA, and DNNL_MAX_CPU_ISA for older oneDNN), OpenBLAS
// (OPENBLAS_CORETYPE) and ATen's own kernels (ATEN_CPU_CAPABILITY). Without
// it, PyTorch's oneDNN takes AVX-512 on an AVX-512 CPU whatever slotlab
// runs. "avx512" (the widest path) returns nil: PyTorch picks for itself.
func TorchISAEnv(isa string) []string {
	switch isa {
	case "avx2":
		return []string{"ONEDNN_MAX_CPU_ISA=AVX2", "DNNL_MAX_CPU_ISA=AVX2", "OPENBLAS_CORETYPE=Haswell", "ATEN_CPU_CAPABILITY=avx2"}
	case "generic":
		return []string{"ONEDNN_MAX_CPU_ISA=SSE41", "DNNL_MAX_CPU_ISA=SSE41", "OPENBLAS_CORETYPE=Nehalem", "ATEN_CPU_CAPABILITY=default"}
	}
	return nil
}

func runJSON(cmd *exec.Cmd) (Result, error) {
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return Result{}, fmt.Errorf("%s: %v: %s", strings.Join(cmd.Args, " "), err, strings.TrimSpace(errb.String()))
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var r Result
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r); err != nil {
		return Result{}, fmt.Errorf("%s: unexpected output %q", strings.Join(cmd.Args, " "), out.String())
	}
	return r, nil
}

// FindPython returns Debian's python3 (which has python3-torch), not a
// pyenv one that may come first on PATH.
func FindPython() (string, error) {
	for _, p := range []string{"/usr/bin/python3"} {
		if err := exec.Command(p, "-c", "import torch").Run(); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no python3 with torch found: install Debian's python3-torch (apt-get install python3-torch)")
}

// FindScript locates bench/torch_bench.py from the working directory or the
// executable's.
func FindScript() (string, error) {
	cands := []string{filepath.Join("bench", "torch_bench.py")}
	if exe, err := os.Executable(); err == nil {
		cands = append(cands, filepath.Join(filepath.Dir(exe), "..", "bench", "torch_bench.py"))
	}
	for _, c := range cands {
		if _, err := os.Stat(c); err == nil {
			return c, nil
		}
	}
	return "", fmt.Errorf("bench/torch_bench.py not found; run slotlab bench --compare torch from the repository root")
}
