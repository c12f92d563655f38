package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// ranger is a unit of parallel work: run processes items [lo, hi) on behalf of
// participant worker, a number in [0, workers) that is unique among the
// goroutines taking part in one call, so it can index per-worker workspaces.
type ranger interface {
	run(worker, lo, hi int)
}

// funcRanger adapts a plain func(lo, hi int) to ranger.
type funcRanger struct{ fn func(lo, hi int) }

func (f *funcRanger) run(_, lo, hi int) { f.fn(lo, hi) }

// job is one parallel call: chunks are claimed with an atomic counter by the
// calling goroutine and by any idle helpers it could wake.
type job struct {
	r       ranger
	n       int
	chunks  int
	next    atomic.Int64
	slots   atomic.Int32
	pending atomic.Int32 // participants still holding the job (caller included)
	done    chan struct{}
	adapter funcRanger
}

// sched is the process-wide pool of helper goroutines and recycled jobs.
var sched struct {
	mu      sync.Mutex
	helpers int
	wake    chan *job // unbuffered: a send succeeds only when a helper is idle
	free    []*job
}

func init() { sched.wake = make(chan *job) }

func helper() {
	for j := range sched.wake {
		j.work()
		if j.pending.Add(-1) == 0 {
			j.done <- struct{}{}
		}
	}
}

// getJob returns a recycled job, starting helpers until there are at least
// helpers of them.
func getJob(helpers int) *job {
	sched.mu.Lock()
	for sched.helpers < helpers {
		sched.helpers++
		go helper()
	}
	var j *job
	if n := len(sched.free); n > 0 {
		j = sched.free[n-1]
		sched.free = sched.free[:n-1]
	} else {
		j = &job{done: make(chan struct{}, 1)}
	}
	sched.mu.Unlock()
	return j
}

func putJob(j *job) {
	j.r, j.adapter.fn = nil, nil
	sched.mu.Lock()
	sched.free = append(sched.free, j)
	sched.mu.Unlock()
}

// work claims chunks until none is left.
func (j *job) work() {
	w := int(j.slots.Add(1)) - 1
	for {
		c := int(j.next.Add(1)) - 1
		if c >= j.chunks {
			return
		}
		j.r.run(w, c*j.n/j.chunks, (c+1)*j.n/j.chunks)
	}
}

// procs returns the number of workers a parallel call may use.
func procs() int { return runtime.GOMAXPROCS(0) }

// runParallel splits [0, n) into chunks fixed ranges (chunk c is
// [c·n/chunks, (c+1)·n/chunks)) and runs them on at most workers goroutines,
// the caller included. Chunks are handed out dynamically, so r must not let
// its result depend on which worker ran which chunk; worker indices passed to
// r are below workers. A call made from inside r (nesting) is safe: the caller
// always works on its own job, so it never waits on a busy pool.
func runParallel(n, chunks, workers int, r ranger) { run(n, chunks, workers, r, nil) }

// run is runParallel on r, or, when r is nil, on fn through the job's own
// adapter (so that Parallel does not allocate one).
func run(n, chunks, workers int, r ranger, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	chunks = max(1, min(chunks, n))
	workers = min(workers, chunks)
	if workers <= 1 {
		if r == nil {
			fn(0, n)
		} else {
			r.run(0, 0, n)
		}
		return
	}
	j := getJob(workers - 1)
	if r == nil {
		j.adapter.fn = fn
		r = &j.adapter
	}
	j.r = r
	dispatch(j, n, chunks, workers)
	putJob(j)
}

func dispatch(j *job, n, chunks, workers int) {
	j.n, j.chunks = n, chunks
	j.next.Store(0)
	j.slots.Store(0)
	j.pending.Store(1)
wake:
	for i := 1; i < workers; i++ {
		j.pending.Add(1)
		select {
		case sched.wake <- j:
		default:
			j.pending.Add(-1)
			break wake
		}
	}
	j.work()
	if j.pending.Add(-1) != 0 {
		<-j.done
	}
}

// Parallel splits [0, n) into min(n, GOMAXPROCS) fixed contiguous chunks and
// calls fn on each, on up to GOMAXPROCS goroutines (the caller included), and
// returns when all are done. fn must be safe to call concurrently on disjoint
// ranges. Parallel itself does not allocate once warm, and may be nested.
func Parallel(n int, fn func(lo, hi int)) {
	p := procs()
	run(n, p, p, nil, fn)
}

// elemGrain is the number of elements below which elementwise kernels run on
// the calling goroutine alone.
const elemGrain = 1 << 15

// elemChunks returns the chunk count for an elementwise kernel over n items.
func elemChunks(n int) int {
	if n < elemGrain {
		return 1
	}
	return min(procs(), n/(elemGrain/2))
}

// freeList recycles task objects so that parallel kernels do not allocate.
type freeList[T any] struct {
	mu    sync.Mutex
	items []*T
}

func (f *freeList[T]) get() *T {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.items); n > 0 {
		t := f.items[n-1]
		f.items = f.items[:n-1]
		return t
	}
	return new(T)
}

func (f *freeList[T]) put(t *T) {
	var zero T
	*t = zero
	f.mu.Lock()
	f.items = append(f.items, t)
	f.mu.Unlock()
}
