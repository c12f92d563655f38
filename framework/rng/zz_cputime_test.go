//go:build linux

package rng

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// threadCPU is the CPU time of the calling thread, which, unlike the wall
// time of the benchmarks, does not count the time other processes hold the
// core.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3 /*CLOCK_THREAD_CPUTIME_ID*/, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}

// TestZZFillCPUTime prints ns/value of FillUniformScaled (asm and go) and of
// the element-by-element loop the initializers ran before, in thread CPU
// time, best of 7. Run with RNG_CPUTIME=1 on a busy machine.
func TestZZFillCPUTime(t *testing.T) {
	if os.Getenv("RNG_CPUTIME") == "" {
		t.Skip("set RNG_CPUTIME=1 to run")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const n = 16384
	dst := make([]float32, n)
	s := New(1, "bench")
	res := map[string]float64{}
	line := fmt.Sprintf("fill n=%d ns/value:", n)
	for _, v := range []string{"asm", "go", "scalar"} {
		if v == "asm" && !hasAVX2 {
			continue
		}
		f := func() { s.FillUniformScaled(dst, 0, -1, 1, 0.05) }
		if v == "scalar" {
			f = func() {
				bound := float32(0.05)
				for j := range dst {
					dst[j] = bound * (2*s.Float32(uint64(j)) - 1)
				}
			}
		}
		withAsm(v == "asm", func() {
			best := 1e9
			for range 7 {
				t0 := threadCPU()
				for range 200 {
					f()
				}
				best = min(best, float64((threadCPU()-t0).Nanoseconds())/(200*n))
			}
			res[v] = best
		})
		line += fmt.Sprintf("  %s %.3f", v, res[v])
	}
	for _, v := range []string{"asm", "go"} {
		if res[v] > 0 {
			line += fmt.Sprintf("  scalar/%s %.1fx", v, res["scalar"]/res[v])
		}
	}
	fmt.Println(line)
}
