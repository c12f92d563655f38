package rng

// fillChunk is the most values one call of the assembly kernel fills, so
// that a long fill does not hold off preemption (about 30 µs).
const fillChunk = 1 << 16

// FillUniform writes uniform values in [lo, hi) drawn from values offset,
// offset+1, ... of the stream:
//
//	d := hi - lo                              // float32, rounded once
//	u := s.Float32(offset + uint64(j))        // 24 random bits, in [0, 1)
//	dst[j] = lo + float32(d*u)                // the product rounded, then the sum
//
// The explicit float32 conversion is part of the definition: it keeps a Go
// compiler from fusing d*u + lo into one FMA (which it may do on arm64, or
// on amd64 with GOAMD64=v3), so the result is the same on every platform.
// Code that computes the same values element by element must write the
// expression the same way.
//
// On amd64 with AVX2 the values come from an assembly kernel that runs
// SplitMix64 on 4 counters per register; the result is bit-identical to the
// loop above.
func (s Stream) FillUniform(dst []float32, offset uint64, lo, hi float32) {
	s.fill(dst, offset, lo, hi-lo, 1, false)
}

// FillUniformScaled is FillUniform followed by a multiplication:
//
//	d := hi - lo
//	u := s.Float32(offset + uint64(j))
//	dst[j] = scale * (lo + float32(d*u))
//
// With lo = -1, hi = 1 the sum -1 + 2u is exact (u has 24 bits), so
// FillUniformScaled(dst, offset, -1, 1, b) gives b*(2*u-1), U(-b, b) rounded
// once; with lo = 0, hi = 1 it gives scale*u.
func (s Stream) FillUniformScaled(dst []float32, offset uint64, lo, hi, scale float32) {
	s.fill(dst, offset, lo, hi-lo, scale, true)
}

func (s Stream) fill(dst []float32, offset uint64, lo, d, scale float32, scaled bool) {
	for len(dst) > 0 {
		n := min(len(dst), fillChunk)
		m := 0
		if useAsm {
			m = n &^ 7
			if m > 0 {
				// The counter of value offset is Key + (offset+1)·γ.
				fillUniformAVX2(&dst[0], m, s.Key+(offset+1)*gamma, lo, d, scale)
			}
		}
		if m < n {
			if scaled {
				s.fillScaledGo(dst[m:n], offset+uint64(m), lo, d, scale)
			} else {
				s.fillGo(dst[m:n], offset+uint64(m), lo, d)
			}
		}
		dst = dst[n:]
		offset += uint64(n)
	}
}

// fillGo and fillScaledGo step the SplitMix64 counter by γ instead of
// computing it from the index: value offset+j has counter Key + (offset+j+1)·γ.

func (s Stream) fillGo(dst []float32, offset uint64, lo, d float32) {
	z := s.Key + (offset+1)*gamma
	for j := range dst {
		u := float32(Mix(z)>>40) * (1.0 / (1 << 24))
		dst[j] = lo + float32(d*u)
		z += gamma
	}
}

func (s Stream) fillScaledGo(dst []float32, offset uint64, lo, d, scale float32) {
	z := s.Key + (offset+1)*gamma
	for j := range dst {
		u := float32(Mix(z)>>40) * (1.0 / (1 << 24))
		dst[j] = scale * (lo + float32(d*u))
		z += gamma
	}
}
