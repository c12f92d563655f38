//go:build linux && amd64 && !purego

package slotupdate

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/slotlab/slotlab/framework/internal/isa"
	"github.com/slotlab/slotlab/framework/isatest"
)

// guarded returns a slice of n float32 that ends where an unreadable page
// begins, so that a kernel reading past its end faults.
func guarded(t *testing.T, n int) []float32 {
	t.Helper()
	page := unix.Getpagesize()
	if 4*n > page {
		t.Fatalf("guarded: %d values do not fit a page", n)
	}
	b, err := unix.Mmap(-1, 0, 2*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Munmap(b) })
	if err := unix.Mprotect(b[page:], unix.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[page-4*n])), n)
}

// TestSampleSoftmaxZGuard runs the AVX-512 sampling kernels on scores and
// u that end at an unreadable page: the kernels read only the scores of
// their n connections and their n values of u, where the last connection
// of K = 8 or the last 8 scores of K/8 odd take half a register (a masked
// load), and draw what the Go code draws.
func TestSampleSoftmaxZGuard(t *testing.T) {
	isatest.Path(t, isa.AVX512, hasAVX512)
	for _, k := range []int{8, 16, 24, 40, 56} {
		for _, n := range []int{1, 2, 3, 5, 6, 7} {
			r := rand.New(rand.NewPCG(uint64(k), uint64(n)))
			s := guarded(t, n*k)
			copy(s, zSampleScores(r, "spread2", n, k))
			u := guarded(t, n)
			copy(u, zSampleU(r, s, n, k))
			got, want := make([]int32, n), make([]int32, n)
			sampleZ(got, s, u, make([]float32, sampleScratch), k)
			sampleSoftmaxGo(want, s, u, k, make([]float32, k+8))
			diffI(t, fmt.Sprintf("K%d/n%d", k, n), got, want)
		}
	}
}
