//go:build unix

package shm

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Segment is a shared memory segment created by the host.
type Segment struct {
	// Bytes is the host's mapping.
	Bytes []byte
	// Path is what the plugin opens to map it.
	Path string
	file *os.File
	temp bool // Path is a temporary file to remove once mapped
}

// Create makes a segment of size bytes: a memfd when memfd is true and the
// system has them (the plugin opens /proc/PID/fd/N), else a file in
// /dev/shm or os.TempDir().
func Create(name string, size int64, memfd bool) (*Segment, error) {
	if size <= 0 {
		size = Align
	}
	var (
		f    *os.File
		temp bool
		err  error
	)
	if memfd {
		f, err = createMemfd(name)
	}
	if f == nil {
		f, err = createFile(name)
		temp = true
	}
	if err != nil {
		return nil, err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		if temp {
			os.Remove(f.Name())
		}
		return nil, fmt.Errorf("sizing shared memory to %d bytes: %w", size, err)
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		f.Close()
		if temp {
			os.Remove(f.Name())
		}
		return nil, fmt.Errorf("mapping %d bytes of shared memory: %w", size, err)
	}
	s := &Segment{Bytes: b, file: f, temp: temp, Path: f.Name()}
	if !temp {
		s.Path = fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), f.Fd())
	}
	return s, nil
}

func createFile(name string) (*os.File, error) {
	dir := os.TempDir()
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() && unix.Access("/dev/shm", unix.W_OK) == nil {
		dir = "/dev/shm"
	}
	f, err := os.CreateTemp(dir, "slotlab-"+filepath.Base(name)+"-*")
	if err != nil {
		return nil, fmt.Errorf("creating shared memory: %w", err)
	}
	return f, nil
}

// Shared is called once the plugin has mapped the segment: the host needs
// neither the descriptor nor the name any more (the mappings keep the
// memory alive), so a crash later leaves nothing behind.
func (s *Segment) Shared() {
	if s.file == nil {
		return
	}
	if s.temp {
		os.Remove(s.file.Name())
	}
	s.file.Close()
	s.file = nil
}

// Close unmaps the host's mapping and drops the segment.
func (s *Segment) Close() error {
	s.Shared()
	if s.Bytes == nil {
		return nil
	}
	err := unix.Munmap(s.Bytes)
	s.Bytes = nil
	return err
}

// Open maps, in the plugin, the segment at path, which must hold size
// bytes.
func Open(path string, size int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("opening shared memory: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("shared memory: %w", err)
	}
	if st.Size() != size {
		return nil, fmt.Errorf("shared memory %s holds %d bytes, want %d", path, st.Size(), size)
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mapping shared memory: %w", err)
	}
	return b, nil
}

// Unmap releases a mapping made by Open.
func Unmap(b []byte) error { return unix.Munmap(b) }
