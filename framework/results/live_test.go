package results

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

const liveConfig = `name: lenet
dataset: mnist
architecture:
  name: lenet-300-100
method: slot
k: 8
selector:
  id: selectors.greedy
sharing:
  id: sharing.per_connection
seed: 3
train:
  epochs: 10
  batch_size: 100
`

// TestLiveStates reads run directories in each state the store can show.
func TestLiveStates(t *testing.T) {
	epochs := []Epoch{
		{Epoch: 1, ValAcc: 90, TestAcc: 89, Steps: 10, Seconds: 2, FLOPs: 1e9},
		{Epoch: 2, ValAcc: 95, TestAcc: 94, Steps: 20, Seconds: 2, FLOPs: 2e9},
		{Epoch: 3, ValAcc: 95, TestAcc: 93, Steps: 30, Seconds: 2, FLOPs: 3e9},
	}
	old := time.Now().Add(-time.Hour)
	for _, tc := range []struct {
		name string
		// result is the status of result.json, "" for none.
		result string
		// restarted makes config.yaml newer than result.json.
		restarted bool
		metrics   string // metrics.jsonl's text; default the epochs
		config    string // default liveConfig
		want      string // the status shown, "" for not a run
		resumed   bool
	}{
		{name: "done", result: StatusDone, want: StatusDone},
		{name: "failed", result: StatusFailed, want: StatusFailed},
		{name: "interrupted", result: StatusInterrupted, want: StatusInterrupted},
		{name: "running", want: StatusRunning},
		{name: "resumed", result: StatusInterrupted, restarted: true, want: StatusRunning, resumed: true},
		{name: "done, files touched later", result: StatusDone, restarted: true, want: StatusDone},
		{name: "epoch being written", metrics: string(EncodeMetrics(epochs)) + `{"epoch":4,"val_a`, want: StatusRunning},
		{name: "not a run's config", config: "just: yaml\n", want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := t.TempDir()
			dir := filepath.Join(store, "lenet", "0123456789ab")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			cfg, metrics := tc.config, tc.metrics
			if cfg == "" {
				cfg = liveConfig
			}
			if metrics == "" {
				metrics = string(EncodeMetrics(epochs))
			}
			write := func(name, text string, at time.Time) {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(p, at, at); err != nil {
					t.Fatal(err)
				}
			}
			write(ConfigFile, cfg, old)
			write(MetricsFile, metrics, old)
			if tc.result != "" {
				if err := WriteJSON(filepath.Join(dir, ResultFile), &Result{Name: "lenet", Status: tc.result, ConfigHash: "0123456789abcdef", Epochs: 2, TestAcc: 94}); err != nil {
					t.Fatal(err)
				}
				if tc.restarted {
					write(ConfigFile, cfg, time.Now().Add(time.Minute))
				}
			}
			runs, problems, err := NewLive(os.DirFS(store)).Scan(".")
			if err != nil || len(problems) > 0 {
				t.Fatalf("Scan: %v %v", problems, err)
			}
			if tc.want == "" {
				if len(runs) != 0 {
					t.Fatalf("got %d runs, want none", len(runs))
				}
				return
			}
			if len(runs) != 1 {
				t.Fatalf("got %d runs, want 1", len(runs))
			}
			r := runs[0]
			if r.Result.Status != tc.want || r.Result.Start.Resumed != tc.resumed || r.Dir != "lenet/0123456789ab" {
				t.Fatalf("status %q resumed %v dir %q, want %q resumed %v", r.Result.Status, r.Result.Start.Resumed, r.Dir, tc.want, tc.resumed)
			}
			rec := Recorded(runs)
			if (tc.result == "") != (len(rec) == 0) || len(rec) > 0 && rec[0].Result.Status != tc.result {
				t.Errorf("Recorded: %v, want the result.json of status %q", rec, tc.result)
			}
			if tc.want != StatusRunning {
				return
			}
			res := r.Result
			if res.Name != "lenet" || res.Architecture != "lenet-300-100" || res.Selector != "greedy" || res.K != 8 || res.Seed != 3 ||
				res.Epochs != 3 || res.BestEpoch != 2 || res.TestAcc != 94 || res.FinalTestAcc != 93 || res.TrainFLOPs != 3e9 || res.SamplesPerSecond != 30*100/6.0 {
				t.Errorf("the result of the run in progress: %+v", res)
			}
			if v, _ := r.Value("train.batch_size"); v != "100" {
				t.Errorf("config train.batch_size %q, want 100 (the config tree)", v)
			}
			p, err := r.Progress(r.Updated.Add(time.Second))
			if err != nil || p.Epoch != 3 || p.Epochs != 10 || p.EpochSeconds != 2 || p.ETA != 13*time.Second || p.Stalled {
				t.Errorf("progress %+v (%v), want epoch 3 of 10 at 2 s an epoch, 13 s left", p, err)
			}
			if p, _ := r.Progress(r.Updated.Add(time.Hour)); !p.Stalled {
				t.Errorf("an hour without an epoch is not stalled: %+v", p)
			}
		})
	}
}

// TestLiveRereadsOnlyChanges checks that a second Scan reuses unchanged
// runs and rereads a run whose metrics grew.
func TestLiveRereadsOnlyChanges(t *testing.T) {
	store := t.TempDir()
	dir := filepath.Join(store, "lenet", "abc")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(liveConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	l := NewLive(os.DirFS(store))
	first, _, err := l.Scan(".")
	if err != nil || len(first) != 1 || first[0].Result.Epochs != 0 {
		t.Fatalf("%v %v", first, err)
	}
	again, _, _ := l.Scan(".")
	if again[0] != first[0] {
		t.Error("an unchanged run was read again")
	}
	if err := WriteMetrics(dir, []Epoch{{Epoch: 1, ValAcc: 50}}); err != nil {
		t.Fatal(err)
	}
	grown, _, _ := l.Scan(".")
	if grown[0].Result.Epochs != 1 {
		t.Errorf("after an epoch the run shows %d epochs", grown[0].Result.Epochs)
	}
}

// TestDecodeMetricsPartialLine reads a metrics file cut inside its last
// line as the epochs before it, and a bad line elsewhere as an error.
func TestDecodeMetricsPartialLine(t *testing.T) {
	whole := EncodeMetrics([]Epoch{{Epoch: 1}, {Epoch: 2}})
	for _, tc := range []struct {
		name    string
		text    string
		epochs  int
		wantErr bool
	}{
		{"whole", string(whole), 2, false},
		{"last line being written", string(whole) + `{"epoch":3,"tr`, 2, false},
		{"last line without its newline", string(whole) + `{"epoch":3}`, 3, false},
		{"bad line in the middle", `{"epoch":1}` + "\n{oops\n" + `{"epoch":3}` + "\n", 0, true},
	} {
		m, err := DecodeMetrics([]byte(tc.text), "metrics.jsonl")
		if (err != nil) != tc.wantErr || len(m) != tc.epochs {
			t.Errorf("%s: %d epochs, error %v; want %d epochs, error %v", tc.name, len(m), err, tc.epochs, tc.wantErr)
		}
	}
}

// TestEpochPace checks the pace ETA is taken from: the median of the last
// epochs' wall times, so that one epoch that ran long (the process stopped
// while something was timed, the cores shared) does not stretch the ETA.
func TestEpochPace(t *testing.T) {
	for _, tc := range []struct {
		name    string
		seconds []float64
		want    float64
	}{
		{"one epoch", []float64{5}, 5},
		{"steady", []float64{2, 2, 2, 2, 2}, 2},
		{"one paused epoch", []float64{100, 102, 394, 101, 99}, 101},
		{"even count", []float64{4, 1, 3, 2}, 2.5},
		{"speeding up", []float64{10, 9, 8, 7, 6}, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es := make([]Epoch, len(tc.seconds))
			for i, s := range tc.seconds {
				es[i] = Epoch{Epoch: i + 1, Seconds: s}
			}
			if got := epochPace(es); got != tc.want {
				t.Errorf("epochPace(%v) = %g, want %g", tc.seconds, got, tc.want)
			}
		})
	}
}
