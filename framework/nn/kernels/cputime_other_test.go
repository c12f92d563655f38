//go:build !unix

package kernels

import "time"

// cpuTime is unavailable here; CPU-based metrics read as infinite.
func cpuTime() time.Duration { return 0 }
