// Package faultpoint is the one place where slotlab's fault tests stop a
// process on purpose. Code at a named point calls Reach; unless the
// environment names that point, Reach returns at once and costs one
// comparison. When it does (SLOTLAB_FAULTPOINT=POINT, optionally
// SLOTLAB_FAULTPOINT_HIT=N for the N-th time the point is reached in this
// process, counting from 1), Reach writes the state of the process at that
// moment to the file SLOTLAB_FAULTPOINT_MARKER and waits, so that a test
// can kill the process exactly there and read what it had done. The wait
// ends on SIGINT or SIGTERM (the process then carries on and handles the
// signal as it would anywhere) or after a minute.
package faultpoint

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The environment variables that arm a point.
const (
	EnvPoint  = "SLOTLAB_FAULTPOINT"
	EnvHit    = "SLOTLAB_FAULTPOINT_HIT"
	EnvMarker = "SLOTLAB_FAULTPOINT_MARKER"
)

// The points slotlab reaches. Every atomic file write reaches Write+base
// name (e.g. "write:checkpoint.bin") after its temporary file is complete
// and before it is renamed into place.
const (
	// DataLoaded is reached once the data is loaded, the network built and
	// any checkpoint restored, before the first step of this process.
	DataLoaded = "data-loaded"
	// Step is reached after every training step.
	Step = "step"
	// Write is the prefix of the points inside atomic file writes.
	Write = "write:"
	// SweepBetweenRuns is reached in a sweep after a run has finished and
	// before the next one starts.
	SweepBetweenRuns = "sweep-between-runs"
)

var (
	once   sync.Once
	armed  string
	hitAt  int64 = 1
	marker string
	hits   atomic.Int64
)

func load() {
	armed = os.Getenv(EnvPoint)
	marker = os.Getenv(EnvMarker)
	if n, err := strconv.ParseInt(os.Getenv(EnvHit), 10, 64); err == nil && n > 0 {
		hitAt = n
	}
}

// Armed reports whether point is the one the environment names; callers
// use it to skip computing a state nobody reads.
func Armed(point string) bool {
	once.Do(load)
	return armed != "" && armed == point
}

// Reach marks that the process is at point. If the environment arms this
// point and this is the armed hit, it writes state() to the marker file
// (atomically, so a test that sees the file sees all of it) and waits for
// SIGINT, SIGTERM or a minute.
func Reach(point string, state func() string) {
	if !Armed(point) || hits.Add(1) != hitAt {
		return
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	if marker != "" {
		tmp := marker + ".partial"
		if err := os.WriteFile(tmp, []byte(state()+"\n"), 0o644); err == nil {
			_ = os.Rename(tmp, marker)
		}
	} else {
		fmt.Fprintf(os.Stderr, "faultpoint %s: %s\n", point, state())
	}
	// signal.Notify hands a signal to every channel registered for it, so
	// the program's own handlers see it too.
	select {
	case <-sig:
	case <-time.After(time.Minute):
	}
}
