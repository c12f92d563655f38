package train

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/slotlab/slotlab/framework/results"
)

// Progress receives training progress.
type Progress interface {
	// Begin is called once before training starts.
	Begin(name string, epochs, stepsPerEpoch int)
	// Step is called after every training step with the running means of
	// the epoch so far.
	Step(epoch, step int, loss, acc float64)
	// Epoch is called after each epoch's evaluation.
	Epoch(m results.Epoch, epochs int)
	// End is called when training stops.
	End()
}

// NewProgress returns a progress bar with loss, accuracy and ETA when w is a
// terminal, and one plain line per epoch otherwise.
func NewProgress(w io.Writer) Progress {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &barProgress{w: w}
	}
	return &lineProgress{w: w}
}

// lineProgress prints one line per epoch.
type lineProgress struct {
	w     io.Writer
	start time.Time
	name  string
}

func (p *lineProgress) Begin(name string, epochs, steps int) {
	p.start, p.name = time.Now(), name
	fmt.Fprintf(p.w, "%s: %d epochs of %d steps\n", name, epochs, steps)
}

func (p *lineProgress) Step(int, int, float64, float64) {}

func (p *lineProgress) Epoch(m results.Epoch, epochs int) {
	fmt.Fprintf(p.w, "epoch %3d/%d  loss %.4f  train %.2f%%  val %.2f%%  test %.2f%%  lr %.4g  %.1fs  eta %s\n",
		m.Epoch, epochs, m.TrainLoss, m.TrainAcc, m.ValAcc, m.TestAcc, m.LR, m.Seconds, eta(p.start, m.Epoch, epochs))
}

func (p *lineProgress) End() {}

func eta(start time.Time, done, total int) string {
	if done == 0 {
		return "?"
	}
	el := time.Since(start)
	left := time.Duration(float64(el) / float64(done) * float64(total-done))
	return left.Round(time.Second).String()
}

// barProgress draws a bar per epoch on a terminal.
type barProgress struct {
	w      io.Writer
	bar    *progressbar.ProgressBar
	steps  int
	epochs int
}

func (p *barProgress) Begin(name string, epochs, steps int) {
	p.steps, p.epochs = steps, epochs
	fmt.Fprintf(p.w, "%s: %d epochs of %d steps\n", name, epochs, steps)
}

func (p *barProgress) Step(epoch, step int, loss, acc float64) {
	if p.bar == nil {
		p.bar = progressbar.NewOptions(p.steps,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", epoch, p.epochs)),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("steps"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	if step%10 == 0 || step == p.steps {
		p.bar.Describe(fmt.Sprintf("epoch %d/%d loss %.4f acc %.2f%%", epoch, p.epochs, loss, acc))
	}
	_ = p.bar.Set(step)
}

func (p *barProgress) Epoch(m results.Epoch, epochs int) {
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
	fmt.Fprintf(p.w, "epoch %3d/%d  loss %.4f  train %.2f%%  val %.2f%%  test %.2f%%  lr %.4g  %.1fs\n",
		m.Epoch, epochs, m.TrainLoss, m.TrainAcc, m.ValAcc, m.TestAcc, m.LR, m.Seconds)
}

func (p *barProgress) End() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// Quiet is a Progress that reports nothing.
type Quiet struct{}

// Begin does nothing.
func (Quiet) Begin(string, int, int) {}

// Step does nothing.
func (Quiet) Step(int, int, float64, float64) {}

// Epoch does nothing.
func (Quiet) Epoch(results.Epoch, int) {}

// End does nothing.
func (Quiet) End() {}
