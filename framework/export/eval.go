package export

import (
	"bytes"
	"fmt"
	"os"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/data"
	"github.com/slotlab/slotlab/framework/nn"
	"github.com/slotlab/slotlab/framework/train"
)

// Evaluation is the outcome of evaluating an exported network.
type Evaluation struct {
	Format   string
	Examples int
	Loss     float64
	Accuracy float64 // percent
	// Origin is the run the network came from (slot format only).
	Origin *Origin
}

// Eval reads an exported network (either format) and evaluates it on its
// dataset's test set, with the test_limit of its config. dataDir, if not
// empty, overrides where the data is.
func Eval(path, dataDir string, logf func(string, ...any)) (*Evaluation, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var (
		cfg    string
		ts     map[string]nn.Tensor
		method framework.Method
		ev     = &Evaluation{}
	)
	if bytes.HasPrefix(raw, []byte(SlotMagic)) {
		h, t, err := decodeSlot(path, raw)
		if err != nil {
			return nil, err
		}
		cfg, ts, method, ev.Format, ev.Origin = h.Config, t, framework.MethodSlot, "slot", &h.Origin
	} else {
		c, t, err := decodeDense(path, raw)
		if err != nil {
			return nil, err
		}
		cfg, ts, method, ev.Format = c, t, framework.MethodLearned, "dense"
	}
	var over []string
	if dataDir != "" {
		over = append(over, "data.dir="+dataDir)
	}
	e, err := config.Parse(path+" (embedded config)", []byte(cfg), over)
	if err != nil {
		return nil, err
	}
	net, err := e.BuildNetwork(method, 1, e.Train.EvalBatchSize)
	if err != nil {
		return nil, err
	}
	if err := net.LoadSelection(ts); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	_, test, err := data.Load(e.Dataset, data.Options{Dir: e.Data.Dir, Download: *e.Data.Download, Logf: logf})
	if err != nil {
		return nil, err
	}
	test = test.Limit(e.Data.TestLimit)
	ev.Examples = test.N
	ev.Loss, ev.Accuracy, err = train.Evaluate(net, test, data.DefaultNormalization(e.Dataset))
	return ev, err
}
