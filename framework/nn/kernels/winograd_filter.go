package kernels

import "github.com/slotlab/slotlab/framework/nn/gemm"

// This file holds the Winograd F(2×2, 3×3) path of BackwardFilter
// (F(4×4)'s is in winograd4_filter.go). Forward
// computes each output tile as y = Aᵀ [U ⊙ V] A with U = G g Gᵀ and
// V = Bᵀ d B (see winograd.go), so the gradient of the filter g is
//
//	∂g = Gᵀ ∂U G,   ∂U(pos) = Σ_tiles ∂M(pos) · V(pos),   ∂M = A ∂y Aᵀ
//
// summed over the images and their tiles: per transform position pos one
// GEMM ∂U(pos) (F×C) += ∂M(pos) (F×T) · V(pos)ᵀ (T×C) per group of images,
// 16 multiplies per tile and channel pair where im2col takes 36. Output
// positions outside the plane (partial tiles) have ∂y = 0.
//
// The transform of ∂y is done with its last row and column not negated
// (winoGrad4): with S = diag(1, 1, 1, −1) the GEMMs give S ∂U S, and the
// filter transform (gradFilters) undoes the signs, which is exact.
//
// Work is split as in ConvPerImage's im2col BackwardFilter: slabs, fixed
// contiguous runs of groups, each accumulate their groups into their own
// ∂U in group order (beta = 0, then 1), and gradFilters sums the slabs in
// slab order before transforming. The order of every sum depends on the
// shape, the group size and the slab count only, never on GOMAXPROCS.

// filterSlab accumulates ∂U of the groups of slab sl of x (the conv's input,
// (N, ci, h, w)) and dy ((N, co, oh, ow)) into d.du's slab sl.
func (d *winoDir) filterSlab(ws, x, dy []float32, sl, n int) {
	np := d.positions()
	du := d.du[sl*np*d.co*d.ci : (sl+1)*np*d.co*d.ci]
	g0, g1 := sl*d.groups/d.slabs, (sl+1)*d.groups/d.slabs
	tiles := d.th * d.tw
	for g := g0; g < g1; g++ {
		n0 := g * d.group
		cnt := min(d.group, n-n0)
		t := cnt * tiles
		v := ws[:np*d.ci*t]
		m := ws[np*d.ci*t : np*(d.ci+d.co)*t]
		rest := ws[np*(d.ci+d.co)*t:]
		if d.f4 { // V's row transforms take 36·t of rest, ∂y's 24·t
			d.inputs(v, rest[:36*t], rest[40*t:], x, n0, cnt)
			d.outputGrads4(m, rest[:24*t], dy, n0, cnt)
		} else {
			e, pl := rest[:16*t], rest[16*t:]
			d.inputs(v, e, pl, x, n0, cnt)
			d.outputGrads(m, e[:8*t], dy, n0, cnt)
		}
		beta := float32(1)
		if g == g0 {
			beta = 0
		}
		for pos := 0; pos < np; pos++ {
			gemm.Sgemm(false, true, d.co, d.ci, t, 1, m[pos*d.co*t:], t,
				v[pos*d.ci*t:], t, beta, du[pos*d.co*d.ci:], d.ci)
		}
	}
}

// outputGrads writes S ∂M S, ∂M = A ∂y Aᵀ, of images [n0, n0+cnt) of dy to
// m, position pos of channel o at m[(pos·co+o)·t:]; e (8·t) is scratch.
//
//	A = | 1  0 |
//	    | 1  1 |
//	    | 1 −1 |
//	    | 0 −1 |
func (d *winoDir) outputGrads(m, e, dy []float32, n0, cnt int) {
	tiles := d.th * d.tw
	t := cnt * tiles
	out := d.co * d.oh * d.ow
	row := func(b []float32, k int) []float32 { return b[k*t : (k+1)*t] }
	for o := 0; o < d.co; o++ {
		for i := 0; i < cnt; i++ {
			y := dy[(n0+i)*out+o*d.oh*d.ow : (n0+i)*out+(o+1)*d.oh*d.ow]
			d.rowsGrad(y, e, t, i*tiles)
		}
		for j := 0; j < 4; j++ { // columns: ∂M[i][j] = Σ_a A[i][a] e[a][j]
			mp := func(i int) []float32 { return m[((4*i+j)*d.co+o)*t : ((4*i+j)*d.co+o+1)*t] }
			winoGrad4(row(e, j), row(e, 4+j), mp(0), mp(1), mp(2), mp(3))
		}
	}
}

// rowsGrad writes the row transforms e[a][j] = Σ_b ∂y[a][b] A[j][b] (the
// last not negated) of every tile (r, q) of one oh×ow plane y, where
// ∂y[a][b] = y[2r+a][2q+b] or 0 outside the plane, to
// e[(4a+j)·t + off + r·tw + q].
func (d *winoDir) rowsGrad(y, e []float32, t, off int) {
	tw, full := d.tw, d.ow/2
	for r := 0; r < d.th; r++ {
		at := off + r*tw
		for a := 0; a < 2; a++ {
			e0, e1, e2, e3 := e[4*a*t+at:], e[(4*a+1)*t+at:], e[(4*a+2)*t+at:], e[(4*a+3)*t+at:]
			e0, e1, e2, e3 = e0[:tw], e1[:tw], e2[:tw], e3[:tw]
			if 2*r+a >= d.oh {
				clear(e0)
				clear(e1)
				clear(e2)
				clear(e3)
				continue
			}
			yr := y[(2*r+a)*d.ow : (2*r+a+1)*d.ow]
			winoRowGrad4(yr, e0[:full], e1[:full], e2[:full], e3[:full])
			if full < tw { // odd ow: the last tile's second column is 0
				var q float32
				p := yr[d.ow-1]
				e0[full], e1[full], e2[full], e3[full] = p, p+q, p-q, q
			}
		}
	}
}

// gradFilters writes ∂w of output channels [lo, hi) to dw ((co, ci, 3, 3)):
// the slabs' S ∂U S summed in slab order, then Gᵀ ∂U G with the signs of
// row and column 3 undone. With assembly, blocks of eight input channels go
// through winoGradFiltersAVX2, with the same operations in the same order.
func (d *winoDir) gradFilters(dw []float32, lo, hi int) {
	if d.f4 {
		d.gradFilters4(dw, lo, hi)
		return
	}
	plane := d.co * d.ci
	slab := 16 * plane
	var u [16]float32
	var h [12]float32
	blocks := 0
	if useAsm {
		blocks = d.ci / 8
	}
	_ = d.du[(d.slabs-1)*slab+16*plane-1]
	_ = dw[plane*9-1]
	for o := lo; o < hi; o++ {
		if blocks > 0 {
			winoGradFiltersAVX2(&d.du[o*d.ci], plane, slab, d.slabs, &dw[o*d.ci*9], blocks)
		}
		for i := 8 * blocks; i < d.ci; i++ {
			at := o*d.ci + i
			d.sumSlabs(u[:], at)
			for k := 0; k < 4; k++ { // h = S∂U S G (row k), 4×3
				u0, u1, u2, u3 := u[4*k], u[4*k+1], u[4*k+2], u[4*k+3]
				h[3*k] = u0 + 0.5*(u1+u2)
				h[3*k+1] = 0.5 * (u1 - u2)
				h[3*k+2] = 0.5*(u1+u2) - u3
			}
			g := dw[at*9 : at*9+9]
			for l := 0; l < 3; l++ { // ∂g = Gᵀ S h
				h0, h1, h2, h3 := h[l], h[3+l], h[6+l], h[9+l]
				g[l] = h0 + 0.5*(h1+h2)
				g[3+l] = 0.5 * (h1 - h2)
				g[6+l] = 0.5*(h1+h2) - h3
			}
		}
	}
}

// winoRowGrad4 is winoGrad4 on the two columns of a row of tiles: for tile
// q < len(v0), with a_b = y[2q+b], v0 = a0, v1 = a0+a1, v2 = a0−a1,
// v3 = a1. y has at least 2·len(v0) elements.
func winoRowGrad4(y, v0, v1, v2, v3 []float32) {
	n := len(v0)
	y = y[:2*n]
	v1, v2, v3 = v1[:n], v2[:n], v3[:n]
	if useAsm && n > 0 {
		winoRowGrad4AVX2(&y[0], n, &v0[0], &v1[0], &v2[0], &v3[0])
		return
	}
	for q := range v0 {
		p, r := y[2*q], y[2*q+1]
		v0[q], v1[q], v2[q], v3[q] = p, p+r, p-r, r
	}
}

// winoGrad4 is ∂y's transform A applied elementwise to rows a0, a1, the
// last output not negated: v0 = a0, v1 = a0+a1, v2 = a0−a1, v3 = a1. All
// have one length.
func winoGrad4(a0, a1, v0, v1, v2, v3 []float32) {
	n := len(a0)
	a1 = a1[:n]
	v0, v1, v2, v3 = v0[:n], v1[:n], v2[:n], v3[:n]
	if useAsm && n > 0 {
		winoGrad4AVX2(&a0[0], &a1[0], &v0[0], &v1[0], &v2[0], &v3[0], n)
		return
	}
	for i := range a0 {
		p, q := a0[i], a1[i]
		v0[i], v1[i], v2[i], v3[i] = p, p+q, p-q, q
	}
}

// sumSlabs sets u[p], for every position p < len(u), to the slabs' ∂U of
// filter at (o·ci + i), summed in slab order.
func (d *winoDir) sumSlabs(u []float32, at int) {
	plane := d.co * d.ci
	slab := len(u) * plane
	for p := range u {
		s := d.du[p*plane+at]
		for sl := 1; sl < d.slabs; sl++ {
			s += d.du[sl*slab+p*plane+at]
		}
		u[p] = s
	}
}
