package gemm

// packA packs rows [i0,i0+mb) and columns [p0,p0+kb) of op(A) into dst as
// consecutive micro-panels of mr rows: panel t holds, for each p in turn,
// the mr values op(A)[i0+t·mr+r][p0+p], r = 0..mr-1. Rows past mb are zero.
// With assembly, a non-transposed A's last, partial panel is copied into
// scratch (grown to 6·kb floats and returned), zero rows below it, and
// interleaved as a whole panel: as a Go loop it took 2.7% of a CONV-6
// step (64 and 256 filters leave 4 rows, 128 leave 2).
func packA(dst, a []float32, lda int, trans bool, i0, mb, p0, kb, mr int, scratch []float32) []float32 {
	for ir := 0; ir < mb; ir += mr {
		rows := min(mr, mb-ir)
		d := dst[ir*kb : (ir+mr)*kb]
		if trans {
			// op(A)[i][p] = a[p*lda+i]: each p reads rows contiguous values.
			base := p0*lda + i0 + ir
			if mr == 6 && rows == 6 && hasAVX2 {
				_, _ = d[6*kb-1], a[base+(kb-1)*lda+5]
				packA6T(&d[0], &a[base], lda, kb)
				continue
			}
			for p := range kb {
				s := a[base+p*lda : base+p*lda+rows]
				dp := d[p*mr : p*mr+mr]
				for r, v := range s {
					dp[r] = v
				}
				clear(dp[rows:])
			}
			continue
		}
		// op(A)[i][p] = a[i*lda+p]: interleave rows of A.
		base := (i0+ir)*lda + p0
		if mr == 6 && rows == 6 && hasAVX2 {
			_, _ = d[6*kb-1], a[base+5*lda+kb-1]
			packA6N(&d[0], &a[base], lda, kb)
			continue
		}
		if mr == 6 && hasAVX2 {
			scratch = grow(scratch, 6*kb)
			for r := range rows {
				copy(scratch[r*kb:(r+1)*kb], a[base+r*lda:base+r*lda+kb])
			}
			clear(scratch[rows*kb:])
			_ = d[6*kb-1]
			packA6N(&d[0], &scratch[0], kb, kb)
			continue
		}
		for r := range rows {
			s := a[base+r*lda : base+r*lda+kb]
			for p, v := range s {
				d[p*mr+r] = v
			}
		}
		for r := rows; r < mr; r++ {
			for p := range kb {
				d[p*mr+r] = 0
			}
		}
	}
	return scratch
}

// packB packs rows [p0,p0+kb) and columns [j0,j0+nb) of op(B) into dst as
// consecutive micro-panels of nr columns: panel t holds, for each p in
// turn, the nr values op(B)[p0+p][j0+t·nr+j], j = 0..nr-1. Columns past nb
// are zero. With assembly (nr = 16), a transposed B's last, partial panel
// goes through scratch, which is grown to 16·kb floats and returned.
func packB(dst, b []float32, ldb int, trans bool, p0, kb, j0, nb, nr int, scratch []float32) []float32 {
	if nr == 16 && hasAVX2 {
		return packB16(dst, b, ldb, trans, p0, kb, j0, nb, scratch)
	}
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		d := dst[jr*kb : (jr+nr)*kb]
		if !trans {
			// op(B)[p][j] = b[p*ldb+j]: each p copies cols contiguous values.
			base := p0*ldb + j0 + jr
			for p := range kb {
				s := b[base+p*ldb : base+p*ldb+cols]
				dp := d[p*nr : p*nr+nr]
				for j, v := range s {
					dp[j] = v
				}
				clear(dp[cols:])
			}
			continue
		}
		// op(B)[p][j] = b[j*ldb+p]: scatter each stored row into a column.
		base := (j0+jr)*ldb + p0
		for j := range cols {
			s := b[base+j*ldb : base+j*ldb+kb]
			for p, v := range s {
				d[p*nr+j] = v
			}
		}
		for j := cols; j < nr; j++ {
			for p := range kb {
				d[p*nr+j] = 0
			}
		}
	}
	return scratch
}

// packB16 is packB for 16-column panels with the assembly routines of
// pack_amd64.s, including the last, partial panel: a non-transposed B's
// by masked loads (packB16NTail), a transposed B's by copying its rows into
// scratch, zero rows below them, and transposing that as a whole panel.
// Before these, the partial panel was a Go loop that cost as much as the
// full panels (the first conv's filter gradient has 27 columns).
func packB16(dst, b []float32, ldb int, trans bool, p0, kb, j0, nb int, scratch []float32) []float32 {
	full := nb / 16
	jr := full * 16
	cols := nb - jr
	if !trans {
		// All full panels at once, reading B a row at a time: sequential
		// reads suit the prefetchers best when B streams from memory.
		_, _ = dst[roundUp(nb, 16)*kb-1], b[(p0+kb-1)*ldb+j0+nb-1]
		if full > 0 {
			packB16NRows(&dst[0], &b[p0*ldb+j0], ldb, kb, full)
		}
		if cols > 0 {
			packB16NTail(&dst[jr*kb], &b[p0*ldb+j0+jr], ldb, kb, cols)
		}
		return scratch
	}
	// op(B)[p][j] = b[j*ldb+p]: transpose 8×8 blocks, the last kb%8 rows
	// of each panel in Go.
	k8 := kb &^ 7
	panel := func(d, src []float32, ld int) {
		if k8 > 0 {
			packB16T(&d[0], &src[0], ld, k8)
		}
		for j := range 16 {
			s := src[j*ld : j*ld+kb]
			for p := k8; p < kb; p++ {
				d[16*p+j] = s[p]
			}
		}
	}
	for t := range full {
		base := (j0+16*t)*ldb + p0
		panel(dst[16*t*kb:16*(t+1)*kb], b[base:base+15*ldb+kb], ldb)
	}
	if cols > 0 {
		scratch = grow(scratch, 16*kb)
		base := (j0+jr)*ldb + p0
		for j := range cols {
			copy(scratch[j*kb:(j+1)*kb], b[base+j*ldb:base+j*ldb+kb])
		}
		clear(scratch[cols*kb:])
		panel(dst[jr*kb:(jr+16)*kb], scratch, kb)
	}
	return scratch
}
