//go:build linux

package slotupdate

import (
	"fmt"
	"os"
	"runtime"
	"testing"
)

// TestZZFactoredCPUTime prints ns/score of ArgmaxFactored and WriteScores
// (and ns/connection of Advance) for asm, go and the baseline loops of
// framework/nn, on the chunks framework/nn uses, measured in thread CPU
// time, best of 7, with the ratio baseline/version. Run with
// SLOTUPDATE_CPUTIME=1 on a busy machine.
func TestZZFactoredCPUTime(t *testing.T) {
	if os.Getenv("SLOTUPDATE_CPUTIME") == "" {
		t.Skip("set SLOTUPDATE_CPUTIME=1 to run")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	measure := func(units int, f func()) float64 {
		f()
		reps := max(1, 2e7/units)
		best := 1e9
		for range 7 {
			t0 := threadCPU()
			for range reps {
				f()
			}
			best = min(best, float64((threadCPU()-t0).Nanoseconds())/float64(reps*units))
		}
		return best
	}
	report := func(label string, units int, run func(v string)) {
		res := map[string]float64{}
		line := label
		for _, v := range versions() {
			runVersion(v, func() { res[v] = measure(units, func() { run(v) }) })
			line += fmt.Sprintf("  %s %6.3f", v, res[v])
		}
		for _, v := range versions() {
			if v != "baseline" {
				line += fmt.Sprintf("  baseline/%s %5.1fx", v, res["baseline"]/res[v])
			}
		}
		fmt.Println(line)
	}
	for _, op := range []string{"argmax", "scores"} {
		for _, stride := range []string{"K", "0"} {
			for _, k := range factoredBenchKs {
				s := k
				if stride == "0" {
					s = 0
				}
				f := newFactoredBench(k, s)
				report(fmt.Sprintf("%-6s K=%2d stride %s n=%5d ns/score:", op, k, stride, f.n), f.n*k, func(v string) {
					if op == "argmax" {
						f.argmax(v)
					} else {
						f.scores(v)
					}
				})
			}
		}
	}
	f := newFactoredBench(8, 8)
	report(fmt.Sprintf("advance n=%5d ns/connection:", f.n), f.n, func(v string) { f.advance(v) })
}
