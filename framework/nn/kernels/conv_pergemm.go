package kernels

import "github.com/slotlab/slotlab/framework/nn/gemm"

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
	runParallel(items, 4*workers, workers, c)
}

func (c *Conv) forwardSerial() {
	s := &c.s
	workers := c.prepare(1, true)
	ws := &c.ws[0]
	ohw, ckk, out := s.OutH()*s.OutW(), s.C*s.KH*s.KW, s.F*s.OutH()*s.OutW()
	for g := 0; g < c.groups; g++ {
		c.im2colGroup(g, workers)
		n0, cnt := c.n0, c.cnt
		ld := cnt * ohw
		if cnt == 1 {
			gemm.Sgemm(false, false, s.F, ohw, ckk, 1, c.w, ckk, ws.cols, ohw, 0, c.y[n0*out:(n0+1)*out], ohw)
			continue
		}
		gemm.Sgemm(false, false, s.F, ld, ckk, 1, c.w, ckk, ws.cols, ld, 0, ws.buf, ld)
		scatter(ws.buf, ld, c.y[n0*out:], cnt, s.F, ohw)
	}
}

func (c *Conv) backwardDataSerial() {
	s := &c.s
	workers := c.prepare(1, true)
	ws := &c.ws[0]
	ohw, ckk, out := s.OutH()*s.OutW(), s.C*s.KH*s.KW, s.F*s.OutH()*s.OutW()
	for g := 0; g < c.groups; g++ {
		c.n0, c.cnt = c.groupSpan(g)
		n0, cnt := c.n0, c.cnt
		ld := cnt * ohw
		if cnt == 1 {
			gemm.Sgemm(true, false, ckk, ohw, s.F, 1, c.w, ckk, c.dy[n0*out:(n0+1)*out], ohw, 0, ws.cols, ohw)
		} else {
			gather(c.dy[n0*out:], ws.buf, ld, cnt, s.F, ohw)
			gemm.Sgemm(true, false, ckk, ld, s.F, 1, c.w, ckk, ws.buf, ld, 0, ws.cols, ld)
		}
		c.phase = phaseCol2im
		runParallel(cnt*s.C, 4*workers, workers, c)
	}
}

func (c *Conv) backwardFilterSerial() {
	s := &c.s
	workers := c.prepare(1, true)
	ws := &c.ws[0]
	ohw, ckk, out := s.OutH()*s.OutW(), s.C*s.KH*s.KW, s.F*s.OutH()*s.OutW()
	for g := 0; g < c.groups; g++ {
		beta := float32(1)
		if g == 0 {
			beta = 0
		}
		c.im2colGroup(g, workers)
		n0, cnt := c.n0, c.cnt
		ld := cnt * ohw
		if cnt == 1 {
			gemm.Sgemm(false, true, s.F, ckk, ohw, 1, c.dy[n0*out:(n0+1)*out], ohw, ws.cols, ohw, beta, c.dw, ckk)
			continue
		}
		gather(c.dy[n0*out:], ws.buf, ld, cnt, s.F, ohw)
		gemm.Sgemm(false, true, s.F, ckk, ld, 1, ws.buf, ld, ws.cols, ld, beta, c.dw, ckk)
	}
}
