package kernels

// copyRows copies a rows×cols block: dst[r·ds+j] = src[r·ss+j].
func copyRows(dst []float32, ds int, src []float32, ss, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	_ = dst[(rows-1)*ds+cols-1]
	_ = src[(rows-1)*ss+cols-1]
	if useAsm {
		copyRowsAVX2(&dst[0], ds, &src[0], ss, rows, cols)
		return
	}
	for r := 0; r < rows; r++ {
		copy(dst[r*ds:r*ds+cols], src[r*ss:r*ss+cols])
	}
}

// addRows adds a rows×cols block: dst[r·ds+j] += src[r·ss+j]. Each element
// receives exactly one addition, so the assembly and Go versions agree bit
// for bit.
func addRows(dst []float32, ds int, src []float32, ss, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	_ = dst[(rows-1)*ds+cols-1]
	_ = src[(rows-1)*ss+cols-1]
	if useAsm {
		addRowsAVX2(&dst[0], ds, &src[0], ss, rows, cols)
		return
	}
	for r := 0; r < rows; r++ {
		addTo(dst[r*ds:r*ds+cols], src[r*ss:r*ss+cols])
	}
}
