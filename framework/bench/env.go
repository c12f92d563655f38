package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// TorchInfo is what bench/torch_bench.py --info reports about the PyTorch a
// comparison runs against, from torch itself.
type TorchInfo struct {
	Version string `json:"version"`
	// Threads is torch.get_num_threads() after torch.set_num_threads.
	Threads int `json:"threads"`
	// CPUCapability is the ISA torch's own kernels dispatch to ("AVX2").
	CPUCapability string `json:"cpu_capability"`
	// MKLDNN says whether oneDNN (mkldnn) is available for convolutions.
	MKLDNN bool `json:"mkldnn"`
	// BLASLibraries are the BLAS/LAPACK shared objects mapped into the
	// process after a matrix product.
	BLASLibraries []string `json:"blas_libraries"`
	// MMGFLOPS is the speed of a 512×512 float32 matrix product.
	MMGFLOPS float64 `json:"mm_gflops"`
	// OneDNNISA is the instruction set oneDNN's convolutions run on, as its
	// verbose mode names it ("Intel AVX2"), or "" if it did not say.
	OneDNNISA string `json:"onednn_isa"`
}

// BLAS names the BLAS torch's matrix products run on, from the libraries
// mapped into its process: OpenBLAS, BLIS, MKL, ATLAS, "reference" (the
// Netlib reference BLAS, Debian's libblas3) or "none found".
func (t TorchInfo) BLAS() string {
	name := "none found"
	for _, l := range t.BLASLibraries {
		switch low := strings.ToLower(l); {
		case strings.Contains(low, "openblas"):
			return "OpenBLAS"
		case strings.Contains(low, "blis"):
			return "BLIS"
		case strings.Contains(low, "mkl"):
			return "MKL"
		case strings.Contains(low, "atlas"):
			return "ATLAS"
		case strings.Contains(low, "/blas/libblas"):
			name = "reference"
		}
	}
	return name
}

// Check returns an error, with the fix, when a comparison against this
// torch would mislead: its matrix products run on the reference BLAS (10–20×
// slower than an optimised one, which makes slotlab look that much faster),
// or it does not run on the number of threads slotlab gets.
func (t TorchInfo) Check(threads int) error {
	if t.BLAS() == "reference" {
		return fmt.Errorf("torch %s runs its matrix products on the reference BLAS (%s, %.1f GFLOP/s for a 512×512 product): a comparison would flatter slotlab 10–20×. Install an optimised BLAS for it, e.g. `apt-get install libopenblas0-pthread` (Debian picks it as libblas.so.3), and run again",
			t.Version, strings.Join(t.BLASLibraries, ", "), t.MMGFLOPS)
	}
	if t.Threads != threads {
		return fmt.Errorf("torch runs on %d threads where slotlab gets %d (torch.set_num_threads did not take: is OMP_NUM_THREADS set?); the comparison needs both on the same number", t.Threads, threads)
	}
	return nil
}

// String is the header line of a comparison.
func (t TorchInfo) String() string {
	conv := "oneDNN off"
	if t.MKLDNN {
		conv = "oneDNN (mkldnn) on"
		if t.OneDNNISA != "" {
			conv += ", " + t.OneDNNISA
		}
	}
	return fmt.Sprintf("torch %s, %d threads, CPU capability %s, BLAS %s (%.1f GFLOP/s on a 512×512 product), convolutions: %s",
		t.Version, t.Threads, t.CPUCapability, t.BLAS(), t.MMGFLOPS, conv)
}

// TorchEnv asks the PyTorch script about the torch it runs on, at the given
// number of threads, with env added to its environment (TorchISAEnv).
func TorchEnv(python, script string, threads int, env []string) (TorchInfo, error) {
	cmd := exec.Command(python, script, "--info", fmt.Sprint("--threads=", threads))
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return TorchInfo{}, fmt.Errorf("%s: %v: %s", strings.Join(cmd.Args, " "), err, strings.TrimSpace(errb.String()))
	}
	var t TorchInfo
	if err := json.Unmarshal(bytes.TrimSpace(out.Bytes()), &t); err != nil {
		return TorchInfo{}, fmt.Errorf("%s: unexpected output %q", strings.Join(cmd.Args, " "), out.String())
	}
	return t, nil
}

// CPUModel returns the CPU's model name from /proc/cpuinfo, or "unknown".
func CPUModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
