package kernels

// colPlan holds what im2col and col2im need for one conv shape.
type colPlan struct {
	s ConvShape
	// tab, for small outputs, maps entry k·OH·OW+p of a channel's
	// KH·KW×OH·OW block of columns to its input position within the channel,
	// or −1 for padding. Nil for larger outputs, which use block copies.
	tab []int32
	// perm, for planes and outputs of at most 32 values where the AVX-512
	// path runs, is the table as im2colPermAVX512 and col2imPermAVX512 take
	// it (see permTables); nil otherwise.
	perm *permTables
}

// permTables holds, for each of the KH·KW rows k of a channel's block of
// columns, the table of colPlan as 32-lane register permutations: fwd[32k+p]
// is the input position of output p (0 in the padding) and fwdMask[k] has
// bit p set where it is not padding; inv[32k+o] is the output p whose input
// is o, and invMask[k] has bit o set where there is one.
type permTables struct {
	fwd, inv         []int32
	fwdMask, invMask []uint32
}

// permMax is the most values of a plane, and of an output, that the
// register permutations take (two AVX-512 registers).
const permMax = 32

// newPermTables returns the permutations of tab, a table of kk rows of
// ohw ≤ permMax entries into planes of at most permMax values.
func newPermTables(tab []int32, kk, ohw int) *permTables {
	t := &permTables{fwd: make([]int32, permMax*kk), inv: make([]int32, permMax*kk),
		fwdMask: make([]uint32, kk), invMask: make([]uint32, kk)}
	for k := 0; k < kk; k++ {
		for p, o := range tab[k*ohw : (k+1)*ohw] {
			if o < 0 {
				continue
			}
			t.fwd[permMax*k+p] = o
			t.fwdMask[k] |= 1 << p
			t.inv[permMax*k+int(o)] = int32(p)
			t.invMask[k] |= 1 << o
		}
	}
	return t
}

// tableMaxOW is the widest output that uses the table: narrower rows make
// block copies short, so per-row overhead would dominate.
const tableMaxOW = 7

func newColPlan(s ConvShape) colPlan {
	p := colPlan{s: s}
	oh, ow := s.OutH(), s.OutW()
	if ow > tableMaxOW || s.KH*s.KW*oh*ow > 1<<16 {
		return p
	}
	p.tab = make([]int32, 0, s.KH*s.KW*oh*ow)
	for kh := 0; kh < s.KH; kh++ {
		for kw := 0; kw < s.KW; kw++ {
			for y := 0; y < oh; y++ {
				for x := 0; x < ow; x++ {
					ih, iw := y*s.Stride+kh-s.Pad, x*s.Stride+kw-s.Pad
					o := int32(-1)
					if ih >= 0 && ih < s.H && iw >= 0 && iw < s.W {
						o = int32(ih*s.W + iw)
					}
					p.tab = append(p.tab, o)
				}
			}
		}
	}
	if useAVX512 && s.H*s.W <= permMax && oh*ow <= permMax {
		p.perm = newPermTables(p.tab, s.KH*s.KW, oh*ow)
	}
	return p
}

// im2col writes rows [r0, r1) of the column matrix of one image x
// (C×H×W) into cols, a (C·KH·KW)×(OH·OW) matrix with row stride ld:
// row (c·KH+kh)·KW+kw, column oh·OW+ow holds x[c, oh·S+kh−P, ow·S+kw−P], or 0
// where that falls in the padding.
func (pl *colPlan) im2col(x, cols []float32, ld, r0, r1 int) {
	s := &pl.s
	if pl.tab != nil {
		pl.im2colTable(x, cols, ld, r0, r1)
		return
	}
	oh, ow := s.OutH(), s.OutW()
	kk := s.KH * s.KW
	c, kh, kw := r0/kk, r0%kk/s.KW, r0%s.KW
	for r := r0; r < r1; r, kw = r+1, kw+1 {
		if kw == s.KW {
			kw, kh = 0, kh+1
			if kh == s.KH {
				kh, c = 0, c+1
			}
		}
		xc := x[c*s.H*s.W : (c+1)*s.H*s.W]
		row := cols[r*ld : r*ld+oh*ow]
		ylo, yhi := validRange(kh, s.Pad, s.Stride, s.H, oh)
		lo, hi := validRange(kw, s.Pad, s.Stride, s.W, ow)
		if lo >= hi {
			ylo, yhi = 0, 0
		}
		clear(row[:ylo*ow])
		clear(row[yhi*ow:])
		if yhi <= ylo {
			continue
		}
		if lo > 0 || hi < ow {
			for y := ylo; y < yhi; y++ {
				clear(row[y*ow : y*ow+lo])
				clear(row[y*ow+hi : (y+1)*ow])
			}
		}
		ih, iw := ylo*s.Stride+kh-s.Pad, lo*s.Stride+kw-s.Pad
		if s.Stride == 1 {
			copyRows(row[ylo*ow+lo:], ow, xc[ih*s.W+iw:], s.W, yhi-ylo, hi-lo)
			continue
		}
		for y := ylo; y < yhi; y++ {
			src := xc[(ih+(y-ylo)*s.Stride)*s.W:]
			dst := row[y*ow+lo : y*ow+hi]
			for o, j := 0, iw; o < len(dst); o, j = o+1, j+s.Stride {
				dst[o] = src[j]
			}
		}
	}
}

// col2im is the adjoint of im2col for channels [c0, c1): it adds every
// entry of the column matrix cols (row stride ld) into the input position it
// was copied from. dx (C×H×W, one image) is accumulated into, in a fixed
// order: channel, kernel row, kernel column, output position.
func (pl *colPlan) col2im(cols []float32, ld int, dx []float32, c0, c1 int) {
	s := &pl.s
	if pl.tab != nil {
		pl.col2imTable(cols, ld, dx, c0, c1)
		return
	}
	oh, ow := s.OutH(), s.OutW()
	for c := c0; c < c1; c++ {
		dc := dx[c*s.H*s.W : (c+1)*s.H*s.W]
		for kh := 0; kh < s.KH; kh++ {
			ylo, yhi := validRange(kh, s.Pad, s.Stride, s.H, oh)
			for kw := 0; kw < s.KW; kw++ {
				r := (c*s.KH+kh)*s.KW + kw
				row := cols[r*ld : r*ld+oh*ow]
				lo, hi := validRange(kw, s.Pad, s.Stride, s.W, ow)
				if lo >= hi || ylo >= yhi {
					continue
				}
				ih, iw := ylo*s.Stride+kh-s.Pad, lo*s.Stride+kw-s.Pad
				if s.Stride == 1 {
					addRows(dc[ih*s.W+iw:], s.W, row[ylo*ow+lo:], ow, yhi-ylo, hi-lo)
					continue
				}
				for y := ylo; y < yhi; y++ {
					dst := dc[(ih+(y-ylo)*s.Stride)*s.W:]
					for o, j := lo, iw; o < hi; o, j = o+1, j+s.Stride {
						dst[j] += row[y*ow+o]
					}
				}
			}
		}
	}
}

// im2colTable is im2col for small outputs, by table lookup: the whole
// channels among rows [r0, r1) by register permutations where the AVX-512
// path has them, the rest (or all) by im2colTableRows.
func (pl *colPlan) im2colTable(x, cols []float32, ld, r0, r1 int) {
	if kk := pl.s.KH * pl.s.KW; pl.perm != nil && useAVX512 {
		if c0, c1 := (r0+kk-1)/kk, r1/kk; c1 > c0 {
			pl.im2colTableRows(x, cols, ld, r0, c0*kk)
			pl.im2colPerm(x, cols, ld, c0, c1)
			r0 = c1 * kk
		}
	}
	pl.im2colTableRows(x, cols, ld, r0, r1)
}

// im2colPerm is im2colTable on the whole channels [c0, c1), by
// im2colPermAVX512.
func (pl *colPlan) im2colPerm(x, cols []float32, ld, c0, c1 int) {
	s := &pl.s
	kk, ohw, hw := s.KH*s.KW, s.OutH()*s.OutW(), s.H*s.W
	_ = x[c1*hw-1]                 // the last channel's last input
	_ = cols[((c1*kk)-1)*ld+ohw-1] // its last row's last column
	im2colPermAVX512(&x[c0*hw], hw, &cols[c0*kk*ld], ld, &pl.perm.fwd[0], &pl.perm.fwdMask[0], kk, ohw, c1-c0)
}

// im2colTableRows is im2colTable on rows [r0, r1) in Go.
func (pl *colPlan) im2colTableRows(x, cols []float32, ld, r0, r1 int) {
	s := &pl.s
	kk, ohw, hw := s.KH*s.KW, s.OutH()*s.OutW(), s.H*s.W
	c, k := r0/kk, r0%kk
	for r := r0; r < r1; r, k = r+1, k+1 {
		if k == kk {
			k, c = 0, c+1
		}
		xc := x[c*hw : (c+1)*hw]
		row := cols[r*ld : r*ld+ohw]
		t := pl.tab[k*ohw : (k+1)*ohw]
		for p, o := range t {
			v := float32(0)
			if o >= 0 {
				v = xc[o]
			}
			row[p] = v
		}
	}
}

// col2imTable is col2im for small outputs, by table lookup; it adds in the
// same order as the block version.
func (pl *colPlan) col2imTable(cols []float32, ld int, dx []float32, c0, c1 int) {
	s := &pl.s
	kk, ohw, hw := s.KH*s.KW, s.OutH()*s.OutW(), s.H*s.W
	if pl.perm != nil && useAVX512 && c1 > c0 {
		_ = dx[c1*hw-1]
		_ = cols[(c1*kk-1)*ld+ohw-1]
		col2imPermAVX512(&cols[c0*kk*ld], ld, &dx[c0*hw], hw, &pl.perm.inv[0], &pl.perm.invMask[0], kk, ohw, c1-c0)
		return
	}
	for c := c0; c < c1; c++ {
		dc := dx[c*hw : (c+1)*hw]
		for k := 0; k < kk; k++ {
			row := cols[(c*kk+k)*ld : (c*kk+k)*ld+ohw]
			t := pl.tab[k*ohw : (k+1)*ohw]
			for p, o := range t {
				if o >= 0 {
					dc[o] += row[p]
				}
			}
		}
	}
}

// validRange returns the output indices [lo, hi) whose input index
// o·stride+k−pad lies inside [0, w).
func validRange(k, pad, stride, w, ow int) (lo, hi int) {
	if stride == 1 { // the common case, without divisions
		hi = max(0, min(ow, w+pad-k))
		return min(max(0, pad-k), hi), hi
	}
	if pad > k {
		lo = (pad - k + stride - 1) / stride
	}
	if t := w - 1 + pad - k; t >= 0 {
		hi = min(t/stride+1, ow)
	}
	return min(lo, hi), hi
}

// addTo adds src into dst element by element; len(src) must be ≥ len(dst).
func addTo(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}
