//go:build unix && !linux

package shm

import "os"

// createMemfd returns nil: only Linux has memfds.
func createMemfd(string) (*os.File, error) { return nil, nil }
