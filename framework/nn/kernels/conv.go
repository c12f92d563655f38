package kernels

import (
	"fmt"

	"github.com/slotlab/slotlab/framework/nn/gemm"
)

// ConvShape describes a 2-D convolution without bias: N images of C×H×W,
// F filters of C×KH×KW, the same stride and zero padding in both directions.
type ConvShape struct{ N, C, H, W, F, KH, KW, Stride, Pad int }

// OutH returns the output height ⌊(H+2·Pad−KH)/Stride⌋+1.
func (s ConvShape) OutH() int { return (s.H+2*s.Pad-s.KH)/s.Stride + 1 }

// OutW returns the output width ⌊(W+2·Pad−KW)/Stride⌋+1.
func (s ConvShape) OutW() int { return (s.W+2*s.Pad-s.KW)/s.Stride + 1 }

// Validate reports whether the shape describes a non-empty convolution.
func (s ConvShape) Validate() error {
	if s.N < 1 || s.C < 1 || s.H < 1 || s.W < 1 || s.F < 1 || s.KH < 1 || s.KW < 1 || s.Stride < 1 || s.Pad < 0 {
		return fmt.Errorf("kernels: bad conv shape %+v", s)
	}
	if s.H+2*s.Pad < s.KH || s.W+2*s.Pad < s.KW {
		return fmt.Errorf("kernels: conv kernel %d×%d larger than padded input %d×%d", s.KH, s.KW, s.H+2*s.Pad, s.W+2*s.Pad)
	}
	return nil
}

// InSize returns the length of the input x, N·C·H·W.
func (s ConvShape) InSize() int { return s.N * s.C * s.H * s.W }

// OutSize returns the length of the output y, N·F·OH·OW.
func (s ConvShape) OutSize() int { return s.N * s.F * s.OutH() * s.OutW() }

// WeightSize returns the length of the weights w, F·C·KH·KW.
func (s ConvShape) WeightSize() int { return s.F * s.C * s.KH * s.KW }

// FLOPs returns the floating-point operations of one Forward (equally of one
// BackwardData or one BackwardFilter): 2·N·F·OH·OW·C·KH·KW.
func (s ConvShape) FLOPs() float64 {
	return 2 * float64(s.N) * float64(s.F) * float64(s.OutH()*s.OutW()) * float64(s.C*s.KH*s.KW)
}

// ConvStrategy selects how a Conv spreads its work over the cores.
type ConvStrategy int

const (
	// ConvAuto lets NewConvWith choose: ConvPerImage, or ConvMixed where
	// ConvPerImage's partial filter gradients would take over 8 MiB.
	ConvAuto ConvStrategy = iota
	// ConvPerImage runs groups of images in parallel; each worker does its
	// own im2col and calls gemm.Sgemm on its own group (gemm may split
	// those calls further). BackwardFilter sums fixed slabs of groups into
	// separate partial gradients, then adds them in slab order. It has no
	// synchronisation per group and keeps each core's columns in its own
	// cache: on CONV-4 (2 cores, AVX2 gemm, light load) it ran about 20%
	// faster than ConvPerGEMM for about the same CPU time. Under heavy load
	// from other processes ConvPerGEMM held up better.
	ConvPerImage
	// ConvPerGEMM runs the groups one after another, splits im2col and
	// col2im over the workers, and relies on gemm.Sgemm's own parallelism.
	// BackwardFilter accumulates every group into dw with beta = 1, so it
	// needs no partial gradients: use it where memory is short.
	ConvPerGEMM
	// ConvMixed runs Forward and BackwardData as ConvPerImage and
	// BackwardFilter as ConvPerGEMM: no partial gradients, and no fixed
	// slabs whose balance suffers when other processes take a core.
	ConvMixed
)

// String returns the strategy's name.
func (st ConvStrategy) String() string {
	switch st {
	case ConvAuto:
		return "ConvAuto"
	case ConvPerImage:
		return "ConvPerImage"
	case ConvPerGEMM:
		return "ConvPerGEMM"
	case ConvMixed:
		return "ConvMixed"
	}
	return fmt.Sprintf("ConvStrategy(%d)", int(st))
}

// ConvOptions tunes a Conv; the zero value chooses defaults.
type ConvOptions struct {
	Strategy ConvStrategy
	// Group is the number of images whose columns go into one GEMM; 0
	// chooses the smallest group with at least MinCols columns.
	Group int
	// MinCols is the least number of columns (Group·OH·OW) of the per-group
	// GEMMs when Group is 0; 0 means MinGEMMCols.
	MinCols int
	// Slabs is the number of partial filter gradients ConvPerImage's
	// BackwardFilter sums the groups into (contiguous runs of groups, added
	// in slab order at the end); 0 chooses up to DefaultSlabs, fewer when
	// the partial gradients would take more than 32 MiB. Results depend on
	// Slabs (the summation order) but never on GOMAXPROCS.
	Slabs int
	// Algo chooses im2col or Winograd for each pass.
	Algo ConvAlgo
	// WinoTiles is the least number of tiles (columns) of the Winograd
	// GEMMs of one group of images; 0 means MinWinoTiles.
	WinoTiles int
}

// MinGEMMCols is the default lower bound on the columns (Group·OH·OW) of the
// per-group GEMMs: images with small outputs are batched until their GEMMs
// are wide enough to run near the kernel's peak.
const MinGEMMCols = 256

// MinGEMMColsPerGEMM is MinGEMMCols for ConvPerGEMM, whose every group costs
// two or three synchronisations of the workers, so larger groups pay.
const MinGEMMColsPerGEMM = 1024

const (
	// DefaultSlabs is the default number of partial filter gradients of
	// ConvPerImage's BackwardFilter.
	DefaultSlabs = 4
	// slabBudget is the bytes of extra partial dW beyond which default
	// slabs are halved.
	slabBudget = 32 << 20
	// autoSlabBudget is the bytes of extra partial dW beyond which ConvAuto
	// picks ConvMixed rather than ConvPerImage (VGG-19's 512-channel
	// layers, whose weights take 4.5–9 MiB).
	autoSlabBudget = 8 << 20
)

// Conv computes a convolution and its two gradients by im2col and
// gemm.Sgemm. It owns per-worker column buffers sized for one group of images,
// so its memory stays small at any batch size; create one per layer and
// reuse it. A Conv must not be used by two goroutines at once.
//
// Layout: the columns of one image form a (C·KH·KW)×(OH·OW) matrix, so that
//
//	Forward:        Y(F, OH·OW)      = W(F, CKK) · cols(CKK, OH·OW)
//	BackwardData:   dcols(CKK, OH·OW) = Wᵀ · dY(F, OH·OW), then col2im
//	BackwardFilter: dW(F, CKK)      += dY(F, OH·OW) · colsᵀ
//
// all read and write NCHW tensors in place with no transposes, and each
// im2col row is a block copy of input rows (AVX2 on amd64). The transposed
// layout, cols (OH·OW, CKK), would give Y as (OH·OW, F), to be transposed
// per image, and an im2col gathering single strided elements. A group of G
// images places their columns side by side, (CKK, G·OH·OW); outputs and
// output gradients are then copied between NCHW and (F, G·OH·OW).
type Conv struct {
	// ReLU makes Forward write max(conv, 0): the ReLU that follows the
	// conv, done on each group of images as it is written, while its
	// outputs are still in cache, instead of in a pass of its own. The bits
	// are those of the two layers one after the other.
	ReLU bool

	s        ConvShape
	plan     colPlan
	strategy ConvStrategy
	group    int // images per GEMM
	groups   int // ⌈N/group⌉
	slabs    int // BackwardFilter partial sums (ConvPerImage)

	ws      []convWorkspace
	partial [][]float32 // slabs−1 partial dW (slab 0 accumulates into dw)

	// Winograd passes, nil where the pass uses im2col, and their per-worker
	// workspaces (shared by all passes).
	winoFwd, winoData, winoFilt *winoDir
	winoWS                      [][]float32
	wino                        *winoDir  // the pass in progress
	winoReLU                    bool      // the pass in progress is a Forward with ReLU
	winoMask                    []float32 // the pass in progress is a BackwardDataMasked by x > 0
	// wg is the transform-GEMM Winograd of small planes
	// (winograd_gemm.go), which then does all three passes.
	wg               *winoGEMM
	winoSrc, winoDst []float32

	// state of the call in progress
	phase               convPhase
	x, w, y, dy, dx, dw []float32
	n0, cnt             int // current group (ConvPerGEMM)
}

type convWorkspace struct {
	cols []float32 // CKK × group·OH·OW
	buf  []float32 // F × group·OH·OW, when group > 1
}

type convPhase int

const (
	phaseForward convPhase = iota
	phaseBackwardData
	phaseBackwardFilter
	phaseReduce
	phaseIm2col
	phaseCol2im
	phaseWinoFilters
	phaseWinoGroups
	phaseWinoFilterSlabs
	phaseWinoGradFilters
)

// NewConv returns a Conv for s with default options and the algorithm of
// DefaultAlgo; it panics if s is invalid.
func NewConv(s ConvShape) *Conv { return NewConvWith(s, ConvOptions{Algo: DefaultAlgo()}) }

// NewConvWith returns a Conv for s with options o; it panics if s is invalid.
func NewConvWith(s ConvShape, o ConvOptions) *Conv {
	if err := s.Validate(); err != nil {
		panic(err)
	}
	c := &Conv{s: s, plan: newColPlan(s), strategy: o.Strategy, group: o.Group}
	if c.strategy == ConvAuto {
		c.strategy = ConvPerImage
		if (DefaultSlabs-1)*4*s.WeightSize() > autoSlabBudget {
			c.strategy = ConvMixed
		}
	}
	ohw := s.OutH() * s.OutW()
	if c.group <= 0 {
		minCols := o.MinCols
		if minCols <= 0 {
			minCols = MinGEMMCols
			if c.strategy == ConvPerGEMM {
				minCols = MinGEMMColsPerGEMM
			}
		}
		c.group = (minCols + ohw - 1) / ohw
	}
	if m := winoGEMMTile(s.OutH(), s.OutW()); m > 0 && winoEligible(s) &&
		(o.Algo == ConvWinogradGEMM || o.Algo == ConvAlgoAuto4 && winoGEMMAuto(s)) {
		c.wg = newWinoGEMM(s, m)
	} else if o.Algo != ConvIm2col && winoEligible(s) {
		// tiles returns the least tiles of a group for a pass, F(4×4) if f4.
		tiles := func(f4 bool) int {
			switch {
			case o.WinoTiles > 0:
				return o.WinoTiles
			case f4:
				return MinWino4Tiles
			}
			return MinWinoTiles
		}
		all := o.Algo == ConvWinograd || o.Algo == ConvWinograd4
		f4 := o.Algo == ConvWinograd4
		auto4 := o.Algo == ConvAlgoAuto4
		if fwd4 := auto4 && wino4Auto(s.C, s.F, s.OutH(), s.OutW()); fwd4 || all || winoAuto(s, winoForward) {
			c.winoFwd = newWinoDirM(s.N, s.C, s.F, s.H, s.W, s.Pad, false, f4 || fwd4, tiles(f4 || fwd4))
		}
		if data4 := auto4 && wino4Auto(s.F, s.C, s.H, s.W); data4 || all || winoAuto(s, winoData) {
			c.winoData = newWinoDirM(s.N, s.F, s.C, s.OutH(), s.OutW(), 2-s.Pad, true, f4 || data4, tiles(f4 || data4))
		}
		if filt4 := auto4 && wino4Auto(s.C, s.F, s.OutH(), s.OutW()); filt4 || all || winoAuto(s, winoFilter) {
			d := newWinoDirM(s.N, s.C, s.F, s.H, s.W, s.Pad, false, f4 || filt4, tiles(f4 || filt4))
			d.setSlabs(o.Slabs)
			c.winoFilt = d
		}
	}
	c.group = min(c.group, s.N)
	c.groups = (s.N + c.group - 1) / c.group
	if o.Slabs > 0 {
		c.slabs = min(c.groups, o.Slabs)
	} else {
		c.slabs = min(c.groups, DefaultSlabs)
		slab := 4 * s.WeightSize()
		for c.slabs > 2 && (c.slabs-1)*slab > slabBudget {
			c.slabs /= 2
		}
	}
	return c
}

// Shape returns the shape the Conv was made for.
func (c *Conv) Shape() ConvShape { return c.s }

// Strategy returns the parallelisation strategy in use.
func (c *Conv) Strategy() ConvStrategy { return c.strategy }

// Group returns the number of images per GEMM.
func (c *Conv) Group() int { return c.group }

// WorkspaceBytes returns the bytes of workspace the Conv holds once every
// method has run with the current GOMAXPROCS.
func (c *Conv) WorkspaceBytes() int {
	s := &c.s
	if c.wg != nil {
		return 4 * c.wg.wsLen()
	}
	ld := c.group * s.OutH() * s.OutW()
	per := s.C * s.KH * s.KW * ld
	if c.group > 1 {
		per += s.F * ld
	}
	workers := 1
	extra := 0
	if c.strategy != ConvPerGEMM {
		workers = min(procs(), c.groups)
	}
	if c.winoFwd != nil && c.winoData != nil && c.winoFilt != nil {
		workers = 0 // no pass uses the im2col columns
	}
	if c.strategy == ConvPerImage && c.winoFilt == nil {
		extra = (c.slabs - 1) * s.WeightSize()
	}
	if c.winoFwd != nil || c.winoData != nil || c.winoFilt != nil {
		wl, groups := 0, 0
		for _, d := range []*winoDir{c.winoFwd, c.winoData, c.winoFilt} {
			if d != nil {
				wl, groups = max(wl, d.wsLen()), max(groups, d.groups)
				if d == c.winoFilt {
					extra += d.slabs * d.positions() * s.C * s.F // ∂U per slab
					groups = max(groups, d.slabs)
					continue
				}
				extra += len(d.u)
				if d.u == nil {
					extra += d.positions() * s.C * s.F
				}
			}
		}
		extra += min(procs(), groups) * wl
	}
	return 4 * (workers*per + extra)
}

// prepare makes workspaces for the workers of a call over n work items
// run per image (serial false), or for one group and all workers (serial
// true), and returns the number of workers.
func (c *Conv) prepare(n int, serial bool) int {
	workers := min(procs(), n)
	need := workers
	if serial {
		workers, need = procs(), 1
	}
	s := &c.s
	ld := c.group * s.OutH() * s.OutW()
	for len(c.ws) < need {
		w := convWorkspace{cols: make([]float32, s.C*s.KH*s.KW*ld)}
		if c.group > 1 {
			w.buf = make([]float32, s.F*ld)
		}
		c.ws = append(c.ws, w)
	}
	return workers
}

func checkLen(what string, got, want int) {
	if got < want {
		panic(fmt.Sprintf("kernels: %s has length %d, need %d", what, got, want))
	}
}

// Forward computes y (N, F, OH, OW) = conv(x (N, C, H, W), w (F, C·KH·KW)),
// overwriting y; with c.ReLU, max(conv, 0).
func (c *Conv) Forward(x, w, y []float32) {
	s := &c.s
	checkLen("conv x", len(x), s.InSize())
	checkLen("conv w", len(w), s.WeightSize())
	checkLen("conv y", len(y), s.OutSize())
	if c.wg != nil {
		c.wg.Forward(x, w, y)
		if c.ReLU {
			ReLUForward(y[:s.OutSize()], y)
		}
		return
	}
	if c.winoFwd != nil {
		c.winoReLU = c.ReLU
		c.runWino(c.winoFwd, x, w, y)
		c.winoReLU = false
		return
	}
	c.x, c.w, c.y = x, w, y
	if c.strategy == ConvPerGEMM {
		c.forwardSerial()
	} else {
		c.phase = phaseForward
		runParallel(c.groups, c.groups, c.prepare(c.groups, false), (*convRanger)(c))
	}
	c.x, c.w, c.y = nil, nil, nil
}

// BackwardData computes dx (N, C, H, W) = ∂L/∂x from dy = ∂L/∂y and the
// weights w, overwriting dx.
func (c *Conv) BackwardData(dy, w, dx []float32) {
	s := &c.s
	checkLen("conv dy", len(dy), s.OutSize())
	checkLen("conv w", len(w), s.WeightSize())
	checkLen("conv dx", len(dx), s.InSize())
	if c.wg != nil {
		c.wg.BackwardData(dy, w, dx)
		return
	}
	if c.winoData != nil {
		c.runWino(c.winoData, dy, w, dx)
		return
	}
	c.dy, c.w, c.dx = dy, w, dx
	if c.strategy == ConvPerGEMM {
		c.backwardDataSerial()
	} else {
		c.phase = phaseBackwardData
		runParallel(c.groups, c.groups, c.prepare(c.groups, false), (*convRanger)(c))
	}
	c.dy, c.w, c.dx = nil, nil, nil
}

// BackwardDataMasked is BackwardData followed by ReLUBackward(x, dx, dx):
// ∂L/∂x kept where x > 0, zeroed elsewhere, for a conv whose input x is
// the output of a ReLU, which then need not run its gradient as a pass of
// its own. The values are those of the two calls; on the Winograd paths
// each group of images is masked as it is written, while in cache.
func (c *Conv) BackwardDataMasked(dy, w, x, dx []float32) {
	checkLen("conv x", len(x), c.s.InSize())
	if c.wg == nil && c.winoData != nil {
		checkLen("conv dy", len(dy), c.s.OutSize())
		checkLen("conv w", len(w), c.s.WeightSize())
		checkLen("conv dx", len(dx), c.s.InSize())
		c.winoMask = x
		c.runWino(c.winoData, dy, w, dx)
		c.winoMask = nil
		return
	}
	c.BackwardData(dy, w, dx)
	ReLUBackward(x, dx, dx)
}

// BackwardFilter computes dw (F, C·KH·KW) = ∂L/∂w, summed over the batch and
// all output positions, overwriting dw. The summation order is fixed by the
// shape and the options alone, so dw is the same bit for bit whatever
// GOMAXPROCS or goroutine timing.
func (c *Conv) BackwardFilter(x, dy, dw []float32) {
	s := &c.s
	checkLen("conv x", len(x), s.InSize())
	checkLen("conv dy", len(dy), s.OutSize())
	checkLen("conv dw", len(dw), s.WeightSize())
	if c.wg != nil {
		c.wg.BackwardFilter(x, dy, dw)
		return
	}
	if c.winoFilt != nil {
		c.runWinoFilter(x, dy, dw)
		return
	}
	c.x, c.dy, c.dw = x, dy, dw
	if c.strategy != ConvPerImage {
		c.backwardFilterSerial()
	} else {
		for len(c.partial) < c.slabs-1 {
			c.partial = append(c.partial, make([]float32, s.WeightSize()))
		}
		c.phase = phaseBackwardFilter
		runParallel(c.slabs, c.slabs, c.prepare(c.slabs, false), (*convRanger)(c))
		if c.slabs > 1 {
			n := s.WeightSize()
			c.phase = phaseReduce
			runParallel(n, elemChunks(n), procs(), (*convRanger)(c))
		}
	}
	c.x, c.dy, c.dw = nil, nil, nil
}

// convRanger is a Conv as the parallel.Ranger of its phases, which keeps
// Range out of Conv's methods.
type convRanger Conv

func (r *convRanger) Range(w, lo, hi int) { (*Conv)(r).run(w, lo, hi) }

// run processes items [lo, hi) of the current phase as worker.
func (c *Conv) run(worker, lo, hi int) {
	switch c.phase {
	case phaseForward:
		for g := lo; g < hi; g++ {
			c.forwardGroup(&c.ws[worker], g)
		}
	case phaseBackwardData:
		for g := lo; g < hi; g++ {
			c.backwardDataGroup(&c.ws[worker], g)
		}
	case phaseBackwardFilter:
		for sl := lo; sl < hi; sl++ {
			c.filterSlab(&c.ws[worker], sl)
		}
	case phaseReduce:
		dw := c.dw[lo:hi]
		for _, p := range c.partial[:c.slabs-1] {
			addTo(dw, p[lo:hi])
		}
	case phaseIm2col:
		c.im2colItems(lo, hi)
	case phaseCol2im:
		c.col2imItems(lo, hi)
	case phaseWinoFilters:
		c.wino.filters(c.w, lo, hi)
	case phaseWinoGroups:
		d := c.wino
		for g := lo; g < hi; g++ {
			n0 := g * d.group
			cnt := min(d.group, c.s.N-n0)
			d.runGroup(c.winoWS[worker], c.winoSrc, c.winoDst, n0, cnt)
			if c.winoReLU {
				out := d.co * d.oh * d.ow
				y := c.winoDst[n0*out : (n0+cnt)*out]
				reluSerial(y, y)
			}
			if c.winoMask != nil { // while the group's ∂x is in cache
				out := d.co * d.oh * d.ow
				dx := c.winoDst[n0*out : (n0+cnt)*out]
				reluGradSerial(c.winoMask[n0*out:(n0+cnt)*out], dx, dx)
			}
		}
	case phaseWinoFilterSlabs:
		for sl := lo; sl < hi; sl++ {
			c.winoFilt.filterSlab(c.winoWS[worker], c.x, c.dy, sl, c.s.N)
		}
	case phaseWinoGradFilters:
		c.winoFilt.gradFilters(c.dw, lo, hi)
	}
}

// runWino runs Winograd pass d from src to dst with weights w: the filter
// transform split over the workers, then the groups of images in parallel.
func (c *Conv) runWino(d *winoDir, src, w, dst []float32) {
	if d.u == nil {
		d.u = make([]float32, d.positions()*d.ci*d.co)
	}
	c.wino, c.w, c.winoSrc, c.winoDst = d, w, src, dst
	c.phase = phaseWinoFilters
	runParallel(d.co, min(d.co, 4*procs()), procs(), (*convRanger)(c))
	workers := min(procs(), d.groups)
	c.winoWorkspaces(workers)
	c.phase = phaseWinoGroups
	runParallel(d.groups, d.groups, workers, (*convRanger)(c))
	c.wino, c.w, c.winoSrc, c.winoDst = nil, nil, nil, nil
}

// winoWorkspaces makes sure there are Winograd workspaces for workers, each
// large enough for every Winograd pass of c.
func (c *Conv) winoWorkspaces(workers int) {
	n := max(c.winoFwd.wsLenOr0(), c.winoData.wsLenOr0(), c.winoFilt.wsLenOr0())
	for len(c.winoWS) < workers {
		c.winoWS = append(c.winoWS, make([]float32, n))
	}
}

// runWinoFilter is BackwardFilter by Winograd (winograd_filter.go): the
// slabs in parallel, each into its own ∂U, then the sum over the slabs and
// the filter transform split over the workers by output channel.
func (c *Conv) runWinoFilter(x, dy, dw []float32) {
	d := c.winoFilt
	if d.du == nil {
		d.du = make([]float32, d.slabs*d.positions()*d.ci*d.co)
	}
	c.x, c.dy, c.dw = x, dy, dw
	workers := min(procs(), d.slabs)
	c.winoWorkspaces(workers)
	c.phase = phaseWinoFilterSlabs
	runParallel(d.slabs, d.slabs, workers, (*convRanger)(c))
	c.phase = phaseWinoGradFilters
	runParallel(d.co, min(d.co, 4*procs()), procs(), (*convRanger)(c))
	c.x, c.dy, c.dw = nil, nil, nil
}

// groupSpan returns the first image of group g and its image count.
func (c *Conv) groupSpan(g int) (n0, cnt int) {
	n0 = g * c.group
	return n0, min(c.group, c.s.N-n0)
}

// scatter copies a group's output, (F, cnt·OHW) with row stride ld, into
// NCHW y starting at the group's first image.
func scatter(buf []float32, ld int, y []float32, cnt, f, ohw int) {
	for i := 0; i < cnt; i++ {
		yi := y[i*f*ohw : (i+1)*f*ohw]
		for k := 0; k < f; k++ {
			copy(yi[k*ohw:(k+1)*ohw], buf[k*ld+i*ohw:])
		}
	}
}

// gather is the inverse of scatter: NCHW dy of cnt images into (F, cnt·OHW).
func gather(dy []float32, buf []float32, ld int, cnt, f, ohw int) {
	for i := 0; i < cnt; i++ {
		di := dy[i*f*ohw : (i+1)*f*ohw]
		for k := 0; k < f; k++ {
			copy(buf[k*ld+i*ohw:k*ld+(i+1)*ohw], di[k*ohw:])
		}
	}
}

func (c *Conv) forwardGroup(ws *convWorkspace, g int) {
	s := &c.s
	n0, cnt := c.groupSpan(g)
	ohw, ckk, in := s.OutH()*s.OutW(), s.C*s.KH*s.KW, s.C*s.H*s.W
	ld := cnt * ohw
	for i := 0; i < cnt; i++ {
		c.plan.im2col(c.x[(n0+i)*in:], ws.cols[i*ohw:], ld, 0, ckk)
	}
	c.forwardGEMM(ws, n0, cnt)
	if c.ReLU {
		out := s.F * ohw
		y := c.y[n0*out : (n0+cnt)*out]
		reluSerial(y, y)
	}
}

// The GEMM of each pass over a group of cnt images from n0, whose columns
// (C·KH·KW × cnt·OH·OW) are in ws.cols, shared by both strategies. One
// image reads and writes y and dy in place; several go through ws.buf,
// where their OH·OW columns lie side by side.

// forwardGEMM computes y = w · cols for the group.
func (c *Conv) forwardGEMM(ws *convWorkspace, n0, cnt int) {
	s := &c.s
	ohw, ckk, out := s.OutH()*s.OutW(), s.C*s.KH*s.KW, s.F*s.OutH()*s.OutW()
	ld := cnt * ohw
	if cnt == 1 {
		gemm.Sgemm(false, false, s.F, ohw, ckk, 1, c.w, ckk, ws.cols, ohw, 0, c.y[n0*out:(n0+1)*out], ohw)
		return
	}
	gemm.Sgemm(false, false, s.F, ld, ckk, 1, c.w, ckk, ws.cols, ld, 0, ws.buf, ld)
	scatter(ws.buf, ld, c.y[n0*out:], cnt, s.F, ohw)
}

// dataGEMM computes cols = wᵀ · dy for the group.
func (c *Conv) dataGEMM(ws *convWorkspace, n0, cnt int) {
	s := &c.s
	ohw, ckk, out := s.OutH()*s.OutW(), s.C*s.KH*s.KW, s.F*s.OutH()*s.OutW()
	ld := cnt * ohw
	if cnt == 1 {
		gemm.Sgemm(true, false, ckk, ohw, s.F, 1, c.w, ckk, c.dy[n0*out:(n0+1)*out], ohw, 0, ws.cols, ohw)
		return
	}
	gather(c.dy[n0*out:], ws.buf, ld, cnt, s.F, ohw)
	gemm.Sgemm(true, false, ckk, ld, s.F, 1, c.w, ckk, ws.buf, ld, 0, ws.cols, ld)
}

// filterGEMM computes dst = dy · colsᵀ + beta·dst for the group.
func (c *Conv) filterGEMM(ws *convWorkspace, n0, cnt int, beta float32, dst []float32) {
	s := &c.s
	ohw, ckk, out := s.OutH()*s.OutW(), s.C*s.KH*s.KW, s.F*s.OutH()*s.OutW()
	ld := cnt * ohw
	if cnt == 1 {
		gemm.Sgemm(false, true, s.F, ckk, ohw, 1, c.dy[n0*out:(n0+1)*out], ohw, ws.cols, ohw, beta, dst, ckk)
		return
	}
	gather(c.dy[n0*out:], ws.buf, ld, cnt, s.F, ohw)
	gemm.Sgemm(false, true, s.F, ckk, ld, 1, ws.buf, ld, ws.cols, ld, beta, dst, ckk)
}

func (c *Conv) backwardDataGroup(ws *convWorkspace, g int) {
	s := &c.s
	n0, cnt := c.groupSpan(g)
	ohw, in := s.OutH()*s.OutW(), s.C*s.H*s.W
	ld := cnt * ohw
	c.dataGEMM(ws, n0, cnt)
	for i := 0; i < cnt; i++ {
		dxi := c.dx[(n0+i)*in : (n0+i+1)*in]
		clear(dxi)
		c.plan.col2im(ws.cols[i*ohw:], ld, dxi, 0, s.C)
	}
}

// filterSlab accumulates the filter gradient of the groups of slab sl into
// dw (slab 0) or its partial buffer, in group order.
func (c *Conv) filterSlab(ws *convWorkspace, sl int) {
	s := &c.s
	dst := c.dw
	if sl > 0 {
		dst = c.partial[sl-1]
	}
	ohw, ckk, in := s.OutH()*s.OutW(), s.C*s.KH*s.KW, s.C*s.H*s.W
	g0, g1 := sl*c.groups/c.slabs, (sl+1)*c.groups/c.slabs
	for g := g0; g < g1; g++ {
		beta := float32(1)
		if g == g0 {
			beta = 0
		}
		n0, cnt := c.groupSpan(g)
		ld := cnt * ohw
		for i := 0; i < cnt; i++ {
			c.plan.im2col(c.x[(n0+i)*in:], ws.cols[i*ohw:], ld, 0, ckk)
		}
		c.filterGEMM(ws, n0, cnt, beta, dst)
	}
}
