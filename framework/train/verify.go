package train

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/results"
)

// Verification is the outcome of Verify: how many epochs were compared,
// and the first field that differs ("" when every compared epoch is the
// same bit for bit).
type Verification struct {
	Dir    string
	Epochs int
	Diff   string
}

// Same reports whether the rerun gave the committed numbers.
func (v *Verification) Same() bool { return v.Diff == "" }

// Verify reruns the run in dir from its config.yaml, from scratch, in a
// run store under tmp, stops it after its first epochs epochs (the
// schedule is the full run's, so a cosine cycle over 30 epochs is the same
// cycle), and compares every field of those epochs in metrics.jsonl with
// the run's own, bit for bit, but the wall time (seconds). It says whether
// the code in this process still makes that run. overrides are applied to
// the config first; only ones that do not change the run's numbers make
// sense (data.dir).
func Verify(ctx context.Context, dir string, epochs int, tmp string, overrides []string, logf func(string, ...any)) (*Verification, error) {
	want, err := results.ReadMetrics(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if epochs < 1 {
		return nil, fmt.Errorf("verify: epochs must be at least 1")
	}
	if len(want) < epochs {
		return nil, fmt.Errorf("%s: has %d epochs in %s, fewer than the %d to compare", dir, len(want), results.MetricsFile, epochs)
	}
	e, err := config.Load(filepath.Join(dir, results.ConfigFile), overrides)
	if err != nil {
		return nil, err
	}
	if r, err := results.ReadResult(dir); err == nil && r.ConfigHash != "" && r.ConfigHash != e.Hash() {
		return nil, fmt.Errorf("%s: its config.yaml hashes to %s, but result.json says %s: the config no longer reads as it did (a key's default or meaning changed)", dir, e.Hash()[:12], r.ConfigHash[:min(12, len(r.ConfigHash))])
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	p := &stopAfter{epochs: epochs, stop: stop}
	out, err := Run(ctx, e, Options{Out: tmp, Restart: true, Progress: p, Logf: logf})
	if err != nil && !(errors.Is(err, errInterrupted) && p.done) {
		return nil, err
	}
	got, err := results.ReadMetrics(out.Dir)
	if err != nil {
		return nil, err
	}
	if len(got) < epochs {
		return nil, fmt.Errorf("%s: the rerun stopped after %d epochs, before the %d to compare", dir, len(got), epochs)
	}
	v := &Verification{Dir: dir, Epochs: epochs}
	for i := 0; i < epochs && v.Diff == ""; i++ {
		v.Diff = epochDiff(want[i], got[i])
	}
	return v, nil
}

// epochDiff names the first field of an epoch's metrics that differs, with
// both values, or returns "" when all but the wall time are identical.
func epochDiff(a, b results.Epoch) string {
	for _, f := range []struct {
		name string
		x, y float64
	}{
		{"train_loss", a.TrainLoss, b.TrainLoss}, {"train_acc", a.TrainAcc, b.TrainAcc},
		{"val_loss", a.ValLoss, b.ValLoss}, {"val_acc", a.ValAcc, b.ValAcc},
		{"test_loss", a.TestLoss, b.TestLoss}, {"test_acc", a.TestAcc, b.TestAcc},
		{"lr", a.LR, b.LR}, {"flops", a.FLOPs, b.FLOPs},
		{"epoch", float64(a.Epoch), float64(b.Epoch)}, {"steps", float64(a.Steps), float64(b.Steps)},
	} {
		if f.x != f.y {
			return fmt.Sprintf("epoch %d: %s %v committed, %v rerun", a.Epoch, f.name, f.x, f.y)
		}
	}
	return ""
}

// stopAfter is a Progress that cancels the run once epochs epochs are
// written.
type stopAfter struct {
	Quiet
	epochs int
	stop   func()
	done   bool
}

func (p *stopAfter) Epoch(m results.Epoch, _ int) {
	if m.Epoch >= p.epochs {
		p.done = true
		p.stop()
	}
}

// TempStore makes a temporary run store for Verify and returns it with a
// function that removes it.
func TempStore() (string, func(), error) {
	d, err := os.MkdirTemp("", "slotlab-verify-")
	if err != nil {
		return "", nil, err
	}
	return d, func() { os.RemoveAll(d) }, nil
}
