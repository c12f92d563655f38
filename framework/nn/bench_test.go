package nn

import (
	"fmt"
	"testing"

	"github.com/slotlab/slotlab/framework/rng"
)

// BenchmarkLenetStep times one training step of Lenet-300-100 at batch 128:
// forward, backward, score (or weight) update and the next selection.
func BenchmarkLenetStep(b *testing.B) {
	for _, c := range []struct {
		method string
		k      int
	}{{"slot", 8}, {"slot", 64}, {"learned", 1}} {
		b.Run(fmt.Sprintf("%s/K%d", c.method, c.k), func(b *testing.B) {
			const batch = 128
			o := testOptions(c.method, c.k, batch)
			o.Selector = fusedArgmax{} // as selectors.greedy
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
