// Command faulty is a slotlab plugin for the tests of the plugin host: a
// selector that misbehaves on demand (option mode, from training step at),
// an initializer and a sharing strategy whose results the tests can check,
// and, through the environment variable FAULTY_START, a binary that fails
// before the handshake.
package main

import (
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/server"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/wire"
)

func main() {
	switch os.Getenv("FAULTY_START") {
	case "garbage":
		fmt.Println("hello, I am not a plugin")
		time.Sleep(time.Minute)
		return
	case "hang":
		time.Sleep(time.Hour)
		return
	case "exit":
		fmt.Fprintln(os.Stderr, "faulty: giving up at start")
		os.Exit(4)
	}
	server.Serve(server.Config{
		Components: []server.Factory{
			{Kind: wire.KindSelector, Name: "faulty", New: func() framework.Module { return &Faulty{} }},
			{Kind: wire.KindInitializer, Name: "uniform", New: func() framework.Module { return &Uniform{Scale: 1} }},
			{Kind: wire.KindSharing, Name: "perlayer", New: func() framework.Module { return &PerLayer{} }},
		},
		Tamper: func(method string, _, reply any) {
			if (method == wire.MethodSelect || method == wire.MethodSelectFactored) && miscount.Swap(false) {
				reply.(*wire.CountReply).Count--
			}
			if method == wire.MethodDescribe {
				declareV2(reply.(*wire.DescribeReply))
			}
		},
	})
}

// declareV2 declares, for the selector, a learning rate of 0.7 and a
// weight decay of 0 as a plugin of protocol version 2 did, in its
// description, which a host speaking version 3 ignores.
func declareV2(d *wire.DescribeReply) {
	for i := range d.Components {
		if d.Components[i].Kind == wire.KindSelector {
			d.Components[i].LearningRate, d.Components[i].HasWeightDecay = 0.7, true
		}
	}
}

// miscount makes the next Select reply report one index too few.
var miscount atomic.Bool

// Faulty selects the argmax until training step At, then does what Mode
// says.
type Faulty struct {
	Mode string `yaml:"mode" doc:"none, error, panic, crash, kill, hang, range or count"`
	At   int64  `yaml:"at" doc:"the first training step that misbehaves"`
}

// SlotlabModule describes the selector.
func (*Faulty) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "selectors.faulty", Summary: "argmax, then a fault on demand"}
}

// Validate checks the mode.
func (f *Faulty) Validate() error {
	switch f.Mode {
	case "", "none", "error", "panic", "crash", "kill", "hang", "range", "count":
		return nil
	}
	return fmt.Errorf("mode must be none, error, panic, crash, kill, hang, range or count, not %q", f.Mode)
}

// Select writes the argmax, then misbehaves.
func (f *Faulty) Select(idx []int32, scores []float32, ctx framework.SelectContext) error {
	k := ctx.Layer.K
	for i := range idx {
		best := 0
		for j := 1; j < k; j++ {
			if scores[i*k+j] > scores[i*k+best] {
				best = j
			}
		}
		idx[i] = int32(best)
	}
	if !ctx.Training || ctx.Step < f.At {
		return nil
	}
	switch f.Mode {
	case "error":
		return fmt.Errorf("faulty selector fails at step %d", ctx.Step)
	case "panic":
		panic(fmt.Sprintf("faulty selector panics at step %d", ctx.Step))
	case "crash":
		done := make(chan struct{})
		go func() { panic(fmt.Sprintf("faulty plugin crashes at step %d", ctx.Step)) }()
		<-done
	case "kill":
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		time.Sleep(time.Minute)
	case "hang":
		time.Sleep(time.Hour)
	case "range":
		if ctx.Offset == 0 {
			idx[len(idx)-1] = int32(k)
		}
	case "count":
		miscount.Store(true)
	}
	return nil
}

// Uniform fills tensors with Scale·u_j, u_j the tensor's uniform variates.
type Uniform struct {
	Scale float32 `yaml:"scale"`
}

// SlotlabModule describes the initializer.
func (*Uniform) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "initializers.uniform", Summary: "U(0, scale)"}
}

// Validate checks the scale.
func (u *Uniform) Validate() error {
	if u.Scale <= 0 {
		return fmt.Errorf("scale must be positive, not %v", u.Scale)
	}
	return nil
}

// Fill writes Scale·t.Uniform(j).
func (u *Uniform) Fill(dst []float32, t framework.TensorInfo) error {
	for i := range dst {
		dst[i] = u.Scale * t.Uniform(t.Offset+uint64(i))
	}
	return nil
}

// PerLayer shares K weights among all connections of a layer; with Bad set
// it answers a stride that cannot work.
type PerLayer struct {
	Bad bool `yaml:"bad"`
}

// SlotlabModule describes the strategy.
func (*PerLayer) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "sharing.perlayer", Summary: "one pool of K weights per layer"}
}

// Pool returns the layer's pool.
func (p *PerLayer) Pool(layer framework.LayerInfo) (framework.Pool, error) {
	if p.Bad {
		return framework.Pool{Key: layer.Name, Stride: 1}, nil
	}
	return framework.Pool{Key: "faulty/" + layer.Name, Stride: 0}, nil
}
