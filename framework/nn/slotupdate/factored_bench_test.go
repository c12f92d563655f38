package slotupdate

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The factored kernels are run on the chunks framework/nn gives them:
// max(256, 16384/K) connections, whose s0 and w (8 bytes per score) stay in
// L2. Four versions: avx512 and avx2 (the kernels, where present), go (the
// portable code of factored.go) and baseline (the loops framework/nn ran
// before this package, copied below).

type factoredBench struct {
	n, k, stride int
	s0, w, y     []float32
	g, dst       []float32
	idx          []int32
	weff         []float32
	a            float32
}

func factoredChunk(k int) int { return Chunk(k) }

func newFactoredBench(k, stride int) *factoredBench {
	n := factoredChunk(k)
	r := rand.New(rand.NewPCG(uint64(k), 9))
	nw := k
	if stride != 0 {
		nw = n * k
	}
	f := &factoredBench{n: n, k: k, stride: stride, a: 0.93,
		s0: make([]float32, n*k), w: make([]float32, nw), y: make([]float32, 2*n),
		g: make([]float32, n), dst: make([]float32, n*k), idx: make([]int32, n), weff: make([]float32, n)}
	for i := range f.s0 {
		f.s0[i] = r.Float32() * 0.01
	}
	for i := range f.w {
		f.w[i] = (r.Float32()*2 - 1) * 0.1
	}
	for i := range f.y {
		f.y[i] = (r.Float32()*2 - 1) * 0.01
	}
	for i := range f.g {
		f.g[i] = (r.Float32()*2 - 1) * 1e-3
	}
	return f
}

// The coefficients of an SGD step with lr 0.1, momentum 0.9, decay 1e-4.
var benchM = [6]float32{1 - 0.1*1e-4, -0.1 * 0.9, 1e-4, 0.9, -0.1, 1}

func (f *factoredBench) argmax(version string) {
	if version == "baseline" {
		baselineArgmaxScores(f.idx, f.weff, f.s0, f.w, f.y, f.a, f.k, f.stride)
		return
	}
	ArgmaxFactored(f.idx, f.weff, f.s0, f.w, f.y, f.a, f.k, f.stride)
}

func (f *factoredBench) scores(version string) {
	if version == "baseline" {
		baselineWriteScores(f.dst, f.s0, f.w, f.y, f.a, f.k, f.stride)
		return
	}
	WriteScores(f.dst, f.s0, f.w, f.y, f.a, f.k, f.stride)
}

func (f *factoredBench) advance(version string) {
	// m maps y to itself (plus a gradient term that keeps it bounded), so
	// repeated runs stay finite.
	if version == "baseline" {
		baselineAdvance(f.y, f.g, benchM)
		return
	}
	Advance(f.y, f.g, benchM)
}

// versions returns the versions to measure on this machine and build:
// avx512 (the AVX-512 kernels, AVX2 where a kernel has no AVX-512 version)
// and avx2 where present, go and baseline.
func versions() []string {
	var v []string
	if hasAVX512 {
		v = append(v, "avx512")
	}
	if hasAVX2 {
		v = append(v, "avx2")
	}
	return append(v, "go", "baseline")
}

// runVersion runs f with useAsm and useAVX512 set for the version; avx512
// runs every AVX-512 kernel (zEverywhere), measured faster or not, since
// these benchmarks are what zWins is decided by.
func runVersion(version string, f func()) {
	oldAsm, old512, oldAll := useAsm, useAVX512, zEverywhere
	useAsm = version == "avx2" || version == "avx512"
	useAVX512 = version == "avx512"
	zEverywhere = version == "avx512"
	defer func() { useAsm, useAVX512, zEverywhere = oldAsm, old512, oldAll }()
	f()
}

var factoredBenchKs = []int{1, 2, 4, 8, 16, 64, 3, 12}

func benchFactored(b *testing.B, op string) {
	for _, shared := range []bool{false, true} {
		for _, k := range factoredBenchKs {
			if shared && k != 2 && k != 8 {
				continue
			}
			stride, name := k, fmt.Sprintf("K%d", k)
			if shared {
				stride, name = 0, name+"shared"
			}
			f := newFactoredBench(k, stride)
			for _, v := range versions() {
				b.Run(name+"/"+v, func(b *testing.B) {
					runVersion(v, func() {
						for b.Loop() {
							if op == "argmax" {
								f.argmax(v)
							} else {
								f.scores(v)
							}
						}
					})
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(f.n*k), "ns/score")
				})
			}
		}
	}
}

// BenchmarkArgmaxFactored measures the selection from the factored scores.
func BenchmarkArgmaxFactored(b *testing.B) { benchFactored(b, "argmax") }

// BenchmarkWriteScores measures writing the factored scores out.
func BenchmarkWriteScores(b *testing.B) { benchFactored(b, "scores") }

// BenchmarkAdvance measures the step of the coefficients, per connection.
func BenchmarkAdvance(b *testing.B) {
	f := newFactoredBench(8, 8)
	for _, v := range versions() {
		b.Run(v, func(b *testing.B) {
			runVersion(v, func() {
				for b.Loop() {
					f.advance(v)
				}
			})
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(f.n), "ns/conn")
		})
	}
}

// The loops of framework/nn before the kernels (factored.go at the time).

func baselineAdvance(y, g []float32, m [6]float32) bool {
	m00, m01, m10, m11, e0, e1 := m[0], m[1], m[2], m[3], m[4], m[5]
	var acc float32
	y = y[:2*len(g)]
	for i, gi := range g {
		y0, y1 := y[2*i], y[2*i+1]
		n0 := m00*y0 + m01*y1 + e0*gi
		n1 := m10*y0 + m11*y1 + e1*gi
		y[2*i], y[2*i+1] = n0, n1
		acc += (n0 - n0) + (n1 - n1)
	}
	return acc == 0
}

func baselineArgmaxScores(idx []int32, weff, s0, w, y []float32, a float32, k, stride int) {
	for i := range idx {
		s := s0[i*k : i*k+k]
		wi := w[i*stride : i*stride+k]
		c := y[2*i]
		best, bv := 0, a*s[0]+c*wi[0]
		for j := 1; j < len(s); j++ {
			v := a*s[j] + c*wi[j]
			if v > bv {
				best, bv = j, v
			}
		}
		idx[i] = int32(best)
		weff[i] = wi[best]
	}
}

func baselineWriteScores(dst, s0, w, y []float32, a float32, k, stride int) {
	for i := 0; i < len(dst)/k; i++ {
		s := s0[i*k : i*k+k]
		wi := w[i*stride : i*stride+k]
		c := y[2*i]
		d := dst[i*k : i*k+k]
		for j := range d {
			d[j] = a*s[j] + c*wi[j]
		}
	}
}
