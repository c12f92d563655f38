//go:build amd64 && !purego

package slotupdate

import (
	"golang.org/x/sys/cpu"

	"github.com/slotlab/slotlab/framework/internal/isa"
)

// hasAVX2 reports whether the AVX2 kernels can run here (they also use
// TZCNT, which every AVX2 processor has).
var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasBMI1

// useAsm selects the assembly kernels unless SLOTLAB_ISA forces the
// generic path (the tests also switch it off to run the Go code on the
// same machine).
var useAsm = hasAVX2 && isa.Selected() >= isa.AVX2

// hasAVX512 reports whether the AVX-512 kernels can run here: AVX-512F
// (isa.Supported) besides what hasAVX2 needs.
var hasAVX512 = hasAVX2 && isa.Supported(isa.AVX512)

// useAVX512 selects the AVX-512 kernels (factored_avx512_amd64.s) where
// there are some, unless SLOTLAB_ISA forces avx2 or generic; it only counts
// while useAsm is set. The tests switch both to run every path.
var useAVX512 = useAsm && hasAVX512 && isa.Selected() >= isa.AVX512

// The kernels of slotupdate_amd64.s.

// flagNesterov is the flags bit of sgdAVX2 for Nesterov momentum.
const flagNesterov = 1

// sgdAVX2 is SGDStep over n elements, n a multiple of 8.
//
//go:noescape
func sgdAVX2(x, v, grad *float32, n int, lr, mu, wd float32, flags int) (ok bool)

func sgdAsm(x, v, g []float32, p SGD) bool {
	n := len(x)
	m := n &^ 7
	ok := true
	flags := 0
	if p.Nesterov {
		flags = flagNesterov
	}
	if m > 0 {
		ok = sgdAVX2(&x[0], &v[0], &g[0], m, p.LR, p.Momentum, p.WeightDecay, flags)
	}
	if m < n {
		ok = sgdGo(x[m:], v[m:], g[m:], p) && ok
	}
	return ok
}
