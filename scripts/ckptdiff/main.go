// Command ckptdiff compares two slotlab checkpoints (checkpoint.bin or
// best.bin) tensor by tensor, bit for bit, ignoring their metadata
// (checkpoint.Diff). It prints each tensor that differs or is in one file
// only, then a count, and exits 1 if any does: the check that two builds
// (or two thread counts) trained the same state.
//
//	go run ./scripts/ckptdiff RUN_A/checkpoint.bin RUN_B/checkpoint.bin
package main

import (
	"fmt"
	"os"

	"github.com/slotlab/slotlab/framework/checkpoint"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: ckptdiff A.bin B.bin")
		os.Exit(2)
	}
	diffs, n, err := checkpoint.Diff(os.Args[1], os.Args[2])
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
