//go:build amd64 && !purego

package kernels

import (
	"fmt"
	"math"
	"testing"
)

// withAsm runs f with useAsm set to on, restoring it after.
func withAsm(on bool, f func()) {
	defer func(v bool) { useAsm = v }(useAsm)
	useAsm = on
	f()
}

// specials puts values that expose a change in the order of operations
// (large and small magnitudes, signed zeros, subnormals) among v.
func specials(v []float32) []float32 {
	s := []float32{0, float32(math.Copysign(0, -1)), 1e30, -1e30, 1e-40, -3e-39, 16777217, 1.5e-7}
	for i := 0; i < len(v); i += 7 {
		v[i] = s[(i/7)%len(s)]
	}
	return v
}

// The filter transform of wino_amd64.s (eight filters per step, read
// by gathers, forward and rotated) gives the Go code's bits for every
// channel count, including the remainders it leaves to Go.
func TestWinoFiltersAsmMatchesGo(t *testing.T) {
	if !useAsm {
		t.Skip("no AVX2 here")
	}
	for _, ci := range []int{1, 7, 8, 9, 16, 23, 64, 67} {
		for _, co := range []int{1, 3, 8, 13} {
			for _, rot := range []bool{false, true} {
				name := fmt.Sprintf("ci=%d/co=%d/rot=%v", ci, co, rot)
				w := specials(to32(randVec(uint64(ci*100+co), ci*co*9, 3)))
				var got, want []float32
				for _, asm := range []bool{true, false} {
					d := &winoDir{ci: ci, co: co, rot: rot, u: make([]float32, 16*ci*co)}
					for i := range d.u {
						d.u[i] = float32(math.NaN())
					}
					withAsm(asm, func() {
						// Two ranges of output channels, as two workers would split them.
						d.filters(w, 0, co/2)
						d.filters(w, co/2, co)
					})
					if asm {
						got = d.u
					} else {
						want = d.u
					}
				}
				if !sameBits(got, want) {
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s: u[%d] = %v, Go gives %v", name, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// The output scatter's interleaving kernel writes what the Go loop writes,
// and nothing outside the plane, for even widths of every size the 8-, 4-,
// 2- and 1-wide steps meet, and odd heights.
func TestWinoScatterAsmMatchesGo(t *testing.T) {
	if !useAsm {
		t.Skip("no AVX2 here")
	}
	for _, oh := range []int{1, 2, 3, 4, 7, 8, 16} {
		for _, ow := range []int{2, 4, 6, 8, 10, 14, 16, 18, 30, 32, 5, 7} {
			d := &winoDir{oh: oh, ow: ow, th: (oh + 1) / 2, tw: (ow + 1) / 2}
			tiles := d.th * d.tw
			cnt := 3
			tt := cnt * tiles
			res := to32(randVec(uint64(oh*64+ow), 4*tt, 1))
			var got, want []float32
			for _, asm := range []bool{true, false} {
				y := make([]float32, cnt*oh*ow+5)
				for i := range y {
					y[i] = -7
				}
				withAsm(asm, func() {
					for i := 0; i < cnt; i++ {
						d.scatter(res, tt, i*tiles, y[i*oh*ow:(i+1)*oh*ow])
					}
				})
				if asm {
					got = y
				} else {
					want = y
				}
			}
			if !sameBits(got, want) {
				t.Fatalf("oh=%d ow=%d: scatter differs from Go:\n%v\n%v", oh, ow, got, want)
			}
			for _, v := range want[cnt*oh*ow:] {
				if v != -7 {
					t.Fatalf("oh=%d ow=%d: wrote past the planes", oh, ow)
				}
			}
		}
	}
}

// Batch norm's assembly (the two elementwise loops and the float64 sums
// of four planes at once) gives the Go loops' bits, forward and backward,
// with and without the fused ReLU, for plane sizes that use the 16-, 8-
// and 1-wide steps and leave each tail, and batches with and without a
// remainder of images.
func TestBatchNormAsmMatchesGo(t *testing.T) {
	if !useAsm {
		t.Skip("no AVX2 here")
	}
	for _, relu := range []bool{false, true} {
		for _, hw := range []int{1, 2, 3, 4, 5, 8, 15, 16, 17, 25, 33, 64} {
			for _, n := range []int{2, 4, 9} {
				testBatchNormAsm(t, n, 5, hw, relu)
			}
		}
		// enough values for several workers, each with its own buffer of
		// partial sums (elemChunks)
		testBatchNormAsm(t, 16, 64, 64, relu)
	}
}

func testBatchNormAsm(t *testing.T, n, c, hw int, relu bool) {
	x := specials(to32(randVec(uint64(hw+100*n), n*c*hw, 2)))
	dy := specials(to32(randVec(uint64(hw+100*n+1000), n*c*hw, 1)))
	constantChannel(x, n, c, hw, 1) // x̂ = 0 exactly: the ReLU's edge
	// Channel 2 without the specials' huge values, which would hide a
	// change in the order of the sums.
	for i := 0; i < n; i++ {
		for k, v := range randVec(uint64(7*n+hw), hw, 1) {
			x[(i*c+2)*hw+k] = float32(v) + 3
		}
	}
	var outs [2][5][]float32
	for k, asm := range []bool{true, false} {
		b := NewBatchNorm(n, c, hw)
		b.ReLU = relu
		y, dx, ye := make([]float32, len(x)), make([]float32, len(x)), make([]float32, len(x))
		withAsm(asm, func() {
			b.ForwardTrain(x, y)
			b.Backward(dy, dx)
			b.ForwardEval(x, ye)
		})
		outs[k] = [5][]float32{y, dx, ye, b.RunMean, b.RunVar}
	}
	for j, name := range []string{"forward", "backward", "eval", "running mean", "running var"} {
		if !sameBits(outs[0][j], outs[1][j]) {
			t.Fatalf("n=%d hw=%d relu=%v: %s differs from Go", n, hw, relu, name)
		}
	}
}

// The input rows' transform over a whole plane in one call gives the
// per-row Go code's bits, for planes with and without padding, odd and even
// sides, and widths that use each of the 8-, 4- and 1-wide steps.
func TestWinoRowsInAsmMatchesGo(t *testing.T) {
	if !useAsm {
		t.Skip("no AVX2 here")
	}
	for _, pad := range []int{0, 1, 2} {
		for _, h := range []int{3, 4, 5, 8, 9, 16, 32} {
			for _, w := range []int{3, 4, 6, 7, 8, 13, 16, 30, 32, 40} {
				if h+2*pad < 3 || w+2*pad < 3 {
					continue
				}
				d := newWinoDir(2, 1, 1, h, w, pad, false, 0)
				tiles := d.th * d.tw
				tt := 3 * tiles
				x := specials(to32(randVec(uint64(h*100+w+pad), h*w, 1)))
				var got, want []float32
				for _, asm := range []bool{true, false} {
					e := make([]float32, 16*tt)
					for i := range e {
						e[i] = float32(math.NaN())
					}
					pl := make([]float32, (2*d.th+2)*(2*d.tw+2))
					withAsm(asm, func() { d.rowsIn(x, e, tt, tiles, pl) }) // the second of three images
					if asm {
						got = e
					} else {
						want = e
					}
				}
				if !sameBits(got, want) {
					t.Fatalf("h=%d w=%d pad=%d: rowsIn differs from Go", h, w, pad)
				}
			}
		}
	}
}

// The filter gradient's back transform in assembly (eight filters a step,
// the slabs summed in order) gives the Go code's bits, remainders included.
func TestWinoGradFiltersAsmMatchesGo(t *testing.T) {
	if !useAsm {
		t.Skip("no AVX2 here")
	}
	for _, ci := range []int{1, 8, 9, 16, 31, 64} {
		for _, co := range []int{1, 4, 7} {
			for _, slabs := range []int{1, 2, 3, 4} {
				plane := ci * co
				du := specials(to32(randVec(uint64(ci*1000+co*10+slabs), slabs*16*plane, 2)))
				var got, want []float32
				for _, asm := range []bool{true, false} {
					d := &winoDir{ci: ci, co: co, slabs: slabs, du: du}
					dw := make([]float32, 9*plane)
					for i := range dw {
						dw[i] = float32(math.NaN())
					}
					withAsm(asm, func() {
						d.gradFilters(dw, 0, co/2)
						d.gradFilters(dw, co/2, co)
					})
					if asm {
						got = dw
					} else {
						want = dw
					}
				}
				if !sameBits(got, want) {
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("ci=%d co=%d slabs=%d: dw[%d] = %v, Go gives %v", ci, co, slabs, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}
