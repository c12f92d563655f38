package kernels

import "github.com/slotlab/slotlab/framework/internal/parallel"

// The kernels run on slotlab's one parallel-for, framework/internal/parallel:
// a kernel is a parallel.Ranger (its Range processes items [lo, hi) as
// worker w), run on fixed chunks so that its results do not depend on the
// number of threads.

// procs returns the number of workers a parallel call may use.
func procs() int { return parallel.Procs() }

// runParallel runs r over [0, n) in chunks fixed ranges on at most workers
// goroutines (parallel.Run).
func runParallel(n, chunks, workers int, r parallel.Ranger) { parallel.Run(n, chunks, workers, r) }

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
