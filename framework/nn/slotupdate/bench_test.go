package slotupdate

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// benchConnections is the layer size of the benchmarks: 2^18 connections,
// so that for K ≥ 4 the scores do not fit in the cache (as in training,
// where every step walks all layers).
const benchConnections = 1 << 18

var benchKs = []int{1, 2, 4, 8, 16, 64}

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

// bytesPerStep is the memory traffic of one Update: s, v and w read, s and
// v written, g read, idx and weff written.
func bytesPerStep(n, k, stride int) int64 {
	b := int64(n) * int64(k) * 4 * 4 // s, v read and written
	if stride != 0 {
		b += int64(n) * int64(k) * 4
	}
	return b + int64(n)*12
}

var benchP = SGD{LR: 0.01, Momentum: 0.9, WeightDecay: 5e-4}

// BenchmarkUpdate measures Update with selection over 2^18 connections:
// asm (the AVX2 kernels, where present), go (the portable code) and
// baseline (the scalar code of framework/nn before this package: update,
// then finiteness check, then argmax, then gather, chunk by chunk).
func BenchmarkUpdate(b *testing.B) {
	for _, shared := range []bool{false, true} {
		for _, k := range benchKs {
			stride := k
			name := fmt.Sprintf("K%d", k)
			if shared {
				if k != 8 && k != 2 {
					continue
				}
				stride, name = 0, name+"shared"
			}
			l := newBenchLayer(benchConnections, k, stride)
			scores := float64(benchConnections * k)
			run := func(b *testing.B, f func()) {
				b.SetBytes(bytesPerStep(benchConnections, k, stride))
				f()
				b.ResetTimer()
				for b.Loop() {
					f()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/scores, "ns/score")
			}
			for _, im := range impls() {
				b.Run(name+"/"+im.name, func(b *testing.B) {
					with(im, func() {
						run(b, func() {
							if !Update(l.s, l.v, l.w, l.g, k, stride, benchP, l.idx, l.weff) {
								b.Fatal("non-finite")
							}
						})
					})
				})
			}
			b.Run(name+"/baseline", func(b *testing.B) {
				run(b, func() {
					if err := baselineUpdate(l.s, l.v, l.w, l.g, k, stride, benchP, l.idx, l.weff); err != nil {
						b.Fatal(err)
					}
				})
			})
		}
	}
}

// BenchmarkUpdateOddK is BenchmarkUpdate for K without a kernel of their
// own (the update runs on an expanded gradient, the selection in argmaxKn).
func BenchmarkUpdateOddK(b *testing.B) {
	for _, k := range []int{3, 5, 12} {
		l := newBenchLayer(benchConnections, k, k)
		scores := float64(benchConnections * k)
		for _, name := range []string{"asm", "go", "baseline"} {
			if name == "asm" && !hasAVX2 {
				continue
			}
			b.Run(fmt.Sprintf("K%d/%s", k, name), func(b *testing.B) {
				b.SetBytes(bytesPerStep(benchConnections, k, k))
				defer func(old bool) { useAsm = old }(useAsm)
				useAsm = name == "asm"
				for b.Loop() {
					if name == "baseline" {
						baselineUpdate(l.s, l.v, l.w, l.g, k, k, benchP, l.idx, l.weff)
					} else {
						Update(l.s, l.v, l.w, l.g, k, k, benchP, l.idx, l.weff)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/scores, "ns/score")
			})
		}
	}
}

// BenchmarkUpdateParallel runs Update the way framework/nn does, chunks of
// 16384/K connections spread over GOMAXPROCS goroutines, on a Lenet-sized
// layer (2^18 connections of K = 8, 2.1M scores), against the baseline run
// the same way.
func BenchmarkUpdateParallel(b *testing.B) {
	const k = 8
	l := newBenchLayer(benchConnections, k, k)
	chunk := 16384 / k
	procs := runtime.GOMAXPROCS(0)
	par := func(f func(lo, hi int)) {
		var wg sync.WaitGroup
		per := (benchConnections/chunk + procs - 1) / procs * chunk
		for lo := 0; lo < benchConnections; lo += per {
			hi := min(benchConnections, lo+per)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for c := lo; c < hi; c += chunk {
					f(c, min(hi, c+chunk))
				}
			}()
		}
		wg.Wait()
	}
	for _, name := range []string{"asm", "go", "baseline"} {
		if name == "asm" && !hasAVX2 {
			continue
		}
		b.Run(fmt.Sprintf("K%d/%s", k, name), func(b *testing.B) {
			b.SetBytes(bytesPerStep(benchConnections, k, k))
			defer func(old bool) { useAsm = old }(useAsm)
			useAsm = name == "asm"
			for b.Loop() {
				par(func(lo, hi int) {
					s, v, w := l.s[lo*k:hi*k], l.v[lo*k:hi*k], l.w[lo*k:hi*k]
					if name == "baseline" {
						baselineUpdate(s, v, w, l.g[lo:hi], k, k, benchP, l.idx[lo:hi], l.weff[lo:hi])
					} else {
						Update(s, v, w, l.g[lo:hi], k, k, benchP, l.idx[lo:hi], l.weff[lo:hi])
					}
				})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(benchConnections*k), "ns/score")
		})
	}
}

// BenchmarkUpdateNoSelect is Update with idx == nil.
func BenchmarkUpdateNoSelect(b *testing.B) {
	for _, k := range []int{2, 8} {
		l := newBenchLayer(benchConnections, k, k)
		for _, im := range impls() {
			b.Run(fmt.Sprintf("K%d/%s", k, im.name), func(b *testing.B) {
				with(im, func() {
					for b.Loop() {
						Update(l.s, l.v, l.w, l.g, k, k, benchP, nil, nil)
					}
				})
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(benchConnections*k), "ns/score")
			})
		}
	}
}

// BenchmarkArgmax measures the selection alone.
func BenchmarkArgmax(b *testing.B) {
	for _, k := range []int{2, 8, 16} {
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

// The baseline: framework/nn's SlotLayer.Update before this package
// (updateRange, finite, the greedy selector's Argmax and gather), run on
// the same chunks, on one core.

func baselineUpdate(s, v, w, g []float32, k, stride int, h SGD, idx []int32, weff []float32) error {
	n := len(g)
	chunk := max(256, 16384/k)
	for lo := 0; lo < n; lo += chunk {
		hi := min(n, lo+chunk)
		if err := baselineUpdateRange(s, v, w, g, k, stride, lo, hi, h); err != nil {
			return err
		}
		baselineArgmax(idx[lo:hi], s[lo*k:hi*k], k)
		if err := baselineGather(weff[lo:hi], idx[lo:hi], w, stride, lo, k); err != nil {
			return err
		}
	}
	return nil
}

func baselineUpdateRange(scores, velocity, vals, grad []float32, k, stride, lo, hi int, h SGD) error {
	lr, mu, wd := h.LR, h.Momentum, h.WeightDecay
	for i := lo; i < hi; i++ {
		g := grad[i]
		s := scores[i*k : i*k+k]
		v := velocity[i*k : i*k+k]
		w := vals[i*stride : i*stride+k]
		for j := range s {
			d := g*w[j] + wd*s[j]
			vj := mu*v[j] + d
			v[j] = vj
			if h.Nesterov {
				d += mu * vj
			} else {
				d = vj
			}
			s[j] -= lr * d
		}
	}
	if !baselineFinite(scores[lo*k : hi*k]) {
		return fmt.Errorf("scores became NaN or infinite")
	}
	return nil
}

func baselineFinite(xs []float32) bool {
	var acc float32
	for _, x := range xs {
		acc += x - x
	}
	return acc == 0
}

func baselineArgmax(idx []int32, scores []float32, k int) {
	switch k {
	case 1:
		clear(idx)
	case 2:
		for i := range idx {
			s := scores[2*i : 2*i+2]
			if s[1] > s[0] {
				idx[i] = 1
			} else {
				idx[i] = 0
			}
		}
	default:
		for i := range idx {
			s := scores[i*k : i*k+k]
			best, bv := 0, s[0]
			for j := 1; j < len(s); j++ {
				if s[j] > bv {
					best, bv = j, s[j]
				}
			}
			idx[i] = int32(best)
		}
	}
}

func baselineGather(dst []float32, idx []int32, v []float32, stride, lo, k int) error {
	for j, c := range idx {
		if uint32(c) >= uint32(k) {
			return fmt.Errorf("selector chose candidate %d for connection %d, but only 0..%d exist", c, lo+j, k-1)
		}
		dst[j] = v[(lo+j)*stride+int(c)]
	}
	return nil
}
