// Package parallel is slotlab's one parallel-for: a process-wide pool of
// helper goroutines that every parallel loop of the framework shares (the
// network's kernels, the slot layers' chunked passes, batch filling and a
// plugin's selections), so that a process never runs more helpers than
// GOMAXPROCS asks for and a call allocates nothing once warm.
//
// A call splits [0, n) into fixed ranges, so that results computed range by
// range do not depend on how many goroutines ran them, and hands the
// ranges out dynamically to its caller and to any helpers that are idle: a
// call never waits for another call's work, so calls may be nested and
// made from several goroutines at once (a call that finds every helper
// busy runs on its caller alone).
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Ranger is a unit of parallel work: Range processes items [lo, hi) on
// behalf of participant worker, a number in [0, workers) that is unique
// among the goroutines taking part in one call, so that it can index
// per-worker workspaces.
type Ranger interface {
	Range(worker, lo, hi int)
}

// funcRanger adapts a plain func(lo, hi int) to Ranger.
type funcRanger struct{ fn func(lo, hi int) }

func (f *funcRanger) Range(_, lo, hi int) { f.fn(lo, hi) }

// job is one parallel call: chunks are claimed with an atomic counter by the
// calling goroutine and by any idle helpers it could wake.
type job struct {
	r       Ranger
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
		j.r.Range(w, c*j.n/j.chunks, (c+1)*j.n/j.chunks)
	}
}

// Procs returns the number of workers a parallel call may use: GOMAXPROCS.
func Procs() int { return runtime.GOMAXPROCS(0) }

// Run splits [0, n) into chunks fixed ranges (chunk c is
// [c·n/chunks, (c+1)·n/chunks); min(chunks, n) of them, at least one) and
// runs them on at most workers goroutines, the caller included. Chunks are
// handed out dynamically, so r must not let its result depend on which
// worker ran which chunk; worker indices passed to r are below workers. A
// call made from inside r (nesting) is safe: the caller always works on its
// own job, so it never waits on a busy pool.
func Run(n, chunks, workers int, r Ranger) { run(n, chunks, workers, r, nil) }

// run is Run on r, or, when r is nil, on fn through the job's own adapter
// (so that For does not allocate one).
func run(n, chunks, workers int, r Ranger, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	chunks = max(1, min(chunks, n))
	workers = min(workers, chunks)
	if workers <= 1 {
		if r == nil {
			fn(0, n)
		} else {
			r.Range(0, 0, n)
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

// For splits [0, n) into min(n, Procs()) fixed contiguous chunks (as Run)
// and calls fn on each, on up to Procs() goroutines (the caller included),
// and returns when all are done. fn must be safe to call concurrently on
// disjoint ranges. For itself does not allocate once warm, and may be
// nested.
func For(n int, fn func(lo, hi int)) {
	p := Procs()
	run(n, p, p, nil, fn)
}

// Chunks runs a function over the fixed chunks [i·size, min(n, (i+1)·size))
// of [0, n) on all cores and returns the first error. The chunk boundaries
// depend on n and size alone, never on the number of cores, so that work
// whose numbers depend on them (a chunk's scores written into a buffer of
// its own, a selection) is the same bit for bit at any GOMAXPROCS. Made once
// and run many times (a layer's update every step), it allocates nothing
// per run.
type Chunks struct {
	n, size int
	fn      func(lo, hi int) error
	body    func(clo, chi int) // c.run, bound once
	failed  atomic.Bool        // an error stops the chunks not yet begun
	mu      sync.Mutex
	err     error
}

// NewChunks returns the Chunks of fn over [0, n) in chunks of size ≥ 1.
func NewChunks(n, size int, fn func(lo, hi int) error) *Chunks {
	if size < 1 {
		panic("parallel.NewChunks: chunk size < 1")
	}
	c := &Chunks{n: n, size: size, fn: fn}
	c.body = c.run
	return c
}

// Run calls fn on every chunk, the chunks spread over the cores as For
// spreads ranges, and returns the first error; after an error, chunks not
// yet begun are skipped. Run must not be called again before it returns.
func (c *Chunks) Run() error {
	c.err = nil
	c.failed.Store(false)
	For((c.n+c.size-1)/c.size, c.body)
	return c.err
}

func (c *Chunks) run(clo, chi int) {
	for i := clo; i < chi && !c.failed.Load(); i++ {
		lo, hi := i*c.size, min(c.n, (i+1)*c.size)
		if err := c.fn(lo, hi); err != nil {
			c.mu.Lock()
			if c.err == nil {
				c.err = err
			}
			c.mu.Unlock()
			c.failed.Store(true)
			return
		}
	}
}

// ForChunks runs fn over the fixed chunks of size size of [0, n) once (see
// Chunks) and returns the first error.
func ForChunks(n, size int, fn func(lo, hi int) error) error {
	return NewChunks(n, size, fn).Run()
}

// FreeList recycles objects, such as the state of a parallel call, so that
// parallel calls do not allocate; unlike sync.Pool it keeps them across
// garbage collections. The zero value is empty and ready.
type FreeList[T any] struct {
	mu    sync.Mutex
	items []*T
}

// Get returns a recycled object, or a new zero one.
func (f *FreeList[T]) Get() *T {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.items); n > 0 {
		t := f.items[n-1]
		f.items = f.items[:n-1]
		return t
	}
	return new(T)
}

// Put zeroes t, dropping what it refers to, and keeps it for Get.
func (f *FreeList[T]) Put(t *T) {
	var zero T
	*t = zero
	f.mu.Lock()
	f.items = append(f.items, t)
	f.mu.Unlock()
}
