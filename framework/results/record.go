// Package results is slotlab's run store: the directory of each run with its
// resolved config, per-epoch metrics and final result, written atomically;
// and reading runs back for tables and plots.
package results

import (
	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/codeversion"
)

// Result is what result.json holds: the outcome of one run. Accuracies are
// percentages (0–100).
type Result struct {
	Name         string           `json:"name"`
	RunID        string           `json:"run_id"`
	Status       string           `json:"status"` // "done" or "failed"
	Error        string           `json:"error,omitempty"`
	Dataset      string           `json:"dataset"`
	Architecture string           `json:"architecture"`
	Method       framework.Method `json:"method"`
	Selector     string           `json:"selector"`
	// SelectorLabel is the selector's short name in tables ("GS", "PS"),
	// as the module declares it (framework.Labeler); empty when it
	// declares none.
	SelectorLabel string `json:"selector_label,omitempty"`
	Sharing       string `json:"sharing"`
	K             int    `json:"k"`
	Seed          int64  `json:"seed"`
	// Epochs is the number of epochs run (the configured number when done).
	Epochs int `json:"epochs"`
	// BestEpoch is the epoch of the best validation accuracy; ValAcc and
	// TestAcc are the accuracies at that epoch (model selection).
	BestEpoch int     `json:"best_epoch"`
	ValAcc    float64 `json:"val_acc"`
	TestAcc   float64 `json:"test_acc"`
	// FinalValAcc and FinalTestAcc are those of the last epoch.
	FinalValAcc  float64 `json:"final_val_acc"`
	FinalTestAcc float64 `json:"final_test_acc"`
	FinalLoss    float64 `json:"final_train_loss"`
	// TrainSeconds is the wall time of the run (training and evaluation);
	// SamplesPerSecond counts training examples over the time spent in
	// training steps only.
	TrainSeconds     float64 `json:"train_seconds"`
	SamplesPerSecond float64 `json:"samples_per_second"`
	// TrainFLOPs is the training cost: dense-equivalent forward and backward
	// passes plus the score updates, summed over the run.
	TrainFLOPs float64 `json:"train_flops"`
	ConfigHash string  `json:"config_hash"`
	// Start says how the process that wrote this result began; absent in
	// results written before it was recorded (and left absent when such a
	// result is rewritten, as slotlab verify --mark does).
	Start      Start  `json:"start,omitzero"`
	StartedAt  string `json:"started_at"`
	FinishedAt string `json:"finished_at"`
	Host       Host   `json:"host"`
	// Code is the version of the code of the process that wrote this
	// result (the git revision, whether the tree was modified, and where
	// that was read); a resumed run's earlier epochs may come from other
	// code, which Start.Resumed says. Empty in results written before it
	// was recorded.
	Code codeversion.Code `json:"code"`
	// Config is the resolved config as a tree, so that tables can group
	// runs by any dotted key.
	Config map[string]any `json:"config"`
}

// Start is how a run's last process began: fresh, or resumed from a
// checkpoint holding FromEpoch finished epochs and FromStep steps.
// StepsThisProcess counts the training steps that process ran itself.
type Start struct {
	Resumed          bool  `json:"resumed"`
	FromEpoch        int   `json:"from_epoch"`
	FromStep         int64 `json:"from_step"`
	StepsThisProcess int64 `json:"steps_this_process"`
}

// Host records where a run ran, to interpret its timings.
type Host struct {
	Hostname   string `json:"hostname"`
	CPUs       int    `json:"cpus"`
	GoVersion  string `json:"go_version"`
	GemmKernel string `json:"gemm"`
}

// Epoch is one line of metrics.jsonl. Accuracies are percentages.
type Epoch struct {
	Epoch     int     `json:"epoch"`
	TrainLoss float64 `json:"train_loss"`
	TrainAcc  float64 `json:"train_acc"`
	ValLoss   float64 `json:"val_loss"`
	ValAcc    float64 `json:"val_acc"`
	TestLoss  float64 `json:"test_loss"`
	TestAcc   float64 `json:"test_acc"`
	LR        float64 `json:"lr"`
	Steps     int64   `json:"steps"`
	// FLOPs is the cumulative training cost up to the end of this epoch.
	FLOPs float64 `json:"flops"`
	// Seconds is the wall time of the epoch, training and evaluation.
	Seconds float64 `json:"seconds"`
}
