package kernels

// This file holds the F(4×4, 3×3) path of BackwardFilter, the F(2×2)
// one of winograd_filter.go with 6×6 tiles:
//
//	∂g = Gᵀ ∂U G,   ∂U(pos) = Σ_tiles ∂M(pos) · V(pos),   ∂M = A ∂y Aᵀ
//
// with A = (Aᵀ)ᵀ of winograd4.go (6×4) and 36 GEMMs per group; V is the
// forward pass's input transform (inputs). Slabs and the order of every
// sum are as in F(2×2).

// winoGrad6 returns A·(p0, p1, p2, p3)ᵀ, ∂y's transform, in its fixed order
// of operations; the multiplications by 2 and 4 are exact.
func winoGrad6(p0, p1, p2, p3 float32) [6]float32 {
	s02, s13 := p0+p2, p1+p3
	t02, t13 := p0+4*p2, p1+4*p3
	return [6]float32{p0, s02 + s13, s02 - s13, t02 + 2*t13, t02 - 2*t13, p3}
}

// winoGt3 returns Gᵀ·(u0, …, u5)ᵀ, the filter gradient's transform, in its
// fixed order of operations (products rounded before they are added).
func winoGt3(u0, u1, u2, u3, u4, u5 float32) [3]float32 {
	a, b := u1+u2, u3+u4
	c, d := u1-u2, u3-u4
	ta := float32(a * c6n)
	return [3]float32{
		(float32(u0*0.25) + ta) + float32(b*c24),
		float32(c*c6n) + float32(d*c12),
		(ta + float32(b*c6)) + u5,
	}
}

// outputGrads4 writes ∂M = A ∂y Aᵀ of images [n0, n0+cnt) of dy to m,
// position pos of channel o at m[(pos·co+o)·t:]; e (24·t) is scratch.
func (d *winoDir) outputGrads4(m, e, dy []float32, n0, cnt int) {
	tiles := d.th * d.tw
	t := cnt * tiles
	out := d.co * d.oh * d.ow
	for o := 0; o < d.co; o++ {
		for i := 0; i < cnt; i++ {
			y := dy[(n0+i)*out+o*d.oh*d.ow : (n0+i)*out+(o+1)*d.oh*d.ow]
			d.rowsGrad4(y, e, t, i*tiles)
		}
		for j := 0; j < 6; j++ { // columns: ∂M[i][j] = Σ_a A[i][a] e[a][j]
			wino4Grad(e[j*t:], 6*t, m[(j*d.co+o)*t:], 6*d.co*t, t)
		}
	}
}

// rowsGrad4 writes the row transforms e[a][j] = Σ_b ∂y[a][b] A[j][b] of
// every tile (r, q) of one oh×ow plane y, where ∂y[a][b] = y[4r+a][4q+b] or
// 0 outside the plane, to e[(6a+j)·t + off + r·tw + q]. With assembly the
// whole tiles of the whole tile rows go through winoPlaneGrad6AVX2, the
// rest through the Go loop.
func (d *winoDir) rowsGrad4(y, e []float32, t, off int) {
	tw := d.tw
	rows, full := 0, 0 // tile rows and columns done by the assembly
	if wino4Asm {
		rows, full = d.oh/4, d.ow/4
		if rows > 0 && full > 0 {
			_ = y[(4*rows-1)*d.ow+4*full-1]
			_ = e[23*t+off+(rows-1)*tw+full-1]
			winoPlaneGrad6AVX2(&y[0], d.ow, rows, full, tw, &e[off], t)
		}
	}
	var p [4]float32
	for r := 0; r < d.th; r++ {
		q0 := 0
		if r < rows {
			q0 = full
		}
		for a := 0; a < 4; a++ {
			at := 6*a*t + off + r*tw
			if 4*r+a >= d.oh {
				for j := 0; j < 6; j++ {
					clear(e[at+j*t : at+j*t+tw])
				}
				continue
			}
			yr := y[(4*r+a)*d.ow : (4*r+a+1)*d.ow]
			for q := q0; q < tw; q++ {
				for b := range p {
					p[b] = 0
					if 4*q+b < d.ow {
						p[b] = yr[4*q+b]
					}
				}
				w := winoGrad6(p[0], p[1], p[2], p[3])
				for j, v := range w {
					e[at+j*t+q] = v
				}
			}
		}
	}
}

// wino4Grad applies A elementwise: for i < n, with p_a = a[a·as + i], a < 4,
// v[j·vs + i] = (A p)[j], j < 6. Rows must not overlap.
func wino4Grad(a []float32, as int, v []float32, vs, n int) {
	_ = a[3*as+n-1]
	_ = v[5*vs+n-1]
	if wino4Asm && n > 0 {
		if useAVX512 {
			wino4GradAVX512(&a[0], as, &v[0], vs, n)
		} else {
			wino4GradAVX2(&a[0], as, &v[0], vs, n)
		}
		return
	}
	for i := 0; i < n; i++ {
		r := winoGrad6(a[i], a[as+i], a[2*as+i], a[3*as+i])
		for j, x := range r {
			v[j*vs+i] = x
		}
	}
}

// gradFilters4 is gradFilters for F(4×4): ∂w of output channels [lo, hi)
// from the slabs' ∂U summed in slab order, then Gᵀ ∂U G. With assembly,
// blocks of eight input channels go through wino4GradFiltersAVX2, with the
// same operations in the same order.
func (d *winoDir) gradFilters4(dw []float32, lo, hi int) {
	plane := d.co * d.ci
	slab := 36 * plane
	var u [36]float32
	var h [6][3]float32
	blocks := 0
	if wino4Asm {
		blocks = d.ci / 8
	}
	_ = d.du[(d.slabs-1)*slab+36*plane-1]
	_ = dw[plane*9-1]
	for o := lo; o < hi; o++ {
		if blocks > 0 {
			wino4GradFiltersAVX2(&d.du[o*d.ci], plane, slab, d.slabs, &dw[o*d.ci*9], blocks)
		}
		for i := 8 * blocks; i < d.ci; i++ {
			at := o*d.ci + i
			d.sumSlabs(u[:], at)
			for k := range h { // h = ∂U G, row k
				h[k] = winoGt3(u[6*k], u[6*k+1], u[6*k+2], u[6*k+3], u[6*k+4], u[6*k+5])
			}
			g := dw[at*9 : at*9+9]
			for l := 0; l < 3; l++ { // ∂g = Gᵀ h, column l
				c := winoGt3(h[0][l], h[1][l], h[2][l], h[3][l], h[4][l], h[5][l])
				g[l], g[3+l], g[6+l] = c[0], c[1], c[2]
			}
		}
	}
}
