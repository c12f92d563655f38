package gemm

// macroAVX512 is macro for the AVX-512F kernels. It multiplies an mb×kb
// block of A by a packed kb×nb block of B into C[ic:ic+mb, jc:jc+nb].
// Rows [0,packed) of the block are read in place from A (non-transposed,
// in 6-row tiles; transposed where aT, by the T kernels), the others from ap, packed in 6-row micro-panels at
// ap[r·kb] for row r; bp holds the B block's columns from bOff on in
// 16-column micro-panels. Where bIn, the whole column tiles instead read
// B in place (p.b, rows from pc, columns from jc; the B variants of the
// kernels), and bp holds only the last, partial tile's columns.
//
// Inside C it uses 12×32 tiles, at the edges the 12×16, 6×32 and 6×16
// kernels (and their in-place variants), on a full-size scratch tile when
// a tile sticks out of C: whichever kernel computes an element, it does so
// with the same operations, so an element's value never depends on where
// the tiles fall.
func (p *problem) macroAVX512(ap, bp []float32, mb, nb, kb, ic, jc, pc, packed int, aT bool, beta float32, bIn bool, bOff int) {
	alpha, c, ldc := p.alpha, p.c, p.ldc
	a, lda, b, ldb := p.a, p.lda, p.b, p.ldb
	mode := storeMode(beta)
	switch {
	case packed > 0 && aT:
		_ = a[(pc+kb-1)*lda+ic+packed-1] // the kernels read up to here
	case packed > 0:
		_ = a[(ic+packed-1)*lda+pc+kb-1]
	}
	_ = ap[roundUp(mb, 6)*kb-1]
	const ldt = 32 // row stride of the scratch tile
	var tile [12 * ldt]float32
	for jr := 0; jr < nb; jr += 32 {
		cols := min(32, nb-jr)
		wide := cols > 16 // two B panels
		kw := 16          // columns the kernel computes
		if wide {
			kw = 32
		}
		// kern runs the kernel of rows (12 or 6) for this column tile on
		// tiles row tiles from row ir of the block into c at ldc: A in
		// place below packed, B in place where bIn and the tile is whole.
		inPlace := bIn && cols == kw
		var bpan *float32
		if inPlace {
			_ = b[(pc+kb-1)*ldb+jc+jr+kw-1] // the kernels read up to here
			bpan = &b[pc*ldb+jc+jr]
		} else {
			_ = bp[(jr-bOff+kw)*kb-1]
			bpan = &bp[(jr-bOff)*kb]
		}
		kern := func(rows, ir, tiles int, cp *float32, ldc int) {
			d := ir < packed
			var ad *float32
			switch {
			case d && aT:
				ad = &a[pc*lda+ic+ir]
			case d:
				ad = &a[(ic+ir)*lda+pc]
			default:
				ad = &ap[ir*kb]
			}
			if d && aT {
				kernT(rows, wide, inPlace, kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles, lda, ldb)
				return
			}
			switch {
			case rows == 12 && wide && d && inPlace:
				kernel12x32ZDB(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles, lda, ldb)
			case rows == 12 && wide && d:
				kernel12x32ZD(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles, lda)
			case rows == 12 && wide && inPlace:
				kernel12x32ZB(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles, ldb)
			case rows == 12 && wide:
				kernel12x32Z(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles)
			case rows == 12 && d && inPlace:
				kernel12x16ZDB(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles, lda, ldb)
			case rows == 12 && d:
				kernel12x16ZD(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles, lda)
			case rows == 12 && inPlace:
				kernel12x16ZB(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles, ldb)
			case rows == 12:
				kernel12x16Z(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles)
			case wide && d && inPlace:
				kernel6x32ZDB(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles, lda, ldb)
			case wide && d:
				kernel6x32ZD(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles, lda)
			case wide && inPlace:
				kernel6x32ZB(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles, ldb)
			case wide:
				kernel6x32Z(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles)
			case d && inPlace:
				kernel6x16ZDB(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles, lda, ldb)
			case d:
				kernel6x16ZD(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles, lda)
			case inPlace:
				kernel6x16ZB(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles, ldb)
			default:
				kernel6x16Z(kb, ad, bpan, cp, ldc, alpha, beta, mode, tiles)
			}
		}
		ir := 0
		if cols == kw {
			// Whole tiles straight into C.
			off := ic*ldc + jc + jr
			if packed > 0 {
				_ = c[off+(packed-1)*ldc+kw-1]
				if n12 := packed / 12; n12 > 0 {
					kern(12, 0, n12, &c[off], ldc)
					ir = 12 * n12
				}
				if ir < packed { // 6 rows left
					kern(6, ir, 1, &c[off+ir*ldc], ldc)
					ir = packed
				}
			}
			if n12 := (mb - ir) / 12; n12 > 0 {
				_ = c[off+(ir+12*n12-1)*ldc+kw-1]
				kern(12, ir, n12, &c[off+ir*ldc], ldc)
				ir += 12 * n12
			}
			if mb-ir >= 6 {
				_ = c[off+(ir+5)*ldc+kw-1]
				kern(6, ir, 1, &c[off+ir*ldc], ldc)
				ir += 6
			}
		}
		// Edge tiles: a kernel on the scratch tile, whose arithmetic is
		// that of the same kernel on C.
		for ir < mb {
			rows := min(12, mb-ir)
			if ir < packed {
				rows = min(12, packed-ir) // 12 or 6
			}
			off := (ic+ir)*ldc + jc + jr
			if mode != modeBeta0 {
				for r := range rows {
					copy(tile[r*ldt:r*ldt+cols], c[off+r*ldc:off+r*ldc+cols])
				}
			}
			if rows > 6 {
				kern(12, ir, 1, &tile[0], ldt)
			} else {
				kern(6, ir, 1, &tile[0], ldt)
			}
			for r := range rows {
				copy(c[off+r*ldc:off+r*ldc+cols], tile[r*ldt:r*ldt+cols])
			}
			ir += rows
		}
	}
}

// kernT runs the T kernel (A in place transposed) of rows (12 or 6) and
// 32 (wide) or 16 columns, reading B in place where bIn.
func kernT(rows int, wide, bIn bool, kb int, a, b, c *float32, ldc int, alpha, beta float32, mode, tiles, lda, ldb int) {
	switch {
	case rows == 12 && wide && bIn:
		kernel12x32ZTB(kb, a, b, c, ldc, alpha, beta, mode, tiles, lda, ldb)
	case rows == 12 && wide:
		kernel12x32ZT(kb, a, b, c, ldc, alpha, beta, mode, tiles, lda)
	case rows == 12 && bIn:
		kernel12x16ZTB(kb, a, b, c, ldc, alpha, beta, mode, tiles, lda, ldb)
	case rows == 12:
		kernel12x16ZT(kb, a, b, c, ldc, alpha, beta, mode, tiles, lda)
	case wide && bIn:
		kernel6x32ZTB(kb, a, b, c, ldc, alpha, beta, mode, tiles, lda, ldb)
	case wide:
		kernel6x32ZT(kb, a, b, c, ldc, alpha, beta, mode, tiles, lda)
	case bIn:
		kernel6x16ZTB(kb, a, b, c, ldc, alpha, beta, mode, tiles, lda, ldb)
	default:
		kernel6x16ZT(kb, a, b, c, ldc, alpha, beta, mode, tiles, lda)
	}
}
