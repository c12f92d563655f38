package data

import (
	"runtime"
	"sync"
)

// parallelMinPixels is the batch size, in pixels, from which FillBatch
// splits its work over the worker pool.
const parallelMinPixels = 1 << 17

// fillers is a pool of long-lived goroutines that fill parts of a batch. It
// serves one FillBatch call at a time (others run on their caller's
// goroutine), and passes work as values over channels so that a parallel
// FillBatch does not allocate.
var fillers struct {
	once  sync.Once
	mu    sync.Mutex // held while a call uses the pool
	n     int        // worker goroutines
	tasks chan [2]int
	done  chan struct{}
	job   fillJob // the current call; written under mu before tasks are sent
}

func startFillers() {
	fillers.n = runtime.GOMAXPROCS(0) - 1
	fillers.tasks = make(chan [2]int, fillers.n)
	fillers.done = make(chan struct{}, fillers.n)
	for range fillers.n {
		go func() {
			for t := range fillers.tasks {
				fillers.job.run(t[0], t[1])
				fillers.done <- struct{}{}
			}
		}()
	}
}

// parallelFill runs examples [0, n) of job over the pool and the calling
// goroutine. It returns false, having done nothing, if the pool has no
// workers or is busy with another call.
func parallelFill(job *fillJob, n int) bool {
	fillers.once.Do(startFillers)
	if fillers.n == 0 || !fillers.mu.TryLock() {
		return false
	}
	defer fillers.mu.Unlock()
	fillers.job = *job
	parts := min(fillers.n+1, n)
	chunk := (n + parts - 1) / parts
	sent := 0
	for lo := chunk; lo < n; lo += chunk {
		fillers.tasks <- [2]int{lo, min(lo+chunk, n)}
		sent++
	}
	fillers.job.run(0, min(chunk, n))
	for ; sent > 0; sent-- {
		<-fillers.done
	}
	fillers.job = fillJob{} // drop references to the caller's buffers
	return true
}
