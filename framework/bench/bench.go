// Package bench times slotlab's training steps (forward, backward, score or
// weight update) without data loading, and compares them with a PyTorch
// implementation of the same network run on the same machine.
package bench

import (
	"fmt"
	"runtime"
	"syscall"
	"time"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/nn"
	"github.com/slotlab/slotlab/framework/nn/gemm"
	"github.com/slotlab/slotlab/framework/rng"
	"github.com/slotlab/slotlab/framework/train"
)

// Result is one measurement.
type Result struct {
	Impl             string           `json:"impl"`
	Net              string           `json:"net"`
	Method           framework.Method `json:"method"`
	K                int              `json:"k"`
	Batch            int              `json:"batch"`
	Steps            int              `json:"steps"`
	Seconds          float64          `json:"seconds"`
	SamplesPerSecond float64          `json:"samples_per_second"`
	// PeakBytes is the peak resident memory of the process that measured
	// (ru_maxrss), so each measurement runs in a process of its own.
	PeakBytes int64  `json:"peak_bytes"`
	Threads   int    `json:"threads"`
	BLAS      string `json:"blas,omitempty"`
	// StepFLOPs is the dense-equivalent work of one step: the forward and
	// backward passes of the network as a dense one (train.DenseFLOPs),
	// whatever the method, so that GFLOP/s compare across methods and
	// implementations. Only slotlab's side sets it.
	StepFLOPs float64 `json:"step_flops,omitempty"`
}

// GFLOPs is the dense-equivalent GFLOP/s of r's steps, given the work of
// one step (a torch result carries none, so the slotlab side's is passed).
func (r Result) GFLOPs(stepFLOPs float64) float64 {
	if r.Batch == 0 {
		return 0
	}
	return stepFLOPs * r.SamplesPerSecond / float64(r.Batch) / 1e9
}

// Options of a measurement.
type Options struct {
	// Steps is the least number of timed steps, after Warmup untimed ones.
	Steps, Warmup int
	// MinSeconds makes the timing go on, past Steps, until it has lasted
	// this long.
	MinSeconds float64
	// Threads is the number of threads each side runs on (a comparison
	// only; Run uses GOMAXPROCS).
	Threads int
	// TorchEnv is added to the environment of the PyTorch processes of a
	// comparison (TorchISAEnv).
	TorchEnv []string
}

// Run builds the experiment's network and times at least Steps training
// steps, and at least MinSeconds, after Warmup untimed ones, on random
// inputs drawn once.
func Run(e *config.Experiment, o Options) (Result, error) {
	if o.Steps < 1 {
		o.Steps = 20
	}
	net, err := e.BuildNetwork(e.Method, e.Train.BatchSize, 1)
	if err != nil {
		return Result{}, err
	}
	x, labels := net.TrainInput()
	s := rng.New(uint64(e.Seed), "bench")
	for i := range x {
		x[i] = 2*s.Float32(uint64(i)) - 1
	}
	for i := range labels {
		labels[i] = int32(s.Intn(uint64(len(x)+i), e.Arch.Classes))
	}
	opt := e.Train.Optimizer
	h := nn.Hyper{LR: float32(opt.LearningRate.Value), Momentum: float32(opt.Momentum), WeightDecay: float32(opt.WeightDecay.Value), Nesterov: opt.Nesterov}
	for i := 0; i < o.Warmup; i++ {
		if _, _, err := net.TrainStep(h); err != nil {
			return Result{}, err
		}
	}
	start := time.Now()
	steps := 0
	for steps < o.Steps || time.Since(start).Seconds() < o.MinSeconds {
		if _, _, err := net.TrainStep(h); err != nil {
			return Result{}, err
		}
		steps++
	}
	el := time.Since(start).Seconds()
	return Result{
		Impl: "slotlab", Net: e.Arch.Name, Method: e.Method, K: e.K, Batch: e.Train.BatchSize, Steps: steps, Seconds: el,
		SamplesPerSecond: float64(steps*e.Train.BatchSize) / el, PeakBytes: PeakRSS(),
		Threads: runtime.GOMAXPROCS(0), BLAS: gemm.Backend(),
		StepFLOPs: train.DenseFLOPs(net.Plan, e.Train.BatchSize),
	}, nil
}

// SgemmSize is the order of the square products SgemmRate times.
const SgemmSize = 1024

// SgemmRate measures slotlab's SGEMM (gemm.Sgemm, the path in use) on
// square float32 products of order SgemmSize, on threads threads
// (GOMAXPROCS for the call), for at least seconds, and returns GFLOP/s:
// the machine's matrix-product rate that a step's dense-equivalent
// GFLOP/s is compared with.
func SgemmRate(threads int, seconds float64) float64 {
	if threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
	}
	n := SgemmSize
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	s := rng.New(1, "sgemm")
	for i := range a {
		a[i], b[i] = s.Float32(uint64(2*i))-0.5, s.Float32(uint64(2*i+1))-0.5
	}
	gemm.Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n) // warm-up
	start := time.Now()
	reps := 0
	for reps < 2 || time.Since(start).Seconds() < seconds {
		gemm.Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
		reps++
	}
	return 2 * float64(n) * float64(n) * float64(n) * float64(reps) / time.Since(start).Seconds() / 1e9
}

// PeakRSS returns the peak resident memory of this process in bytes.
func PeakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024
}

// String formats a result for a log line.
func (r Result) String() string {
	return fmt.Sprintf("%s %s %s K=%d: %.0f samples/s, peak %.0f MiB", r.Impl, r.Net, r.Method, r.K, r.SamplesPerSecond, float64(r.PeakBytes)/(1<<20))
}
