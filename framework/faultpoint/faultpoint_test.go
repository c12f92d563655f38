package faultpoint

import (
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// arm sets the environment and forgets what an earlier test loaded.
func arm(t *testing.T, point, hit, marker string) {
	t.Setenv(EnvPoint, point)
	t.Setenv(EnvHit, hit)
	t.Setenv(EnvMarker, marker)
	once, hitAt = sync.Once{}, 1
	hits.Store(0)
}

// TestReach checks that only the armed hit of the armed point writes the
// marker and holds, and that SIGTERM releases the hold.
func TestReach(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "state")
	arm(t, Step, "2", marker)
	Reach(DataLoaded, func() string { t.Fatal("an unarmed point computed its state"); return "" })
	Reach(Step, func() string { t.Fatal("hit 1 of a point armed at hit 2 computed its state"); return "" })
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Fatal("marker written before the armed hit")
	}
	released := make(chan struct{})
	go func() {
		Reach(Step, func() string { return "steps_done=2" })
		close(released)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(marker); err == nil {
			if string(b) != "steps_done=2\n" {
				t.Fatalf("marker holds %q", b)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the armed hit wrote no marker")
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case <-released:
		t.Fatal("Reach returned before any signal")
	case <-time.After(50 * time.Millisecond):
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-released:
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM did not release the hold")
	}
	// Later hits pass.
	Reach(Step, func() string { t.Fatal("hit 3 computed its state"); return "" })
}
