package parallel

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParallelCoversEachIndexOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, p := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(p)
		for _, n := range []int{0, 1, 2, 5, 100, 1001} {
			hits := make([]int32, n)
			var calls atomic.Int32
			For(n, func(lo, hi int) {
				calls.Add(1)
				for i := lo; i < hi; i++ {
					atomic.AddInt32(&hits[i], 1)
				}
			})
			for i, h := range hits {
				if h != 1 {
					t.Fatalf("GOMAXPROCS=%d n=%d: index %d hit %d times", p, n, i, h)
				}
			}
			if want := min(n, p); int(calls.Load()) != want {
				t.Errorf("GOMAXPROCS=%d n=%d: %d chunks, want %d", p, n, calls.Load(), want)
			}
		}
	}
}

// Nested and concurrent calls must neither deadlock nor lose work.
func TestParallelNestedAndConcurrent(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(3)
	var total atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rep := 0; rep < 20; rep++ {
				For(7, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						For(5, func(lo, hi int) { total.Add(int64(hi - lo)) })
					}
				})
			}
		}()
	}
	wg.Wait()
	if got, want := total.Load(), int64(4*20*7*5); got != want {
		t.Errorf("total = %d, want %d", got, want)
	}
}

func TestWorkerIndicesAreUnique(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(4)
	var busy [4]atomic.Int32
	r := &checkRanger{busy: busy[:], t: t}
	for rep := 0; rep < 50; rep++ {
		Run(64, 64, 4, r)
	}
}

type checkRanger struct {
	busy []atomic.Int32
	t    *testing.T
}

func (c *checkRanger) Range(w, lo, hi int) {
	if c.busy[w].Add(1) != 1 {
		c.t.Errorf("worker index %d used by two goroutines at once", w)
	}
	s := 0
	for i := 0; i < 1000*(hi-lo); i++ {
		s += i
	}
	_ = s
	c.busy[w].Add(-1)
}

// TestChunks checks that Chunks calls fn on exactly the chunks
// [i·size, min(n, (i+1)·size)) at any GOMAXPROCS, each once (the boundaries
// that selections and score buffers depend on), and returns the first
// error, skipping the chunks not yet begun.
func TestChunks(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, p := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(p)
		for _, tc := range []struct{ n, size int }{{0, 4}, {1, 4}, {10, 3}, {1000, 7}, {1024, 256}} {
			var mu sync.Mutex
			seen := map[[2]int]int{}
			if err := ForChunks(tc.n, tc.size, func(lo, hi int) error {
				mu.Lock()
				seen[[2]int{lo, hi}]++
				mu.Unlock()
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			want := 0
			for lo := 0; lo < tc.n; lo += tc.size {
				if c := seen[[2]int{lo, min(tc.n, lo+tc.size)}]; c != 1 {
					t.Fatalf("GOMAXPROCS=%d n=%d size=%d: chunk [%d, %d) run %d times", p, tc.n, tc.size, lo, min(tc.n, lo+tc.size), c)
				}
				want++
			}
			if len(seen) != want {
				t.Fatalf("GOMAXPROCS=%d n=%d size=%d: chunks %v", p, tc.n, tc.size, seen)
			}
		}
		// Chunk 0 fails; chunk 50, if another goroutine runs it, waits
		// for the failure, so that the chunks after it are not yet begun.
		boom := errors.New("boom")
		var after atomic.Int32
		failed := make(chan struct{})
		c := NewChunks(100, 1, func(lo, _ int) error {
			switch lo {
			case 0:
				close(failed)
				return boom
			case 50:
				<-failed
				time.Sleep(10 * time.Millisecond)
			}
			after.Add(1)
			return nil
		})
		if err := c.Run(); err != boom {
			t.Fatalf("GOMAXPROCS=%d: error %v, want boom", p, err)
		}
		if after.Load() > 1 {
			t.Fatalf("GOMAXPROCS=%d: %d chunks ran after the error", p, after.Load())
		}
		var ran atomic.Int32
		c.fn = func(int, int) error { ran.Add(1); return nil } // a Chunks runs again afresh
		if err := c.Run(); err != nil || ran.Load() != 100 {
			t.Fatalf("GOMAXPROCS=%d: second run: %d of 100 chunks, %v", p, ran.Load(), err)
		}
	}
}

// TestNoAllocations checks that For and a Chunks made once run without
// allocating, on the parallel path.
func TestNoAllocations(t *testing.T) {
	if testing.CoverMode() != "" || raceEnabled {
		t.Skip("instrumented build")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(2)
	nop := func(lo, hi int) {}
	c := NewChunks(1000, 10, func(lo, hi int) error { return nil })
	var l FreeList[[64]byte]
	for name, f := range map[string]func(){
		"For":        func() { For(100, nop) },
		"Chunks.Run": func() { _ = c.Run() },
		"FreeList":   func() { l.Put(l.Get()) },
	} {
		f()
		if a := testing.AllocsPerRun(20, f); a != 0 {
			t.Errorf("%s: %v allocations per call", name, a)
		}
	}
}
