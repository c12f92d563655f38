// Package shm is the shared memory of slotlab plugins: the host creates a
// segment (a memfd on Linux, else a temporary file), maps it, and hands the
// plugin a path to open and map the same pages; both then read and write
// the tensors in place.
package shm

import (
	"fmt"
	"unsafe"
)

// Align is the alignment of the arrays laid out in a segment (a cache
// line).
const Align = 64

// AlignUp rounds n up to a multiple of Align.
func AlignUp(n int64) int64 { return (n + Align - 1) &^ (Align - 1) }

// Float32s returns n float32 of b starting at byte off.
func Float32s(b []byte, off int64, n int) ([]float32, error) {
	if err := check(b, off, n, 4); err != nil {
		return nil, err
	}
	if n == 0 {
		return []float32{}, nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[off])), n), nil
}

// Int32s returns n int32 of b starting at byte off.
func Int32s(b []byte, off int64, n int) ([]int32, error) {
	if err := check(b, off, n, 4); err != nil {
		return nil, err
	}
	if n == 0 {
		return []int32{}, nil
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(&b[off])), n), nil
}

// check returns an error unless n elements of size bytes at byte off lie
// inside b. It compares n with the room left after off rather than computing
// off+n·size, which wraps around for offsets near the end of int64 or n
// past a quarter of it, and would let such a range through.
func check(b []byte, off int64, n, size int) error {
	if off < 0 || n < 0 || off%int64(size) != 0 || off > int64(len(b)) || int64(n) > (int64(len(b))-off)/int64(size) {
		return fmt.Errorf("range of %d×%d bytes at offset %d does not fit a segment of %d bytes", n, size, off, len(b))
	}
	return nil
}

// Within reports whether the elements of s lie inside b, and if so the byte
// offset of s[0] from b[0].
func Within[T any](b []byte, s []T) (int64, bool) {
	if len(s) == 0 || len(b) == 0 {
		return 0, false
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	size := unsafe.Sizeof(s[0]) * uintptr(len(s))
	if p < base || p+size > base+uintptr(len(b)) {
		return 0, false
	}
	return int64(p - base), true
}
