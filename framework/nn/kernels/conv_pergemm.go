package kernels

// This file holds the ConvPerGEMM strategy (also ConvMixed's
// BackwardFilter): groups run one after another, im2col and col2im are split
// over the workers and every GEMM is left to gemm.Sgemm's own parallelism.

// im2colItems writes the column rows of items [lo, hi) of the current group,
// item i·CKK+r being row r of image i.
func (c *Conv) im2colItems(lo, hi int) {
	s := &c.s
	ohw, ckk, in := s.OutH()*s.OutW(), s.C*s.KH*s.KW, s.C*s.H*s.W
	ld := c.cnt * ohw
	for it := lo; it < hi; {
		i, r0 := it/ckk, it%ckk
		r1 := min(ckk, r0+hi-it)
		c.plan.im2col(c.x[(c.n0+i)*in:], c.ws[0].cols[i*ohw:], ld, r0, r1)
		it += r1 - r0
	}
}

// col2imItems overwrites the input gradient of items [lo, hi) of the current
// group, item i·C+ch being channel ch of image i.
func (c *Conv) col2imItems(lo, hi int) {
	s := &c.s
	ohw, hw := s.OutH()*s.OutW(), s.H*s.W
	ld := c.cnt * ohw
	for it := lo; it < hi; it++ {
		i, ch := it/s.C, it%s.C
		dxi := c.dx[(c.n0+i)*s.C*hw : (c.n0+i+1)*s.C*hw]
		clear(dxi[ch*hw : (ch+1)*hw])
		c.plan.col2im(c.ws[0].cols[i*ohw:], ld, dxi, ch, ch+1)
	}
}

// im2colGroup fills the columns of group g in parallel.
func (c *Conv) im2colGroup(g, workers int) {
	c.n0, c.cnt = c.groupSpan(g)
	items := c.cnt * c.s.C * c.s.KH * c.s.KW
	c.phase = phaseIm2col
	runParallel(items, 4*workers, workers, (*convRanger)(c))
}

func (c *Conv) forwardSerial() {
	workers := c.prepare(1, true)
	for g := 0; g < c.groups; g++ {
		c.im2colGroup(g, workers)
		c.forwardGEMM(&c.ws[0], c.n0, c.cnt)
		if c.ReLU {
			out := c.s.F * c.s.OutH() * c.s.OutW()
			y := c.y[c.n0*out : (c.n0+c.cnt)*out]
			ReLUForward(y, y)
		}
	}
}

func (c *Conv) backwardDataSerial() {
	workers := c.prepare(1, true)
	for g := 0; g < c.groups; g++ {
		c.n0, c.cnt = c.groupSpan(g)
		c.dataGEMM(&c.ws[0], c.n0, c.cnt)
		c.phase = phaseCol2im
		runParallel(c.cnt*c.s.C, 4*workers, workers, (*convRanger)(c))
	}
}

func (c *Conv) backwardFilterSerial() {
	workers := c.prepare(1, true)
	for g := 0; g < c.groups; g++ {
		beta := float32(1)
		if g == 0 {
			beta = 0
		}
		c.im2colGroup(g, workers)
		c.filterGEMM(&c.ws[0], c.n0, c.cnt, beta, c.dw)
	}
}
