package nn

import (
	"fmt"
	"testing"

	"github.com/slotlab/slotlab/framework/rng"
	"github.com/slotlab/slotlab/plugins/initializers/glorotuniform"
	"github.com/slotlab/slotlab/plugins/initializers/scaleduniform"
)

// BenchmarkLenetStep times one training step of Lenet-300-100 at batch 128:
// forward, backward, score (or weight) update and the next selection.
// The slot-regen variants set Options.Regenerate, so that every step draws
// the initial scores and candidate weights again, with the built-in
// initializers (glorot_uniform and scaled_uniform, as the configs use).
func BenchmarkLenetStep(b *testing.B) {
	for _, c := range []struct {
		method string
		k      int
		regen  bool
	}{{"slot", 8, false}, {"slot", 64, false}, {"learned", 1, false}, {"slot", 8, true}, {"slot", 64, true}} {
		name := c.method
		if c.regen {
			name += "-regen"
		}
		b.Run(fmt.Sprintf("%s/K%d", name, c.k), func(b *testing.B) {
			const batch = 128
			o := testOptions(c.method, c.k, batch)
			o.Selector = fusedArgmax{} // as selectors.greedy
			if c.regen {
				o.Regenerate = true
				o.WeightInit = &glorotuniform.GlorotUniform{Bound: "std"}
				o.ScoreInit = &scaleduniform.ScaledUniform{Bound: "std", Conv: 1, Dense: 0.1}
			}
			n, err := Build(lenetArch(), o)
			if err != nil {
				b.Fatal(err)
			}
			x, y := n.TrainInput()
			s := rng.New(1, "bench")
			for i := range x {
				x[i] = s.Float32(uint64(i))
			}
			for i := range y {
				y[i] = int32(i % 10)
			}
			h := Hyper{LR: 0.1, Momentum: 0.9, WeightDecay: 1e-4}
			for i := 0; i < 3; i++ {
				if _, _, err := n.TrainStep(h); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := n.TrainStep(h); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}
