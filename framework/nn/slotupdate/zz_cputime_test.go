//go:build linux

package slotupdate

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

// TestZZCPUTime prints ns/score of Update (with selection) for asm, go and
// the baseline, measured in thread CPU time, best of 5: for the chunk size
// framework/nn uses (16384/K connections, in cache) and for 2^18
// connections. Run with SLOTUPDATE_CPUTIME=1 on a busy machine.
func TestZZCPUTime(t *testing.T) {
	if os.Getenv("SLOTUPDATE_CPUTIME") == "" {
		t.Skip("set SLOTUPDATE_CPUTIME=1 to run")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer func(old bool) { useAsm = old }(useAsm)
	for _, nconn := range []int{0, benchConnections} {
		for _, k := range []int{1, 2, 4, 8, 16, 64, 3, 5, 12} {
			n := nconn
			if n == 0 {
				n = max(256, 16384/k)
			}
			l := newBenchLayer(n, k, k)
			scores := n * k
			reps := max(1, 3e7/scores)
			line := fmt.Sprintf("n=%6d K=%2d", n, k)
			for _, name := range []string{"asm", "go", "baseline"} {
				if name == "asm" && !hasAVX2 {
					continue
				}
				useAsm = name == "asm"
				f := func() { Update(l.s, l.v, l.w, l.g, k, k, benchP, l.idx, l.weff) }
				if name == "baseline" {
					f = func() { baselineUpdate(l.s, l.v, l.w, l.g, k, k, benchP, l.idx, l.weff) }
				}
				f()
				best := 1e9
				for range 5 {
					t0 := threadCPU()
					for range reps {
						f()
					}
					best = min(best, float64((threadCPU()-t0).Nanoseconds())/float64(reps*scores))
				}
				line += fmt.Sprintf("  %s %6.3f", name, best)
			}
			fmt.Println(line, "ns/score")
		}
	}
}
