package train

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/results"
	_ "github.com/slotlab/slotlab/plugins/standard"
)

// tinyLenet is a real MNIST run of two epochs that takes a second or two.
func tinyLenet(t *testing.T) *config.Experiment {
	t.Helper()
	e, err := config.Load(filepath.Join("..", "..", "experiments", "lenet.yaml"),
		[]string{"train.epochs=2", "data.train_limit=2000", "data.test_limit=500", "train.batch_size=100"})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// flipByte alters one byte in the middle of a file.
func flipByte(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x40
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestResumeFromDamagedCheckpoint damages the checkpoints of a finished
// run (its result.json removed, so that it trains again) and checks that a
// damaged checkpoint is moved aside with a message naming it and never
// loaded: the run resumes from the previous checkpoint when that one is
// good, or starts over, saying so; either way it ends exactly as the
// undamaged run did. Checked by breaking it: with the fallback to
// checkpoint.prev.bin removed, the first case starts over and fails on its
// start record.
func TestResumeFromDamagedCheckpoint(t *testing.T) {
	e := tinyLenet(t)
	ref, err := Run(context.Background(), e, Options{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(ref.Dir, results.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	steps := ref.Result.Start.StepsThisProcess
	for _, tc := range []struct {
		name       string
		damage     func(t *testing.T, dir string)
		log        []string // messages the run must print
		resumed    bool
		fromEpoch  int
		asideFiles []string
	}{
		{"latest damaged, previous good", func(t *testing.T, dir string) { flipByte(t, filepath.Join(dir, CheckpointFile)) },
			[]string{"checkpoint.bin is damaged", "resuming from the previous checkpoint"}, true, 1, []string{CheckpointFile + DamagedSuffix}},
		{"latest cut short, previous good", func(t *testing.T, dir string) {
			p := filepath.Join(dir, CheckpointFile)
			st, _ := os.Stat(p)
			os.Truncate(p, st.Size()-100)
		}, []string{"checkpoint.bin is damaged", "truncated"}, true, 1, []string{CheckpointFile + DamagedSuffix}},
		{"latest missing (a crash between the two renames)", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, CheckpointFile)) },
			[]string{"resuming from the previous checkpoint"}, true, 1, nil},
		{"both damaged", func(t *testing.T, dir string) {
			flipByte(t, filepath.Join(dir, CheckpointFile))
			flipByte(t, filepath.Join(dir, PrevCheckpointFile))
		}, []string{"checkpoint.bin is damaged", "checkpoint.prev.bin is damaged", "starting the run over"}, false, 0,
			[]string{CheckpointFile + DamagedSuffix, PrevCheckpointFile + DamagedSuffix}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			dir := results.RunDir(out, e.Name, e.Hash())
			copyRun(t, ref.Dir, dir)
			os.Remove(filepath.Join(dir, results.ResultFile))
			tc.damage(t, dir)
			var log strings.Builder
			o, err := Run(context.Background(), e, Options{Out: out, Logf: func(f string, a ...any) { fmt.Fprintf(&log, f+"\n", a...) }})
			if err != nil {
				t.Fatalf("%v\n%s", err, log.String())
			}
			for _, m := range tc.log {
				if !strings.Contains(log.String(), m) {
					t.Fatalf("log lacks %q:\n%s", m, log.String())
				}
			}
			for _, f := range tc.asideFiles {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Fatalf("damaged file not kept aside: %v", err)
				}
			}
			st := o.Result.Start
			if st.Resumed != tc.resumed || st.FromEpoch != tc.fromEpoch || (tc.resumed && st.StepsThisProcess >= steps) {
				t.Fatalf("start %+v, want resumed=%v from epoch %d", st, tc.resumed, tc.fromEpoch)
			}
			got, _ := os.ReadFile(filepath.Join(dir, results.MetricsFile))
			if dropSeconds(got) != dropSeconds(want) {
				t.Fatalf("metrics differ from the undamaged run:\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// copyRun copies the files of a run directory.
func copyRun(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(src)
	for _, f := range ents {
		b, err := os.ReadFile(filepath.Join(src, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, f.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// dropSeconds removes the wall-clock field from metrics lines.
func dropSeconds(b []byte) string {
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if i := strings.Index(line, `,"seconds":`); i >= 0 {
			line = line[:i]
		}
		out.WriteString(line + "\n")
	}
	return out.String()
}
