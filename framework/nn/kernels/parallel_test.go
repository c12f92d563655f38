package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

func TestParallelCoversEachIndexOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, p := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(p)
		for _, n := range []int{0, 1, 2, 5, 100, 1001} {
			hits := make([]int32, n)
			var calls atomic.Int32
			Parallel(n, func(lo, hi int) {
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
				Parallel(7, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						Parallel(5, func(lo, hi int) { total.Add(int64(hi - lo)) })
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
		runParallel(64, 64, 4, r)
	}
}

type checkRanger struct {
	busy []atomic.Int32
	t    *testing.T
}

func (c *checkRanger) run(w, lo, hi int) {
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
