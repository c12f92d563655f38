package gemm

// macroAVX512 is macro for the AVX-512F kernels. It multiplies an mb×kb
// block of A by a packed kb×nb block of B into C[ic:ic+mb, jc:jc+nb].
// Rows [0,packed) of the block are read in place from A (non-transposed,
// in 6-row tiles), the others from ap, packed in 6-row micro-panels at
// ap[r·kb] for row r; bp holds the B block in 16-column micro-panels.
//
// Inside C it uses 12×32 tiles, at the edges the 12×16, 6×32 and 6×16
// kernels (and their in-place variants), on a full-size scratch tile when
// a tile sticks out of C: whichever kernel computes an element, it does so
// with the same operations, so an element's value never depends on where
// the tiles fall.
func (p *problem) macroAVX512(ap, bp []float32, mb, nb, kb, ic, jc, pc, packed int, beta float32) {
	alpha, c, ldc := p.alpha, p.c, p.ldc
	a, lda := p.a, p.lda
	mode := storeMode(beta)
	if packed > 0 {
		_ = a[(ic+packed-1)*lda+pc+kb-1] // the kernels read up to here
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
		_ = bp[(jr+kw)*kb-1]
		bpan := &bp[jr*kb]
		ir := 0
		if cols == kw {
			// Whole tiles straight into C.
			off := ic*ldc + jc + jr
			if packed > 0 {
				_ = c[off+(packed-1)*ldc+kw-1]
				if n12 := packed / 12; n12 > 0 {
					if wide {
						kernel12x32ZD(kb, &a[ic*lda+pc], bpan, &c[off], ldc, alpha, beta, mode, n12, lda)
					} else {
						kernel12x16ZD(kb, &a[ic*lda+pc], bpan, &c[off], ldc, alpha, beta, mode, n12, lda)
					}
					ir = 12 * n12
				}
				if ir < packed { // 6 rows left
					if wide {
						kernel6x32ZD(kb, &a[(ic+ir)*lda+pc], bpan, &c[off+ir*ldc], ldc, alpha, beta, mode, 1, lda)
					} else {
						kernel6x16ZD(kb, &a[(ic+ir)*lda+pc], bpan, &c[off+ir*ldc], ldc, alpha, beta, mode, 1, lda)
					}
					ir = packed
				}
			}
			if n12 := (mb - ir) / 12; n12 > 0 {
				_ = c[off+(ir+12*n12-1)*ldc+kw-1]
				if wide {
					kernel12x32Z(kb, &ap[ir*kb], bpan, &c[off+ir*ldc], ldc, alpha, beta, mode, n12)
				} else {
					kernel12x16Z(kb, &ap[ir*kb], bpan, &c[off+ir*ldc], ldc, alpha, beta, mode, n12)
				}
				ir += 12 * n12
			}
			if mb-ir >= 6 {
				_ = c[off+(ir+5)*ldc+kw-1]
				if wide {
					kernel6x32Z(kb, &ap[ir*kb], bpan, &c[off+ir*ldc], ldc, alpha, beta, mode, 1)
				} else {
					kernel6x16Z(kb, &ap[ir*kb], bpan, &c[off+ir*ldc], ldc, alpha, beta, mode, 1)
				}
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
			switch {
			case ir < packed && rows > 6 && wide:
				kernel12x32ZD(kb, &a[(ic+ir)*lda+pc], bpan, &tile[0], ldt, alpha, beta, mode, 1, lda)
			case ir < packed && rows > 6:
				kernel12x16ZD(kb, &a[(ic+ir)*lda+pc], bpan, &tile[0], ldt, alpha, beta, mode, 1, lda)
			case ir < packed && wide:
				kernel6x32ZD(kb, &a[(ic+ir)*lda+pc], bpan, &tile[0], ldt, alpha, beta, mode, 1, lda)
			case ir < packed:
				kernel6x16ZD(kb, &a[(ic+ir)*lda+pc], bpan, &tile[0], ldt, alpha, beta, mode, 1, lda)
			case rows > 6 && wide:
				kernel12x32Z(kb, &ap[ir*kb], bpan, &tile[0], ldt, alpha, beta, mode, 1)
			case rows > 6:
				kernel12x16Z(kb, &ap[ir*kb], bpan, &tile[0], ldt, alpha, beta, mode, 1)
			case wide:
				kernel6x32Z(kb, &ap[ir*kb], bpan, &tile[0], ldt, alpha, beta, mode, 1)
			default:
				kernel6x16Z(kb, &ap[ir*kb], bpan, &tile[0], ldt, alpha, beta, mode, 1)
			}
			for r := range rows {
				copy(c[off+r*ldc:off+r*ldc+cols], tile[r*ldt:r*ldt+cols])
			}
			ir += rows
		}
	}
}
