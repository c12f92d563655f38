package slotupdate

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchConnections is the layer size of BenchmarkArgmax: 2^18
// connections, so that for K ≥ 4 the scores do not fit in the cache.
const benchConnections = 1 << 18

type benchLayer struct {
	s, v, w, g []float32
	idx        []int32
	weff       []float32
}

func newBenchLayer(n, k, stride int) *benchLayer {
	r := rand.New(rand.NewPCG(uint64(k), 7))
	nw := k
	if stride != 0 {
		nw = n * k
	}
	l := &benchLayer{
		s: make([]float32, n*k), v: make([]float32, n*k), w: make([]float32, nw),
		g: make([]float32, n), idx: make([]int32, n), weff: make([]float32, n),
	}
	for i := range l.s {
		l.s[i] = r.Float32()
	}
	for i := range l.w {
		l.w[i] = r.Float32()*2 - 1
	}
	for i := range l.g {
		// Small gradients: the scores stay finite however many steps run.
		l.g[i] = (r.Float32()*2 - 1) * 1e-6
	}
	return l
}

var benchP = SGD{LR: 0.01, Momentum: 0.9, WeightDecay: 5e-4}

// BenchmarkArgmax measures the selection alone.
func BenchmarkArgmax(b *testing.B) {
	for _, k := range []int{2, 4, 8, 16} {
		l := newBenchLayer(benchConnections, k, k)
		for _, im := range impls() {
			b.Run(fmt.Sprintf("K%d/%s", k, im.name), func(b *testing.B) {
				with(im, func() {
					for b.Loop() {
						Argmax(l.s, l.w, k, k, l.idx, l.weff)
					}
				})
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(benchConnections*k), "ns/score")
			})
		}
	}
}

// BenchmarkSGDStep measures the update of 2^20 learned weights.
func BenchmarkSGDStep(b *testing.B) {
	const n = 1 << 20
	l := newBenchLayer(n, 1, 1)
	for _, im := range impls() {
		b.Run(im.name, func(b *testing.B) {
			b.SetBytes(n * 4 * 5)
			with(im, func() {
				for b.Loop() {
					SGDStep(l.s, l.v, l.g, benchP)
				}
			})
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/weight")
		})
	}
}
