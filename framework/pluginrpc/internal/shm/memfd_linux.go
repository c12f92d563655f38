package shm

import (
	"os"

	"golang.org/x/sys/unix"
)

// createMemfd returns an anonymous memory file, or nil if the kernel has
// none (the caller then uses a file).
func createMemfd(name string) (*os.File, error) {
	fd, err := unix.MemfdCreate("slotlab-"+name, unix.MFD_CLOEXEC)
	if err != nil {
		return nil, nil
	}
	return os.NewFile(uintptr(fd), "memfd:slotlab-"+name), nil
}
