package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/train"
)

// cancelAt is a Progress that cancels the run at a given epoch and step.
type cancelAt struct {
	train.Quiet
	epoch, step int
	cancel      context.CancelFunc
}

func (c *cancelAt) Step(epoch, step int, _, _ float64) {
	if epoch == c.epoch && step == c.step {
		c.cancel()
	}
}

// TestFinetune trains scores for one epoch, then the selected weights for
// two, and checks that an interruption in the learned phase resumes to the
// same numbers.
func TestFinetune(t *testing.T) {
	over := append([]string{"method=finetune", "finetune.slot_epochs=1", "train.epochs=3"}, quick[1:]...)
	e, err := config.Load(repoFile("experiments", "lenet.yaml"), over)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := train.Run(context.Background(), e, train.Options{Out: filepath.Join(t.TempDir(), "ref")})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := results.ReadMetrics(ref.Dir)
	if len(m) != 3 || m[0].LR > 0.2 || m[1].LR > 0.01 || m[2].Steps != 3*m[0].Steps {
		t.Fatalf("metrics %+v: want a slot epoch at rate ≤ 0.2 then learned epochs at ≤ 0.01", m)
	}
	if m[1].TestAcc < m[0].TestAcc-5 {
		t.Fatalf("fine-tuning lost accuracy: %v then %v", m[0].TestAcc, m[1].TestAcc)
	}
	if ref.Result.Method != "finetune" {
		t.Fatalf("method %q", ref.Result.Method)
	}

	out := filepath.Join(t.TempDir(), "cut")
	ctx, cancel := context.WithCancel(context.Background())
	_, err = train.Run(ctx, e, train.Options{Out: out, Progress: &cancelAt{epoch: 2, step: 10, cancel: cancel}})
	if err == nil || !errors.Is(err, context.Canceled) && !bytes.Contains([]byte(err.Error()), []byte("interrupted")) {
		t.Fatalf("interrupted run: %v", err)
	}
	got, err := train.Run(context.Background(), e, train.Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stripTimes(t, got.Dir), stripTimes(t, ref.Dir)) {
		t.Fatalf("resumed fine-tuning differs:\n%s\nwant\n%s", stripTimes(t, got.Dir), stripTimes(t, ref.Dir))
	}
	// The second process must have resumed, not started over: a fresh
	// start is deterministic too and would end with the same files.
	// (Checked by making resume() return nil at once: this fails.)
	total := 3 * m[0].Steps
	if st := got.Result.Start; !st.Resumed || st.FromEpoch != 1 || st.FromStep <= m[0].Steps || st.StepsThisProcess != total-st.FromStep {
		t.Fatalf("resumed run's start %+v: want resumed from epoch 1 past step %d, training the remaining steps of %d", st, m[0].Steps, total)
	}
	if st := ref.Result.Start; st.Resumed || st.StepsThisProcess != total {
		t.Fatalf("uninterrupted run's start %+v: want fresh, %d steps", st, total)
	}
}
