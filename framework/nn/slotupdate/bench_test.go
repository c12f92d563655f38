package slotupdate

import (
	"math/rand/v2"
	"testing"
)

var benchP = SGD{LR: 0.01, Momentum: 0.9, WeightDecay: 5e-4}

// BenchmarkSGDStep measures the update of 2^20 learned weights.
func BenchmarkSGDStep(b *testing.B) {
	const n = 1 << 20
	r := rand.New(rand.NewPCG(1, 7))
	x, v, g := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = r.Float32()
	}
	for i := range g {
		// Small gradients: the weights stay finite however many steps run.
		g[i] = (r.Float32()*2 - 1) * 1e-6
	}
	for _, im := range impls() {
		b.Run(im.name, func(b *testing.B) {
			b.SetBytes(n * 4 * 5)
			with(im, func() {
				for b.Loop() {
					SGDStep(x, v, g, benchP)
				}
			})
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/weight")
		})
	}
}
