package kernels

import (
	"github.com/slotlab/slotlab/framework/nn/gemm"
)

// This file holds Winograd F(4×4, 3×3) (Lavin & Gray 2016, interpolation
// points 0, ±1, ±2, ∞), used by Forward and BackwardData (BackwardFilter's
// is in winograd4_filter.go) where ConvWinograd4 or ConvAlgoAuto4 ask for
// it. Each 4×4 block of outputs comes from a 6×6 block of input with 36
// products per tile and channel pair, where F(2×2, 3×3) takes 64 for the
// same 16 outputs and direct convolution 144:
//
//	Bᵀ = | 4  0 −5  0  1  0 |   G = |  1/4    0     0   |   Aᵀ = | 1  1  1  1  1  0 |
//	     | 0 −4 −4  1  1  0 |       | −1/6  −1/6  −1/6  |        | 0  1 −1  2 −2  0 |
//	     | 0  4 −4 −1  1  0 |       | −1/6   1/6  −1/6  |        | 0  1  1  4  4  0 |
//	     | 0 −2 −1  2  1  0 |       | 1/24  1/12   1/6  |        | 0  1 −1  8 −8  1 |
//	     | 0  2 −1 −2  1  0 |       | 1/24 −1/12   1/6  |
//	     | 0  4  0 −5  0  1 |       |   0     0     1   |
//
// Its larger coefficients cost accuracy: against a float64 convolution its
// forward error is about 10× F(2×2)'s (TestWinograd4AgainstReference
// bounds it), so it is a choice a run records, not a silent default.
//
// The transforms are written once as operations on vectors of tiles
// (winoB6, winoA4, winoG6 below); the assembly does the same operations in
// the same order, without fused multiply-adds, so that both give the same
// bits, as the F(2×2) path does.

// The constants of G; 1/4 is exact.
const (
	c6n = float32(-1.0 / 6)
	c6  = float32(1.0 / 6)
	c12 = float32(1.0 / 12)
	c24 = float32(1.0 / 24)
)

// winoG6 returns G·(g0, g1, g2)ᵀ in the fixed order of operations of the
// filter transform.
func winoG6(g0, g1, g2 float32) [6]float32 {
	return [6]float32{
		g0 * 0.25,
		((g0 + g1) + g2) * c6n,
		((g0 - g1) + g2) * c6n,
		(float32(g0*c24) + float32(g1*c12)) + float32(g2*c6),
		(float32(g0*c24) - float32(g1*c12)) + float32(g2*c6),
		g2,
	}
}

// winoB6 returns Bᵀ·(d0, …, d5)ᵀ in the fixed order of operations of the
// input transform. The multiplications by 2 and 4 are exact; those by 5
// are rounded before they are added (float32 forbids a fused multiply-add).
func winoB6(d0, d1, d2, d3, d4, d5 float32) [6]float32 {
	return [6]float32{
		(float32(4*d0) - float32(5*d2)) + d4,
		(d3 + d4) - 4*(d1+d2),
		(d4 - d3) + 4*(d1-d2),
		(d4 - d2) + 2*(d3-d1),
		(d4 - d2) - 2*(d3-d1),
		(float32(4*d1) - float32(5*d3)) + d5,
	}
}

// winoA4 returns Aᵀ·(m0, …, m5)ᵀ in the fixed order of operations of the
// output transform; the multiplications by 2, 4 and 8 are exact.
func winoA4(m0, m1, m2, m3, m4, m5 float32) [4]float32 {
	return [4]float32{
		(m0 + (m1 + m2)) + (m3 + m4),
		(m1 - m2) + 2*(m3-m4),
		(m1 + m2) + 4*(m3+m4),
		((m1 - m2) + 8*(m3-m4)) + m5,
	}
}

// filterU4 writes U = G g Gᵀ of one filter g to u[pos·plane + at], pos < 36.
func filterU4(g *[9]float32, u []float32, plane, at int) {
	var h [3][6]float32 // h = g Gᵀ: row k is G applied to row k of g
	for k := range h {
		h[k] = winoG6(g[3*k], g[3*k+1], g[3*k+2])
	}
	for j := 0; j < 6; j++ { // U = G h, column j
		col := winoG6(h[0][j], h[1][j], h[2][j])
		for i, v := range col {
			u[(6*i+j)*plane+at] = v
		}
	}
}

// runGroup4 is runGroup for F(4×4): the outputs of images [n0, n0+cnt).
// The workspace holds V (36·ci rows of t), M (36·co rows), then 40 rows:
// the row transforms of one input channel (36 rows), later the output
// transform's column sums (24 rows) and results (16 rows).
func (d *winoDir) runGroup4(ws, src, dst []float32, n0, cnt int) {
	tiles := d.th * d.tw
	t := cnt * tiles
	out := d.co * d.oh * d.ow
	v := ws[:36*d.ci*t]
	m := ws[36*d.ci*t : 36*(d.ci+d.co)*t]
	rest := ws[36*(d.ci+d.co)*t:]
	e, pl := rest[:36*t], rest[40*t:]
	d.inputs(v, e, pl, src, n0, cnt)
	for pos := 0; pos < 36; pos++ {
		gemm.Sgemm(false, false, d.co, t, d.ci, 1, d.u[pos*d.co*d.ci:], d.ci,
			v[pos*d.ci*t:], t, 0, m[pos*d.co*t:], t)
	}
	sums, res := rest[:24*t], rest[24*t:40*t]
	for o := 0; o < d.co; o++ {
		// columns: s[a][j] = Σ_i Aᵀ[a][i] M[i][j], rows 6a+j of sums
		for j := 0; j < 6; j++ {
			wino4Out(m[(j*d.co+o)*t:], 6*d.co*t, sums[j*t:], 6*t, t)
		}
		// rows: y[a][b] = Σ_j s[a][j] Aᵀ[b][j], rows 4a+b of res
		for a := 0; a < 4; a++ {
			wino4Out(sums[6*a*t:], t, res[4*a*t:], t, t)
		}
		for i := 0; i < cnt; i++ {
			y := dst[(n0+i)*out+o*d.oh*d.ow : (n0+i)*out+(o+1)*d.oh*d.ow]
			d.scatter4(res, t, i*tiles, y)
		}
	}
}

// rowsIn4 writes the row transforms e[6k+j] = Σ_l d[k][l] Bᵀ[j][l] of every
// tile (r, q) of one input plane x (h×w), where d[k][l] =
// x[4r+k−pad][4q+l−pad] or 0 in the padding, to e[(6k+j)·t + off + r·tw + q].
// pl is scratch for a zero-padded copy of the plane, used where tiles reach
// outside it.
func (d *winoDir) rowsIn4(x, e []float32, t, off int, pl []float32) {
	ph, pw := 4*d.th+2, 4*d.tw+2
	src, ld := x, d.w
	if d.pad > 0 || ph > d.h || pw > d.w {
		pl = pl[:ph*pw]
		clear(pl)
		copyRows(pl[d.pad*pw+d.pad:], pw, x, d.w, d.h, d.w)
		src, ld = pl, pw
	}
	tw := d.tw
	if wino4Asm {
		_ = src[(ph-1)*ld+pw-1] // the last row of the last tiles
		_ = e[35*t+off+d.th*tw-1]
		if useAVX512 && tw%8 != 0 { // a partial group of tiles
			winoPlaneIn6AVX512(&src[0], ld, d.th, tw, &e[off], t)
		} else {
			winoPlaneIn6AVX2(&src[0], ld, d.th, tw, &e[off], t)
		}
		return
	}
	for r := 0; r < d.th; r++ {
		at := off + r*tw
		for k := 0; k < 6; k++ {
			wino4RowIn(src[(4*r+k)*ld:(4*r+k)*ld+pw], e[6*k*t+at:], t, tw)
		}
	}
}

// wino4RowIn is Bᵀ on the six columns of a row of n tiles: for tile q, with
// a_l = x[4q+l], e[j·t + q] = (Bᵀ a)[j]. x has at least 4n+2 elements.
func wino4RowIn(x, e []float32, t, n int) {
	x = x[:4*n+2]
	_ = e[5*t+n-1]
	for q := 0; q < n; q++ {
		a := x[4*q : 4*q+6]
		r := winoB6(a[0], a[1], a[2], a[3], a[4], a[5])
		for j, v := range r {
			e[j*t+q] = v
		}
	}
}

// wino4In applies Bᵀ elementwise: for i < n, with a_k = a[k·as + i], k < 6,
// v[j·vs + i] = (Bᵀ a)[j]. Rows must not overlap.
func wino4In(a []float32, as int, v []float32, vs, n int) {
	_ = a[5*as+n-1]
	_ = v[5*vs+n-1]
	if wino4Asm && n > 0 {
		if useAVX512 {
			wino4InAVX512(&a[0], as, &v[0], vs, n)
		} else {
			wino4InAVX2(&a[0], as, &v[0], vs, n)
		}
		return
	}
	for i := 0; i < n; i++ {
		r := winoB6(a[i], a[as+i], a[2*as+i], a[3*as+i], a[4*as+i], a[5*as+i])
		for j, x := range r {
			v[j*vs+i] = x
		}
	}
}

// wino4Out applies Aᵀ elementwise: for i < n, with m_k = m[k·ms + i],
// k < 6, s[a·ss + i] = (Aᵀ m)[a], a < 4. Rows must not overlap.
func wino4Out(m []float32, ms int, s []float32, ss, n int) {
	_ = m[5*ms+n-1]
	_ = s[3*ss+n-1]
	if wino4Asm && n > 0 {
		if useAVX512 {
			wino4OutAVX512(&m[0], ms, &s[0], ss, n)
		} else {
			wino4OutAVX2(&m[0], ms, &s[0], ss, n)
		}
		return
	}
	for i := 0; i < n; i++ {
		r := winoA4(m[i], m[ms+i], m[2*ms+i], m[3*ms+i], m[4*ms+i], m[5*ms+i])
		for a, x := range r {
			s[a*ss+i] = x
		}
	}
}

// scatter4 writes the outputs res[4a+b][off + r·tw + q] of one plane to
// y[4r+a][4q+b], dropping those outside the oh×ow plane. With AVX2 the
// whole tiles of each row go through winoQuadsAVX2 and a partial last one
// (ow not a multiple of 4) through the Go loop; with AVX-512 all of them
// go through winoQuadsAVX512.
func (d *winoDir) scatter4(res []float32, t, off int, y []float32) {
	tw := d.tw
	q0 := 0 // the first tile of each row left to the Go loop
	switch {
	case wino4Asm && useAVX512:
		q0 = tw // partial tiles too, by masked stores
	case wino4Asm:
		q0 = d.ow / 4
	}
	for a := 0; a < 4; a++ {
		rows := (d.oh - a + 3) / 4 // output rows 4r+a inside the plane
		if rows <= 0 {
			continue
		}
		r0 := res[4*a*t+off:]
		if q0 > 0 {
			_ = r0[3*t+(rows-1)*tw+q0-1]
			_ = y[(4*(rows-1)+a)*d.ow+min(4*q0, d.ow)-1]
			if q0 == tw && useAVX512 {
				winoQuadsAVX512(&r0[0], t, &y[a*d.ow], 4*d.ow, rows, tw, tw, d.ow)
			} else {
				winoQuadsAVX2(&r0[0], t, &y[a*d.ow], 4*d.ow, rows, q0, tw)
			}
		}
		for r := 0; r < rows; r++ {
			yr := y[(4*r+a)*d.ow : (4*r+a+1)*d.ow]
			for q := q0; q < tw; q++ {
				for b := 0; b < 4 && 4*q+b < len(yr); b++ {
					yr[4*q+b] = r0[b*t+r*tw+q]
				}
			}
		}
	}
}

// wino4Auto reports whether ConvAlgoAuto4 uses F(4×4) for a pass from ci
// to co channels with oh×ow outputs (for BackwardFilter: the conv's
// forward ci, co and outputs, whose tiles it sums over).
//
// BenchmarkWinograd at batch 128 (docs/perf/winograd-f4.txt and
// winograd-f4-filter.txt) measured F(4×4) 1.1–1.6× faster than F(2×2) in
// every pass on VGG-19's convs of 32×32, 16×16 and 8×8 outputs, and on
// CONV-4's 64- and 128-channel passes whose outputs are 28×28, 30×30,
// 12×12 and 14×14, where its 4×4 tiles cover at most 35% more than the
// plane. It was slower where they cover more (10×10 outputs: 12×12 of
// tiles, 0.78–0.83×), on 4×4 and 2×2 planes (one tile per image or less:
// its 36 transforms per channel pair cost more than the products save,
// 0.4–1.0×), and on 5×5 (CONV-6's padded convs, 0.87–1.0×). Those keep
// ConvAlgoAuto's choice.
func wino4Auto(ci, co, oh, ow int) bool {
	if ci < 64 || co < 64 || oh < 8 || ow < 8 {
		return false
	}
	th, tw := (oh+3)/4, (ow+3)/4
	return 100*16*th*tw <= 135*oh*ow
}

// wino4Asm reports whether F(4×4)'s transforms run in assembly: where the
// AVX2 helpers run (useAsm). Tests turn it off to compare the assembly
// with the Go code, pass by pass, bit for bit.
var wino4Asm = useAsm

// ConvPasses names the algorithm each pass of a Conv for s with algorithm
// a uses: "im2col", "F(2×2)", "F(4×4)" or, for the transform-GEMM path of
// small planes (all three passes), "F(m×m) GEMM" for Forward, BackwardData
// and BackwardFilter (what slotlab describe prints). s.N does not matter.
func ConvPasses(s ConvShape, a ConvAlgo) (forward, data, filter string) {
	s.N = 1
	c := NewConvWith(s, ConvOptions{Algo: a})
	if c.wg != nil {
		n := c.wg.name()
		return n, n, n
	}
	name := func(d *winoDir) string {
		switch {
		case d == nil:
			return "im2col"
		case d.f4:
			return "F(4×4)"
		}
		return "F(2×2)"
	}
	return name(c.winoFwd), name(c.winoData), name(c.winoFilt)
}
