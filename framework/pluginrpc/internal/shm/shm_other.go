//go:build !unix

package shm

import "errors"

var errUnsupported = errors.New("external plugins need shared memory, which slotlab only implements on Unix")

// Segment is a shared memory segment created by the host.
type Segment struct {
	Bytes []byte
	Path  string
}

// Create fails: no shared memory on this system.
func Create(string, int64, bool) (*Segment, error) { return nil, errUnsupported }

// Shared does nothing.
func (*Segment) Shared() {}

// Close does nothing.
func (*Segment) Close() error { return nil }

// Open fails: no shared memory on this system.
func Open(string, int64) ([]byte, error) { return nil, errUnsupported }

// Unmap does nothing.
func Unmap([]byte) error { return nil }
