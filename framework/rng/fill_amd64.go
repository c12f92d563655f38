//go:build amd64 && !purego

package rng

import (
	"golang.org/x/sys/cpu"

	"github.com/slotlab/slotlab/framework/internal/isa"
)

// hasAVX2 reports whether the AVX2 kernel can run here.
var hasAVX2 = cpu.X86.HasAVX2

// useAsm selects the AVX2 kernel unless SLOTLAB_ISA forces the generic
// path (the tests also switch it off to run the Go code on the same
// machine).
var useAsm = hasAVX2 && isa.Selected() >= isa.AVX2

// fillUniformAVX2 writes dst[j] = scale*(lo + d*u_j) for j < n, n a multiple
// of 8, where u_j is the uniform value of counter z + j·γ.
//
//go:noescape
func fillUniformAVX2(dst *float32, n int, z uint64, lo, d, scale float32)
