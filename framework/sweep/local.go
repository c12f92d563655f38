package sweep

import (
	"context"
	"fmt"

	"github.com/slotlab/slotlab/framework/faultpoint"
	"github.com/slotlab/slotlab/framework/train"
)

// Local runs the jobs one after another in this process with train.Run,
// each using every core (the kernels use GOMAXPROCS threads).
type Local struct {
	// Progress returns the progress display of a job; nil means quiet.
	Progress func(*Job) train.Progress
	// Logf receives train.Run's messages; nil means silent.
	Logf func(format string, args ...any)
}

// Name is "local".
func (*Local) Name() string { return "local" }

// Execute trains the jobs in order until ctx is cancelled.
func (l *Local) Execute(ctx context.Context, jobs []*Job, done func(Report)) {
	for i, j := range jobs {
		if ctx.Err() != nil {
			return
		}
		if i > 0 {
			faultpoint.Reach(faultpoint.SweepBetweenRuns, func() string {
				return fmt.Sprintf("runs_finished=%d next=%s", i, j.Dir)
			})
		}
		o := train.Options{Out: j.Out, Logf: l.Logf}
		if l.Progress != nil {
			o.Progress = l.Progress(j)
		}
		out, err := train.Run(ctx, j.Run.Exp, o)
		rep := Report{Job: j, Err: err}
		if out != nil {
			rep.Result, rep.Cached = out.Result, out.Cached
		}
		done(rep)
	}
}
