package data

import "github.com/slotlab/slotlab/framework/internal/parallel"

// parallelMinPixels is the batch size, in pixels, from which FillBatch
// splits its work over the cores.
const parallelMinPixels = 1 << 17

// fillJobs recycle the state of parallel FillBatch calls, so that they do
// not allocate.
var fillJobs parallel.FreeList[fillJob]

// parallelFill runs examples [0, n) of job on the cores, with the framework's
// parallel-for: in min(n, GOMAXPROCS) ranges, on the calling goroutine and
// the helpers that are idle. A call that finds them busy (the trainer's
// kernels, another FillBatch) does not wait for them: it fills what they
// do not take itself. Examples are filled independently, so the batch does
// not depend on the split.
func parallelFill(job *fillJob, n int) {
	j := fillJobs.Get()
	*j = *job
	p := parallel.Procs()
	parallel.Run(n, p, p, j)
	fillJobs.Put(j) // drops the references to the caller's buffers
}

// Range fills examples [lo, hi) (parallel.Ranger).
func (f *fillJob) Range(_, lo, hi int) { f.run(lo, hi) }
