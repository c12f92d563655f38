package rng

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// implementations returns the values of useAsm to test on this machine and
// build.
func implementations() []bool {
	if hasAVX2 {
		return []bool{false, true}
	}
	return []bool{false}
}

func withAsm(asm bool, f func()) {
	old := useAsm
	useAsm = asm
	defer func() { useAsm = old }()
	f()
}

// The specification, element by element.
func refUniform(s Stream, j uint64, lo, hi float32) float32 {
	d := hi - lo
	return lo + float32(d*s.Float32(j))
}

func refScaled(s Stream, j uint64, lo, hi, scale float32) float32 {
	d := hi - lo
	return scale * (lo + float32(d*s.Float32(j)))
}

const guard = 0x7fa5a5a5 // a NaN pattern no fill writes

func TestFillUniform(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	lengths := []int{0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000, fillChunk + 13}
	offsets := []uint64{0, 1, 5, 8, 1 << 20, 1<<32 - 3, math.MaxUint64 - 20, math.MaxUint64 - 3}
	for range 5 {
		offsets = append(offsets, r.Uint64(), uint64(r.IntN(1<<30)))
	}
	ranges := [][3]float32{{0, 1, 1}, {-1, 1, 0.0429}, {-0.1, 0.1, 1}, {0, 0.01, 3.5}, {2, -3, 1}, {-1e-3, 7, -2}}
	keys := []uint64{0, 1, 1234567, math.MaxUint64, r.Uint64(), New(1, "weights", "fc1").Key}
	for _, key := range keys {
		s := Stream{Key: key}
		for _, n := range lengths {
			for _, off := range offsets {
				for _, rg := range ranges {
					lo, hi, scale := rg[0], rg[1], rg[2]
					want := make([]float32, n)
					wantS := make([]float32, n)
					for j := range want {
						want[j] = refUniform(s, off+uint64(j), lo, hi)
						wantS[j] = refScaled(s, off+uint64(j), lo, hi, scale)
					}
					for _, asm := range implementations() {
						name := fmt.Sprintf("key %#x n %d offset %d range %v asm %v", key, n, off, rg, asm)
						for _, scaled := range []bool{false, true} {
							buf := make([]float32, n+9)
							for i := range buf {
								buf[i] = math.Float32frombits(guard)
							}
							w := want
							withAsm(asm, func() {
								if scaled {
									s.FillUniformScaled(buf[:n], off, lo, hi, scale)
									w = wantS
								} else {
									s.FillUniform(buf[:n], off, lo, hi)
								}
							})
							for j := range w {
								if math.Float32bits(buf[j]) != math.Float32bits(w[j]) {
									t.Fatalf("%s scaled %v: dst[%d] = %v, want %v", name, scaled, j, buf[j], w[j])
								}
							}
							for j := n; j < len(buf); j++ {
								if math.Float32bits(buf[j]) != guard {
									t.Fatalf("%s scaled %v: dst[%d] past the end was written", name, scaled, j)
								}
							}
						}
					}
					if n > 2000 {
						break // the long fills once per key and offset
					}
				}
			}
		}
	}
}

// TestFillUniformByParts checks that filling in parts at any split gives
// the values of one fill.
func TestFillUniformByParts(t *testing.T) {
	s := New(9, "parts")
	whole := make([]float32, 300)
	s.FillUniform(whole, 1000, -0.5, 0.5)
	for split := range 300 {
		part := make([]float32, 300)
		s.FillUniform(part[:split], 1000, -0.5, 0.5)
		s.FillUniform(part[split:], 1000+uint64(split), -0.5, 0.5)
		for i := range whole {
			if part[i] != whole[i] {
				t.Fatalf("split %d: element %d differs", split, i)
			}
		}
	}
}

func TestFillUniformNoAlloc(t *testing.T) {
	dst := make([]float32, 1000)
	s := New(1, "alloc")
	for _, asm := range implementations() {
		withAsm(asm, func() {
			if a := testing.AllocsPerRun(10, func() {
				s.FillUniform(dst, 17, -1, 1)
				s.FillUniformScaled(dst, 3, -1, 1, 0.3)
			}); a != 0 {
				t.Errorf("asm %v: %v allocations", asm, a)
			}
		})
	}
}

// BenchmarkFillUniform measures FillUniform on 16384 values (in L1/L2):
// asm (the AVX2 kernel, where present), go (the portable loop) and scalar
// (the element-by-element loop the initializers ran before).
func BenchmarkFillUniform(b *testing.B) {
	const n = 16384
	dst := make([]float32, n)
	s := New(1, "bench")
	versions := []string{"go", "scalar"}
	if hasAVX2 {
		versions = append([]string{"asm"}, versions...)
	}
	for _, v := range versions {
		b.Run(v, func(b *testing.B) {
			withAsm(v == "asm", func() {
				for b.Loop() {
					if v == "scalar" {
						bound := float32(0.05)
						for j := range dst {
							dst[j] = bound * (2*s.Float32(uint64(j)) - 1)
						}
					} else {
						s.FillUniformScaled(dst, 0, -1, 1, 0.05)
					}
				}
			})
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/value")
		})
	}
}
