// Command ckptdiff compares two slotlab checkpoints (checkpoint.bin or
// best.bin) tensor by tensor, bit for bit, ignoring their metadata (which
// holds wall times). It prints each tensor that differs or is in one file
// only, then a count, and exits 1 if any does: the check that two builds
// (or two thread counts) trained the same state.
//
//	go run ./scripts/ckptdiff RUN_A/checkpoint.bin RUN_B/checkpoint.bin
package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"sort"

	"github.com/slotlab/slotlab/framework/checkpoint"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: ckptdiff A.bin B.bin")
		os.Exit(2)
	}
	diffs, n, err := compare(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "ckptdiff:", err)
		os.Exit(2)
	}
	for _, d := range diffs {
		fmt.Println(d)
	}
	fmt.Printf("%d tensors, %d differ\n", n, len(diffs))
	if len(diffs) > 0 {
		os.Exit(1)
	}
}

// compare reads both checkpoints and returns a line for each tensor that
// differs in bits, type or length or is in one file only, and the number
// of tensor names in the two together.
func compare(pa, pb string) ([]string, int, error) {
	a, err := checkpoint.Read(pa, nil)
	if err != nil {
		return nil, 0, err
	}
	b, err := checkpoint.Read(pb, nil)
	if err != nil {
		return nil, 0, err
	}
	names := map[string]bool{}
	for k := range a {
		names[k] = true
	}
	for k := range b {
		names[k] = true
	}
	var sorted []string
	for k := range names {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var diffs []string
	for _, k := range sorted {
		ta, oka := a[k]
		tb, okb := b[k]
		switch {
		case !oka || !okb:
			diffs = append(diffs, "only in one file: "+k)
		case !sameTensor(ta, tb):
			diffs = append(diffs, "differs: "+k)
		}
	}
	return diffs, len(sorted), nil
}

// sameTensor reports whether a and b hold the same type, length and bits.
func sameTensor(a, b checkpoint.Tensor) bool {
	if (a.F32 == nil) != (b.F32 == nil) || (a.F64 == nil) != (b.F64 == nil) || (a.I32 == nil) != (b.I32 == nil) {
		return false
	}
	bits32 := func(v []float32) []uint32 {
		u := make([]uint32, len(v))
		for i, x := range v {
			u[i] = math.Float32bits(x)
		}
		return u
	}
	bits64 := func(v []float64) []uint64 {
		u := make([]uint64, len(v))
		for i, x := range v {
			u[i] = math.Float64bits(x)
		}
		return u
	}
	return slices.Equal(bits32(a.F32), bits32(b.F32)) && slices.Equal(bits64(a.F64), bits64(b.F64)) && slices.Equal(a.I32, b.I32)
}
