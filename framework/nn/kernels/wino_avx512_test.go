//go:build linux && amd64 && !purego

package kernels

import (
	"fmt"
	"math"
	"testing"
)

// filled returns n float32s set to a NaN pattern no kernel writes, so
// that a store outside a kernel's lanes shows in a comparison of bits.
func filled(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = math.Float32frombits(0x7fc0beef)
	}
	return v
}

// TestWinoAVX512MatchesAVX2 runs the AVX-512 forms of the per-plane
// Winograd gathers and scatters against the AVX2 forms, on rows of 1 to
// 40 tiles (every mix of whole and masked steps) and 1 to 3 rows of
// tiles: the same bits in every output, nothing written outside them, and
// nothing read past the last tile's input (the inputs end at an
// unreadable page).
func TestWinoAVX512MatchesAVX2(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 path here")
	}
	for n := 1; n <= 40; n++ {
		for rows := 1; rows <= 3; rows++ {
			name := fmt.Sprintf("n=%d/rows=%d", n, rows)
			seed := uint64(100*n + rows)

			// F(4×4) input gather: planes of (4·rows+2)×(4n+2).
			ld := 4*n + 2
			x := guarded(t, (4*rows+2)*ld)
			copy(x, specials(to32(randVec(seed, len(x), 1))))
			tt := rows*n + 3
			e2, e5 := filled(36*tt), filled(36*tt)
			winoPlaneIn6AVX2(&x[0], ld, rows, n, &e2[0], tt)
			winoPlaneIn6AVX512(&x[0], ld, rows, n, &e5[0], tt)
			if !sameBits(e2, e5) {
				t.Errorf("%s: winoPlaneIn6AVX512 differs from winoPlaneIn6AVX2", name)
			}

			// F(2×2) input gather: planes of (2·rows+2)×(2n+2).
			ld = 2*n + 2
			x = guarded(t, (2*rows+2)*ld)
			copy(x, specials(to32(randVec(seed+1, len(x), 1))))
			e2, e5 = filled(16*tt), filled(16*tt)
			winoPlaneIn4AVX2(&x[0], ld, rows, n, &e2[0], tt)
			winoPlaneIn4AVX512(&x[0], ld, rows, n, &e5[0], tt)
			if !sameBits(e2, e5) {
				t.Errorf("%s: winoPlaneIn4AVX512 differs from winoPlaneIn4AVX2", name)
			}

			// F(4×4) output scatter: four columns of rows·sn tiles, sn > n,
			// into rows of w = 4n−3 … 4n outputs (the last tile partial).
			sn, st := n+2, rows*(n+2)+5
			s := guarded(t, 3*st+rows*sn)
			copy(s, specials(to32(randVec(seed+2, len(s), 1))))
			ys := 4*n + 3
			y2 := filled(rows * ys)
			winoQuadsAVX2(&s[0], st, &y2[0], ys, rows, n, sn)
			for w := 4*n - 3; w <= 4*n; w++ {
				want := filled(rows * ys)
				for r := 0; r < rows; r++ {
					for c := 0; c < w; c++ {
						want[r*ys+c] = s[(c%4)*st+r*sn+c/4]
					}
				}
				if w == 4*n && !sameBits(y2, want) {
					t.Errorf("%s: winoQuadsAVX2 differs from the reference", name)
				}
				y5 := filled(rows * ys)
				winoQuadsAVX512(&s[0], st, &y5[0], ys, rows, n, sn, w)
				if !sameBits(y5, want) {
					t.Errorf("%s, w=%d: winoQuadsAVX512 differs from the reference", name, w)
				}
			}

			// F(2×2) output scatter: two columns of rows·n tiles.
			s0 := guarded(t, rows*n)
			copy(s0, specials(to32(randVec(seed+3, len(s0), 1))))
			s1 := to32(randVec(seed+4, rows*n, 1))
			ys = 2*n + 1
			y2, y5 := filled(rows*ys), filled(rows*ys)
			winoPairsAVX2(&s0[0], &s1[0], &y2[0], ys, rows, n)
			winoPairsAVX512(&s0[0], &s1[0], &y5[0], ys, rows, n)
			if !sameBits(y2, y5) {
				t.Errorf("%s: winoPairsAVX512 differs from winoPairsAVX2", name)
			}
		}
	}
}

// TestWino4ElementwiseAVX512MatchesAVX2 runs the AVX-512 forms of
// F(4×4)'s elementwise transforms (Bᵀ, Aᵀ and the ∂y transform) against
// the AVX2 forms for n = 1 to 70 (every mix of whole and masked steps):
// the same bits, nothing written outside their rows, and nothing read past
// the last row (which ends at an unreadable page).
func TestWino4ElementwiseAVX512MatchesAVX2(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 path here")
	}
	for n := 1; n <= 70; n++ {
		as, vs := n+3, n+5
		a := guarded(t, 5*as+n)
		copy(a, specials(to32(randVec(uint64(n), len(a), 1))))
		for _, c := range []struct {
			name    string
			in, out int // rows read and written
			avx2    func(a *float32, as int, v *float32, vs, n int)
			avx512  func(a *float32, as int, v *float32, vs, n int)
		}{
			{"wino4In", 6, 6, wino4InAVX2, wino4InAVX512},
			{"wino4Out", 6, 4, wino4OutAVX2, wino4OutAVX512},
			{"wino4Grad", 4, 6, wino4GradAVX2, wino4GradAVX512},
		} {
			src := a[(6-c.in)*as:] // the last row ends at the page
			v2, v5 := filled((c.out-1)*vs+n+4), filled((c.out-1)*vs+n+4)
			c.avx2(&src[0], as, &v2[0], vs, n)
			c.avx512(&src[0], as, &v5[0], vs, n)
			if !sameBits(v2, v5) {
				t.Errorf("n=%d: %sAVX512 differs from %sAVX2", n, c.name, c.name)
			}
		}
	}
}

// BenchmarkWinoGathers times the AVX2 and AVX-512 forms of the per-plane
// gathers and scatters side by side, on a batch's worth of the row widths
// CIFAR-10's convs give (tiles per row: F(4×4) 3 and 7 of 10×10 to 28×28
// outputs, 8 of 30×30; F(2×2) 5, 6, 14, 15).
func BenchmarkWinoGathers(b *testing.B) {
	if !useAVX512 {
		b.Skip("no AVX-512 path here")
	}
	for _, c := range []struct {
		name string
		n    int
	}{{"in6", 3}, {"in6", 7}, {"in6", 8}, {"quads", 3}, {"quads", 7}, {"in4", 5}, {"in4", 14}, {"in4", 15}, {"pairs", 5}, {"pairs", 15}} {
		n, rows := c.n, c.n
		for _, z := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/n=%d/avx512=%v", c.name, n, z), func(b *testing.B) {
				x := to32(randVec(1, (4*rows+2)*(4*n+2)+64, 1))
				e := make([]float32, 36*rows*n+64)
				y := make([]float32, 4*rows*4*n+64)
				for i := 0; i < b.N; i++ {
					switch {
					case c.name == "in6" && z:
						winoPlaneIn6AVX512(&x[0], 4*n+2, rows, n, &e[0], rows*n)
					case c.name == "in6":
						winoPlaneIn6AVX2(&x[0], 4*n+2, rows, n, &e[0], rows*n)
					case c.name == "quads" && z:
						winoQuadsAVX512(&e[0], rows*n, &y[0], 4*n, rows, n, n, 4*n)
					case c.name == "quads":
						winoQuadsAVX2(&e[0], rows*n, &y[0], 4*n, rows, n, n)
					case c.name == "in4" && z:
						winoPlaneIn4AVX512(&x[0], 2*n+2, rows, n, &e[0], rows*n)
					case c.name == "in4":
						winoPlaneIn4AVX2(&x[0], 2*n+2, rows, n, &e[0], rows*n)
					case c.name == "pairs" && z:
						winoPairsAVX512(&x[0], &x[rows*n], &y[0], 2*n, rows, n)
					default:
						winoPairsAVX2(&x[0], &x[rows*n], &y[0], 2*n, rows, n)
					}
				}
			})
		}
	}
}

// BenchmarkWino4Elementwise times the AVX2 and AVX-512 forms of F(4×4)'s
// elementwise transforms side by side, on a group's worth of tiles.
func BenchmarkWino4Elementwise(b *testing.B) {
	if !useAVX512 {
		b.Skip("no AVX-512 path here")
	}
	for _, n := range []int{64, 98, 256} {
		a := to32(randVec(1, 6*n, 1))
		v := make([]float32, 6*n)
		for _, c := range []struct {
			name         string
			avx2, avx512 func(a *float32, as int, v *float32, vs, n int)
		}{
			{"in", wino4InAVX2, wino4InAVX512},
			{"out", wino4OutAVX2, wino4OutAVX512},
			{"grad", wino4GradAVX2, wino4GradAVX512},
		} {
			for _, z := range []bool{false, true} {
				f := c.avx2
				if z {
					f = c.avx512
				}
				b.Run(fmt.Sprintf("%s/n=%d/avx512=%v", c.name, n, z), func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						f(&a[0], n, &v[0], n, n)
					}
				})
			}
		}
	}
}

// TestMaxPool2x2AVX512MatchesGo runs 2×2 max pooling with stride 2 by the
// AVX-512 kernels and by the Go loops on planes 2 to 70 wide (odd widths
// and heights too: the last column or row is dropped), with ties, signed
// zeros, and planes holding a NaN or an infinity (which the forward kernel
// hands back to the Go loop): the same maxima, bit for bit, the same
// argmax, and the same input gradient (from ∂y with signed zeros and
// specials, into a dx full of garbage). Inputs and dx end at an unreadable
// page.
func TestMaxPool2x2AVX512MatchesGo(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 path here")
	}
	defer func(v bool) { useAVX512 = v }(useAVX512)
	for w := 2; w <= 70; w++ {
		for _, h := range []int{2, 3, 6} {
			for _, sp := range []struct {
				v  float32
				at int // v0..v3 of a window in the second plane
			}{{0, 0}, {float32(math.NaN()), 0}, {float32(math.NaN()), 1}, {float32(math.NaN()), 2}, {float32(math.NaN()), 3}, {float32(math.Inf(-1)), 3}} {
				special := sp.v
				p := Pool2D{N: 2, C: 1, H: h, W: w, Size: 2, Stride: 2}
				x := guarded(t, p.InSize())
				for i, v := range randVec(uint64(w*10+h), len(x), 1) {
					x[i] = float32(math.Round(v*4) / 4) // ties
					if i%5 == 0 {
						x[i] = float32(math.Copysign(0, v))
					}
				}
				if special != 0 {
					x[h*w+(sp.at/2)*w+2*(w/4)+sp.at%2] = special
				}
				var y [2][]float32
				var arg [2][]int32
				for k, z := range []bool{false, true} {
					useAVX512 = z
					y[k], arg[k] = filled(p.OutSize()), make([]int32, p.OutSize())
					MaxPoolForward(p, x, y[k], arg[k])
				}
				if !sameBits(y[0], y[1]) {
					t.Errorf("%d×%d, special %v: the AVX-512 maxima differ from Go's", h, w, special)
				}
				for i := range arg[0] {
					if arg[0][i] != arg[1][i] {
						t.Errorf("%d×%d, special %v: argmax[%d] = %d, Go %d", h, w, special, i, arg[1][i], arg[0][i])
						break
					}
				}
				dy := guarded(t, p.OutSize())
				copy(dy, specials(to32(randVec(uint64(w), len(dy), 1))))
				var dx [2][]float32
				for k, z := range []bool{false, true} {
					useAVX512 = z
					dx[k] = guarded(t, p.InSize())
					copy(dx[k], filled(len(dx[k])))
					MaxPoolBackward(p, dy, arg[0], dx[k])
				}
				if !sameBits(dx[0], dx[1]) {
					t.Errorf("%d×%d, special %v: the AVX-512 input gradient differs from Go's", h, w, special)
				}
			}
		}
	}
}

// BenchmarkMaxPool2x2 times 2×2 max pooling by the Go loop and by the
// AVX-512 kernel side by side, on CONV-4's and VGG-19's pooled planes at
// batch 128.
func BenchmarkMaxPool2x2(b *testing.B) {
	if !useAVX512 {
		b.Skip("no AVX-512 path here")
	}
	defer func(v bool) { useAVX512 = v }(useAVX512)
	for _, p := range []Pool2D{{128, 64, 28, 28, 2, 2}, {128, 128, 10, 10, 2, 2}, {128, 64, 32, 32, 2, 2}, {128, 512, 4, 4, 2, 2}} {
		x := to32(randVec(1, p.InSize(), 1))
		y, arg := make([]float32, p.OutSize()), make([]int32, p.OutSize())
		for _, z := range []bool{false, true} {
			b.Run(fmt.Sprintf("%dx%dx%d/avx512=%v", p.C, p.H, p.W, z), func(b *testing.B) {
				useAVX512 = z
				for i := 0; i < b.N; i++ {
					MaxPoolForward(p, x, y, arg)
				}
			})
			b.Run(fmt.Sprintf("%dx%dx%d/backward/avx512=%v", p.C, p.H, p.W, z), func(b *testing.B) {
				useAVX512 = z
				for i := 0; i < b.N; i++ {
					MaxPoolBackward(p, y, arg, x)
				}
			})
		}
	}
}
