package bench

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/config"
	_ "github.com/slotlab/slotlab/plugins/standard"
)

// TestTorchInfoBLASAndCheck checks how the BLAS torch uses is named from the
// libraries mapped into its process, and that a comparison against the
// reference BLAS or on other thread counts is refused with the fix.
func TestTorchInfoBLASAndCheck(t *testing.T) {
	for _, tc := range []struct {
		libs    []string
		threads int
		blas    string
		err     string // "" for none
	}{
		{[]string{"/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so", "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"}, 2, "OpenBLAS", ""},
		{[]string{"/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"}, 2, "reference", "apt-get install libopenblas0-pthread"},
		{[]string{"/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3", "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"}, 2, "reference", "reference BLAS"},
		{[]string{"/usr/lib/x86_64-linux-gnu/blis-pthread/libblas.so.3"}, 2, "BLIS", ""},
		{[]string{"/opt/intel/lib/libmkl_rt.so"}, 2, "MKL", ""},
		{nil, 2, "none found", ""},
		{[]string{"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"}, 1, "OpenBLAS", "torch runs on 1 threads where slotlab gets 2"},
	} {
		ti := TorchInfo{Version: "1.13", Threads: tc.threads, BLASLibraries: tc.libs}
		if got := ti.BLAS(); got != tc.blas {
			t.Errorf("%v: BLAS %q, want %q", tc.libs, got, tc.blas)
		}
		err := ti.Check(2)
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%v on %d threads: Check %v, want %q", tc.libs, tc.threads, err, tc.err)
		}
	}
}

// TestTorchISAEnv: a comparison of slotlab forced onto AVX2 (or the
// portable path) caps every kernel library of PyTorch's at the same path,
// and the widest path leaves PyTorch alone; the header names oneDNN's ISA.
func TestTorchISAEnv(t *testing.T) {
	for _, tc := range []struct {
		isa  string
		want []string
	}{
		{"avx512", nil},
		{"avx2", []string{"ONEDNN_MAX_CPU_ISA=AVX2", "DNNL_MAX_CPU_ISA=AVX2", "OPENBLAS_CORETYPE=Haswell", "ATEN_CPU_CAPABILITY=avx2"}},
		{"generic", []string{"ONEDNN_MAX_CPU_ISA=SSE41", "DNNL_MAX_CPU_ISA=SSE41", "OPENBLAS_CORETYPE=Nehalem", "ATEN_CPU_CAPABILITY=default"}},
	} {
		if got := TorchISAEnv(tc.isa); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("TorchISAEnv(%q) = %v, want %v", tc.isa, got, tc.want)
		}
	}
	ti := TorchInfo{Version: "1.13", Threads: 2, MKLDNN: true, OneDNNISA: "Intel AVX2"}
	if s := ti.String(); !strings.Contains(s, "oneDNN (mkldnn) on, Intel AVX2") {
		t.Errorf("header %q does not name oneDNN's ISA", s)
	}
}

// TestTorchISACapTakes runs the PyTorch script's --info with the AVX2 cap
// and checks that oneDNN then reports AVX2 (the cap is what the variables
// name, and the script reads it back). It needs Debian's python3-torch, which
// CI does not install; it runs where a comparison can.
func TestTorchISACapTakes(t *testing.T) {
	py, err := FindPython()
	if err != nil {
		t.Skipf("no PyTorch to compare against: %v", err)
	}
	script := filepath.Join("..", "..", "bench", "torch_bench.py")
	ti, err := TorchEnv(py, script, 1, TorchISAEnv("avx2"))
	if err != nil {
		t.Fatal(err)
	}
	if ti.MKLDNN && ti.OneDNNISA != "Intel AVX2" {
		t.Errorf("oneDNN under the AVX2 cap reports %q, want Intel AVX2", ti.OneDNNISA)
	}
}

// TestInterleave checks the order of the measurements (sides alternate
// which goes first, round by round), that every case gets reps of each, and
// that a failure stops that case only.
func TestInterleave(t *testing.T) {
	cases := []Case{{Net: "a"}, {Net: "b"}}
	var order []string
	measure := func(side string) Side {
		return func(c Case) (Result, error) {
			order = append(order, side+c.Net)
			if side == "torch" && c.Net == "b" && len(order) > 6 {
				return Result{}, errors.New("boom")
			}
			return Result{SamplesPerSecond: float64(len(order))}, nil
		}
	}
	rows := Interleave(cases, 3, measure("slotlab"), measure("torch"), nil)
	want := "slotlaba torcha slotlabb torchb torcha slotlaba torchb slotlaba torcha"
	if got := strings.Join(order, " "); got != want {
		t.Fatalf("order %q, want %q", got, want)
	}
	if len(rows[0].Slotlab) != 3 || len(rows[0].Torch) != 3 || rows[0].Err != "" {
		t.Fatalf("case a: %+v", rows[0])
	}
	if rows[1].Err != "boom" || len(rows[1].Slotlab) != 1 || len(rows[1].Torch) != 1 {
		t.Fatalf("case b: %+v", rows[1])
	}
}

// TestSummarize checks the median (odd and even counts), range and peak.
func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		v    []float64
		want Spread
	}{
		{[]float64{3, 1, 2}, Spread{Median: 2, Min: 1, Max: 3, N: 3}},
		{[]float64{4, 1, 3, 2}, Spread{Median: 2.5, Min: 1, Max: 4, N: 4}},
		{[]float64{7}, Spread{Median: 7, Min: 7, Max: 7, N: 1}},
		{nil, Spread{}},
	} {
		var rs []Result
		for i, v := range tc.v {
			rs = append(rs, Result{SamplesPerSecond: v, PeakBytes: int64(10 * (i + 1))})
		}
		tc.want.PeakBytes = int64(10 * len(tc.v))
		if got := Summarize(rs); got != tc.want {
			t.Errorf("%v: %+v, want %+v", tc.v, got, tc.want)
		}
	}
}

// TestRun times a few real Lenet steps and checks the measurement says
// what it measured.
func TestRun(t *testing.T) {
	e, err := config.Load(filepath.Join("..", "..", "experiments", "lenet.yaml"), []string{"train.batch_size=32"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(e, Options{Steps: 3, Warmup: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Impl != "slotlab" || r.Net != "lenet-300-100" || r.K != 8 || r.Batch != 32 || r.Steps != 3 || r.Seconds <= 0 ||
		r.Threads != runtime.GOMAXPROCS(0) || r.BLAS == "" || r.PeakBytes <= 0 {
		t.Fatalf("result %+v", r)
	}
	if want := float64(r.Steps*r.Batch) / r.Seconds; fmt.Sprintf("%.6g", r.SamplesPerSecond) != fmt.Sprintf("%.6g", want) {
		t.Fatalf("samples/s %v, want steps×batch/seconds = %v", r.SamplesPerSecond, want)
	}
}

// TestPaperCases checks that --paper covers the paper's five networks,
// each as a K=8 slot machine and with learned weights; that every case's
// experiment file loads as that network and method; and that the PyTorch
// script builds every one of them (its NETS table names it).
func TestPaperCases(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("..", "..", "bench", "torch_bench.py"))
	if err != nil {
		t.Fatal(err)
	}
	cs := PaperCases()
	if len(cs) != 10 {
		t.Fatalf("%d cases, want 10 (5 networks × slot K=8 and learned)", len(cs))
	}
	arch := map[string]string{"lenet": "lenet-300-100"}
	seen := map[string]bool{}
	for _, c := range cs {
		e, err := config.Load(filepath.Join("..", "..", c.Experiment), c.Overrides)
		if err != nil {
			t.Fatalf("%s %v: %v", c.Experiment, c.Overrides, err)
		}
		want := c.Net
		if a, ok := arch[c.Net]; ok {
			want = a
		}
		if e.Arch.Name != want || e.Method != c.Method || (c.Method == "slot" && e.K != 8) {
			t.Errorf("%s %v: network %s, method %s, K %d; the case says %s %s K=%d", c.Experiment, c.Overrides, e.Arch.Name, e.Method, e.K, c.Net, c.Method, c.K)
		}
		if !strings.Contains(string(script), fmt.Sprintf("%q: (lambda", c.Net)) {
			t.Errorf("bench/torch_bench.py has no network %q", c.Net)
		}
		seen[c.Net+"/"+string(c.Method)] = true
	}
	for _, n := range []string{"lenet", "conv2", "conv4", "conv6", "vgg19"} {
		for _, m := range []string{"slot", "learned"} {
			if !seen[n+"/"+m] {
				t.Errorf("no case for %s %s", n, m)
			}
		}
	}
}

// TestPaperCasesOf checks the --nets choice among the suite's networks:
// the cases of the networks named, in the suite's order, both methods
// each; all of them for none; an error naming the five for another name.
func TestPaperCasesOf(t *testing.T) {
	for _, tc := range []struct {
		nets []string
		want []string // network/method of the cases, in order
		err  string
	}{
		{nil, nil, ""},
		{[]string{"vgg19"}, []string{"vgg19/slot", "vgg19/learned"}, ""},
		{[]string{"vgg19", "conv4"}, []string{"conv4/slot", "conv4/learned", "vgg19/slot", "vgg19/learned"}, ""},
		{[]string{"conv4", "conv4"}, []string{"conv4/slot", "conv4/learned"}, ""},
		{[]string{"vgg16"}, nil, `no network "vgg16" in the paper's suite (use some of lenet, conv2, conv4, conv6, vgg19)`},
		{[]string{""}, nil, `no network ""`},
	} {
		cs, err := PaperCasesOf(tc.nets)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.nets, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.nets, err)
		}
		if tc.want == nil {
			if len(cs) != len(PaperCases()) {
				t.Errorf("%q: %d cases, want all %d", tc.nets, len(cs), len(PaperCases()))
			}
			continue
		}
		var got []string
		for _, c := range cs {
			got = append(got, c.Net+"/"+string(c.Method))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: cases %v, want %v", tc.nets, got, tc.want)
		}
	}
}

// TestGFLOPsAndSgemmRate checks the dense-equivalent rate of a result (the
// step's work times steps per second) and that the SGEMM rate is a
// positive, finite number.
func TestGFLOPsAndSgemmRate(t *testing.T) {
	r := Result{Batch: 128, SamplesPerSecond: 256}
	if got := r.GFLOPs(3e9); got != 6 {
		t.Errorf("GFLOPs: %v, want 6 (2 steps/s of 3 GFLOP)", got)
	}
	if got := (Result{}).GFLOPs(3e9); got != 0 {
		t.Errorf("GFLOPs without a batch: %v, want 0", got)
	}
	if g := SgemmRate(1, 0); !(g > 0) || math.IsInf(g, 0) {
		t.Errorf("SgemmRate: %v", g)
	}
}
