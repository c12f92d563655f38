package pluginrpc

import (
	"slices"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/nn"
	"github.com/slotlab/slotlab/framework/pluginrpc/plugintest"
	"github.com/slotlab/slotlab/framework/rng"
)

// hostUniform is the faulty plugin's uniform initializer, compiled in.
type hostUniform struct{ scale float32 }

func (hostUniform) SlotlabModule() framework.ModuleInfo { return framework.ModuleInfo{} }

func (u hostUniform) Fill(dst []float32, t framework.TensorInfo) error {
	for i := range dst {
		dst[i] = u.scale * t.Uniform(t.Offset+uint64(i))
	}
	return nil
}

func builtin[T any](t testing.TB, id framework.ModuleID) T {
	t.Helper()
	info, ok := framework.Lookup(id)
	if !ok {
		t.Fatalf("%s is not registered", id)
	}
	return info.New().(T)
}

// lenet builds Lenet-300-100 (K = 8, batch 64) with the given selector and
// score initializer, and fills its training input.
func lenet(t testing.TB, sel framework.Selector, scores framework.Initializer) *nn.Network {
	t.Helper()
	arch, err := config.LoadArchitecture("../../architectures/lenet-300-100.yaml")
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.Build(arch.Spec(), nn.Options{
		Method: framework.MethodSlot, K: 8, Seed: 1, Batch: 64, EvalBatch: 64,
		Selector:   sel,
		Sharing:    builtin[framework.Sharing](t, "sharing.per_connection"),
		WeightInit: builtin[framework.Initializer](t, "initializers.glorot_uniform"),
		ScoreInit:  scores,
	})
	if err != nil {
		t.Fatal(err)
	}
	x, labels := net.TrainInput()
	s := rng.New(9, "input")
	for i := range x {
		x[i] = s.Float32(uint64(i))
	}
	for i := range labels {
		labels[i] = int32(i % 10)
	}
	return net
}

var hyper = nn.Hyper{LR: 0.2, Momentum: 0.9, WeightDecay: 1e-4}

// TestNetworkThroughPlugins trains Lenet for a few steps with compiled-in
// modules and with the same modules served by plugins (greedy, declared an
// argmax or not, over protocol version 2 (the plugin computes the scores
// from their factored form) and version 1 (the host writes them out); a
// uniform score initializer): losses, selections and selected weights must
// be identical.
func TestNetworkThroughPlugins(t *testing.T) {
	v1 := func(t *testing.T) string {
		return bins.Build(t, "slotlab-greedy-v1", "./examples/plugins/greedy", plugintest.VersionsFlag("1"))
	}
	for _, tc := range []struct {
		name         string
		bin          func(*testing.T) string
		opts         string
		argmax, eval bool
		factored     bool // the layers select through SelectFactored
	}{
		{"through the plugin", greedyBin, "fused: false", false, false, true},
		{"through a version 1 plugin", v1, "fused: false", false, false, false},
		{"fused", greedyBin, "", true, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel := load(t, tc.bin(t), "greedy", "selectors", tc.opts).(*Selector)
			if sel.SelectsArgmax(true) != tc.argmax || sel.SelectsArgmax(false) != tc.eval {
				t.Fatalf("SelectsArgmax = %v, %v", sel.SelectsArgmax(true), sel.SelectsArgmax(false))
			}
			ref := lenet(t, builtin[framework.Selector](t, "selectors.greedy"), hostUniform{0.01})
			ext := lenet(t, sel, load(t, faultyBin(t), "uniform", "initializers", "scale: 0.01").(framework.Initializer))
			for _, l := range ext.Slots {
				if factored := l.Scores == nil; factored != tc.factored {
					t.Fatalf("layer %s: factored = %v, want %v", l.Info.Name, factored, tc.factored)
				}
			}
			for step := range 5 {
				l1, c1, err1 := ref.TrainStep(hyper)
				l2, c2, err2 := ext.TrainStep(hyper)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if l1 != l2 || c1 != c2 {
					t.Fatalf("step %d: loss %v/%v, correct %d/%d", step, l1, l2, c1, c2)
				}
			}
			if err := ref.PrepareEval(); err != nil {
				t.Fatal(err)
			}
			if err := ext.PrepareEval(); err != nil {
				t.Fatal(err)
			}
			for i := range ref.Slots {
				a, b := ref.Slots[i], ext.Slots[i]
				if !slices.Equal(a.Idx, b.Idx) || !slices.Equal(a.EvalIdx, b.EvalIdx) || !slices.Equal(a.Weff, b.Weff) || !slices.Equal(a.EvalWeff, b.EvalWeff) {
					t.Fatalf("layer %s differs", a.Info.Name)
				}
			}
		})
	}
}

// TestSelectsArgmax checks that what a plugin's selector declares reaches
// the trainer.
func TestSelectsArgmax(t *testing.T) {
	for _, tc := range []struct {
		path        func(*testing.T) string
		name, opts  string
		train, eval bool
	}{
		{greedyBin, "greedy", "", true, true},
		{greedyBin, "greedy", "fused: false", false, false},
		{epsBin, "epsgreedy", "eps: 0.1", false, true},
		{epsBin, "epsgreedy", "eps: 0", true, true},
		{faultyBin, "faulty", "", false, false},
	} {
		s := load(t, tc.path(t), tc.name, "selectors", tc.opts).(*Selector)
		if s.SelectsArgmax(true) != tc.train || s.SelectsArgmax(false) != tc.eval {
			t.Errorf("%s {%s}: SelectsArgmax = %v, %v; want %v, %v", tc.name, tc.opts, s.SelectsArgmax(true), s.SelectsArgmax(false), tc.train, tc.eval)
		}
	}
}

// BenchmarkLenetExternalGreedy times Lenet-300-100 training steps (K = 8,
// batch 64) with the built-in greedy selector and with the external one:
// declared an argmax (as the example is by default: the host selects in its
// fused update), and not (fused: false: the plugin selects every step),
// over protocol version 2 (the plugin computes the scores from their
// factored form) and version 1 (the host writes the scores out), all
// interleaved in the same run; it reports each speed and its ratio to the
// built-in.
func BenchmarkLenetExternalGreedy(b *testing.B) {
	init := builtin[framework.Initializer](b, "initializers.scaled_uniform")
	v2 := bins.Build(b, "slotlab-greedy", "./examples/plugins/greedy", "")
	v1 := bins.Build(b, "slotlab-greedy-v1", "./examples/plugins/greedy", plugintest.VersionsFlag("1"))
	variants := []struct{ name, path, opts string }{
		{"fused", v2, "fused: true"},
		{"rpc", v2, "fused: false"},
		{"rpc-v1", v1, "fused: false"},
	}
	nets := []*nn.Network{lenet(b, builtin[framework.Selector](b, "selectors.greedy"), init)}
	for _, v := range variants {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(v.opts), &doc); err != nil {
			b.Fatal(err)
		}
		sel, err := Load(v.path, "greedy", "selectors", doc.Content[0])
		if err != nil {
			b.Fatal(err)
		}
		nets = append(nets, lenet(b, sel.(framework.Selector), init))
	}
	took := make([]time.Duration, len(nets))
	for b.Loop() {
		for i, net := range nets {
			t0 := time.Now()
			if _, _, err := net.TrainStep(hyper); err != nil {
				b.Fatal(err)
			}
			took[i] += time.Since(t0)
		}
	}
	n := float64(b.N * 64)
	b.ReportMetric(n/took[0].Seconds(), "builtin-samples/s")
	for i, v := range variants {
		b.ReportMetric(n/took[i+1].Seconds(), v.name+"-samples/s")
		b.ReportMetric(took[0].Seconds()/took[i+1].Seconds(), v.name+"/builtin")
	}
}
