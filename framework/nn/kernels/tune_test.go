package kernels

import (
	"fmt"
	"os"
	"sort"
	"testing"
	"time"
)

// TestTuneConv4 compares conv strategies on the CONV-4 step, interleaving
// the variants and keeping the fastest of several rounds, which is robust to
// other processes on the machine. Run with KERNELS_TUNE=1.
func TestTuneConv4(t *testing.T) {
	if os.Getenv("KERNELS_TUNE") == "" {
		t.Skip("set KERNELS_TUNE=1")
	}
	variants := []ConvOptions{
		{Strategy: ConvPerImage}, {Strategy: ConvPerGEMM}, {Strategy: ConvMixed},
		{Strategy: ConvPerGEMM, MinCols: MinGEMMCols},
	}
	nets := make([]*conv4, len(variants))
	for i, o := range variants {
		nets[i] = newConv4(128, o, 1)
		nets[i].withDx1 = true
		nets[i].forward()
		nets[i].backward()
	}
	wall := make([][]float64, len(variants))
	cpu := make([][]float64, len(variants))
	for round := 0; round < tuneRounds(); round++ {
		for i, m := range nets {
			t0, c0 := time.Now(), cpuTime()
			m.forward()
			m.backward()
			wall[i] = append(wall[i], time.Since(t0).Seconds())
			cpu[i] = append(cpu[i], (cpuTime() - c0).Seconds())
		}
	}
	for i, o := range variants {
		sort.Float64s(wall[i])
		sort.Float64s(cpu[i])
		t.Logf("%-28s best %6.1f samples/s (%5.1f GFLOP/s)  median %6.1f samples/s  cpu-best %.3fs\n",
			fmt.Sprintf("%v/MinCols=%d", o.Strategy, o.MinCols), 128/wall[i][0], nets[i].convFLOPs()/wall[i][0]/1e9, 128/wall[i][len(wall[i])/2], cpu[i][0])
	}
}

func tuneRounds() int {
	var n int
	if _, err := fmt.Sscan(os.Getenv("KERNELS_TUNE_ROUNDS"), &n); err != nil || n < 1 {
		return 8
	}
	return n
}
