package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// minPartFlops is the least work, in floating-point operations, worth
// handing to another goroutine; smaller problems run on the caller alone.
const minPartFlops = 1 << 20

// maxPartsCap bounds the number of parts one call is split into.
const maxPartsCap = 64

// maxParts returns how many goroutines a call may use.
func maxParts() int {
	return min(runtime.GOMAXPROCS(0), maxPartsCap)
}

// part is a rectangle of C: rows [i0,i1), columns [j0,j1).
type part struct{ i0, i1, j0, j1 int }

// call is one parallel Sgemm call. Goroutines claim parts through next
// and count them off in left and done. refs counts the goroutines holding the call
// (the caller and each worker it was sent to); the last to let go recycles
// it, so a worker that picks the call up late never delays the caller.
type call struct {
	p      problem
	parts  [maxPartsCap]part
	nparts int
	next   atomic.Int32
	left   atomic.Int32 // parts not finished, polled by the caller
	done   sync.WaitGroup
	refs   atomic.Int32
}

// work runs parts of c until none is left.
func (c *call) work(buf *buffers) {
	for {
		i := int(c.next.Add(1)) - 1
		if i >= c.nparts {
			return
		}
		q := c.parts[i]
		c.p.runPart(q.i0, q.i1, q.j0, q.j1, buf)
		c.left.Add(-1)
		c.done.Done()
	}
}

// release drops one reference to c, recycling it after the last.
func (c *call) release() {
	if c.refs.Add(-1) == 0 {
		c.p = problem{}
		calls.put(c)
	}
}

// freeList is a free list that, unlike sync.Pool, keeps its items across
// garbage collections: pack buffers are large, and steady-state calls must
// not allocate.
type freeList[T any] chan *T

func (l freeList[T]) get() *T {
	select {
	case x := <-l:
		return x
	default:
		return new(T)
	}
}

func (l freeList[T]) put(x *T) {
	select {
	case l <- x:
	default:
	}
}

var (
	calls   = make(freeList[call], maxPartsCap)
	callerB = make(freeList[buffers], maxPartsCap)

	// workCh feeds calls to the persistent workers.
	workCh = make(chan *call, maxPartsCap)

	workersMu sync.Mutex
	nWorkers  atomic.Int32
)

// ensureWorkers starts pool workers until there are at least n.
func ensureWorkers(n int) {
	if int(nWorkers.Load()) >= n {
		return
	}
	workersMu.Lock()
	defer workersMu.Unlock()
	for int(nWorkers.Load()) < n {
		nWorkers.Add(1)
		go worker()
	}
}

// worker is a pool goroutine with its own packing buffers. After each
// call it keeps polling for the next one for a little while before
// blocking: training issues Sgemm calls back to back, and waking a blocked
// goroutine on an idle core goes through the OS.
func worker() {
	var buf buffers
	for {
		var c *call
		if !spin(func() bool {
			select {
			case c = <-workCh:
				return true
			default:
				return false
			}
		}) {
			c = <-workCh
		}
		c.work(&buf)
		c.release()
	}
}

// spinTime is how long spin polls.
const spinTime = 100 * time.Microsecond

// spin polls ready for up to spinTime, yielding the processor now and
// then, and reports whether it became true.
func spin(ready func() bool) bool {
	var start time.Time
	for i := 1; ; i++ {
		if ready() {
			return true
		}
		if i%64 == 0 {
			if start.IsZero() {
				start = time.Now()
			} else if time.Since(start) > spinTime {
				return false
			}
			runtime.Gosched()
		}
	}
}

// run computes p on up to workers goroutines, the caller being one of
// them.
func run(p *problem, workers int) {
	flops := 2 * float64(p.m) * float64(p.n) * float64(p.k)
	workers = min(workers, max(1, int(flops/minPartFlops)))
	pm, pn := split(p, workers, flops)
	if pm*pn == 1 {
		buf := callerB.get()
		p.runPart(0, p.m, 0, p.n, buf)
		callerB.put(buf)
		return
	}

	c := calls.get()
	c.p = *p
	c.nparts = 0
	mr, nr := p.shape.mr, p.shape.nr
	tm, tn := (p.m+mr-1)/mr, (p.n+nr-1)/nr
	for x := range pm {
		i0, i1 := min(p.m, x*tm/pm*mr), min(p.m, (x+1)*tm/pm*mr)
		for y := range pn {
			j0, j1 := min(p.n, y*tn/pn*nr), min(p.n, (y+1)*tn/pn*nr)
			if i0 < i1 && j0 < j1 {
				c.parts[c.nparts] = part{i0, i1, j0, j1}
				c.nparts++
			}
		}
	}
	c.next.Store(0)
	c.done.Add(c.nparts)
	c.left.Store(int32(c.nparts))
	c.refs.Store(1)

	helpers := min(workers, c.nparts) - 1
	ensureWorkers(helpers)
	for range helpers {
		c.refs.Add(1)
		select {
		case workCh <- c:
		default:
			c.refs.Add(-1) // pool saturated: the caller does the work
		}
	}
	buf := callerB.get()
	c.work(buf)
	callerB.put(buf)
	// Waiting by polling first saves waking through the OS, which costs
	// tens of microseconds in a VM.
	spin(func() bool { return c.left.Load() == 0 })
	c.done.Wait()
	c.release()
}

// minChunkFlops is the least work of a part when a call is cut into more
// parts than workers. Extra parts are claimed by whichever goroutine is
// free first, which evens out cores slowed by other work.
const minChunkFlops = 24 << 20

// split chooses a pm×pn grid of C rectangles ("parts") for workers
// goroutines. It minimises the estimated time, ceil(parts/workers) times a
// part's cost (its multiply-adds plus the packing each part repeats),
// preferring more parts when that costs little and each keeps at least
// minChunkFlops. The choice only affects speed: every element of C is
// computed the same way whichever rectangle it falls in.
func split(p *problem, workers int, flops float64) (pm, pn int) {
	if workers <= 1 {
		return 1, 1
	}
	mr, nr := p.shape.mr, p.shape.nr
	tm, tn := (p.m+mr-1)/mr, (p.n+nr-1)/nr
	maxParts := workers
	for maxParts*2 <= 4*workers && maxParts*2 <= maxPartsCap && flops/float64(maxParts*2) >= minChunkFlops {
		maxParts *= 2
	}
	cost := func(x, y int) float64 {
		rows := float64((tm + x - 1) / x * mr)
		cols := float64((tn + y - 1) / y * nr)
		aPacks := float64((int(cols) + ncMax - 1) / ncMax)
		rounds := float64((x*y + workers - 1) / workers)
		return rounds * (rows*cols + 8*(rows*aPacks+cols))
	}
	best := cost(1, 1)
	for x := 1; x <= min(maxParts, tm); x++ {
		for y := 1; x*y <= maxParts && y <= tn; y++ {
			best = min(best, cost(x, y))
		}
	}
	pm, pn = 1, 1
	for x := 1; x <= min(maxParts, tm); x++ {
		for y := 1; x*y <= maxParts && y <= tn; y++ {
			if cost(x, y) <= best*1.01 && x*y > pm*pn {
				pm, pn = x, y
			}
		}
	}
	return pm, pn
}
