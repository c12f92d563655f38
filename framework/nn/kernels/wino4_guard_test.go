//go:build linux && amd64 && !purego

package kernels

import (
	"syscall"
	"testing"
	"unsafe"
)

// guarded returns n float32s that end where an unreadable page begins, so
// that an assembly loop reading one float past them faults.
func guarded(t *testing.T, n int) []float32 {
	page := syscall.Getpagesize()
	size := (4*n + page - 1) / page * page
	mem, err := syscall.Mmap(-1, 0, size+page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[size:], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&mem[size-4*n])), n)
}

// TestWinoPlaneIn6StaysInPlane runs F(4×4)'s input gather on unpadded
// planes read in place (4·th+2 = h, 4·tw+2 = w: no padded copy) that end
// at an unreadable page: its 8- and 4-wide steps must not read past the
// last tile's input (an earlier version read two floats past it). Widths
// of 1 to 12 tiles cover every mix of the steps. The results are checked
// against the Go loop.
func TestWinoPlaneIn6StaysInPlane(t *testing.T) {
	defer func(a bool) { wino4Asm = a }(wino4Asm)
	for tw := 1; tw <= 12; tw++ {
		th := 1 + tw%3
		h, w := 4*th+2, 4*tw+2
		d := newWinoDirM(1, 1, 1, h, w, 0, false, true, 1)
		if d.th != th || d.tw != tw {
			t.Fatalf("tiles %d×%d, want %d×%d", d.th, d.tw, th, tw)
		}
		x := guarded(t, h*w)
		copy(x, to32(randVec(uint64(tw), h*w, 1)))
		tt := th * tw
		var e [2][]float32
		for k, asm := range []bool{false, true} {
			wino4Asm = asm
			e[k] = make([]float32, 36*tt)
			d.rowsIn4(x, e[k], tt, 0, nil) // nil: a padded copy would panic
		}
		if !sameBits(e[0], e[1]) {
			t.Errorf("%d×%d tiles: the assembly gather differs from the Go loop", th, tw)
		}
	}
}
