package sweep

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/slotlab/slotlab/framework/results"
)

// LogFile is the file in a run directory that holds the output of a run
// started as a subprocess.
const LogFile = "run.log"

// Procs runs up to N jobs at once, each as a `slotlab run` subprocess
// with GOMAXPROCS set to its share of the cores (Cores/N, at least 1), so
// that parallel runs split the machine instead of each starting a thread
// per core. A run's output goes to run.log in its directory.
type Procs struct {
	N int
	// Command starts slotlab: the executable and any arguments before
	// "run" (normally just os.Executable()).
	Command []string
	// Cores is the number of cores to share out; 0 means runtime.NumCPU().
	Cores int
	// Env is added to this process's environment for every run.
	Env []string
	// Started, if set, is called when a job starts.
	Started func(*Job)
}

// Name is "local-procs".
func (*Procs) Name() string { return "local-procs" }

// Threads is the GOMAXPROCS each run gets.
func (p *Procs) Threads() int {
	cores := p.Cores
	if cores <= 0 {
		cores = runtime.NumCPU()
	}
	return max(1, cores/max(1, p.N))
}

// Execute runs the jobs N at a time until all have ended or ctx is
// cancelled; on cancellation the running subprocesses get an interrupt,
// so that they record their state, and are killed a minute later.
func (p *Procs) Execute(ctx context.Context, jobs []*Job, done func(Report)) {
	queue := make(chan *Job)
	var wg sync.WaitGroup
	for w := 0; w < max(1, p.N); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				done(p.run(ctx, j))
			}
		}()
	}
	for _, j := range jobs {
		select {
		case queue <- j:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(queue)
	wg.Wait()
}

// Args are the arguments of the `slotlab run` that trains a job.
func (p *Procs) Args(j *Job) []string {
	args := append([]string(nil), p.Command[1:]...)
	args = append(args, "run", j.File)
	args = append(args, j.Run.Args...)
	return append(args, "--out", j.Out, "--quiet")
}

func (p *Procs) run(ctx context.Context, j *Job) Report {
	rep := Report{Job: j}
	if p.Started != nil {
		p.Started(j)
	}
	if err := os.MkdirAll(j.Dir, 0o755); err != nil {
		rep.Err = err
		return rep
	}
	logPath := filepath.Join(j.Dir, LogFile)
	log, err := os.Create(logPath)
	if err != nil {
		rep.Err = err
		return rep
	}
	cmd := exec.CommandContext(ctx, p.Command[0], p.Args(j)...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(append(os.Environ(), p.Env...), fmt.Sprintf("GOMAXPROCS=%d", p.Threads()))
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	fmt.Fprintf(log, "$ GOMAXPROCS=%d %s\n", p.Threads(), shellJoin(append([]string{p.Command[0]}, p.Args(j)...)))
	runErr := cmd.Run()
	log.Close()
	if r, ok := results.ReadResultFor(j.Dir, j.Run.Hash); ok {
		rep.Result = r
		if r.Status != results.StatusDone {
			rep.Err = errors.New(r.Error)
		}
	}
	if runErr != nil && rep.Err == nil {
		rep.Err = fmt.Errorf("%v: %s", runErr, lastLine(logPath))
	}
	if runErr == nil && rep.Result == nil {
		rep.Err = fmt.Errorf("slotlab run exited without writing %s (see %s)", results.ResultFile, logPath)
	}
	return rep
}

// lastLine returns the last non-empty line of a file: the error message of
// a failed `slotlab run`.
func lastLine(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// shellJoin writes a command line as a shell would read it back.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`{}[]*?;&|<>()#~!") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
