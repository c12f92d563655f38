package data

import (
	"fmt"

	"github.com/slotlab/slotlab/framework/rng"
)

// Augment selects the random augmentation FillBatch applies.
type Augment struct {
	Flip bool // random horizontal flip with probability 1/2
	Crop int  // random crop with zero padding of this many pixels on each side (0 = off)
}

// IsZero reports whether a applies no augmentation.
func (a Augment) IsZero() bool { return !a.Flip && a.Crop == 0 }

// FillBatch writes examples idx[0..] of s into dst (the first
// len(idx)×C×H×W floats, layout N×C×H×W) normalised by norm, and their labels
// into labels[0:len(idx)].
//
// When aug is non-zero, example e = idx[j] in epoch ep is augmented with
// values 3e, 3e+1 and 3e+2 of es = stream.Derive(ep), so the same (stream,
// epoch, example) is always augmented the same way, whatever the batch
// composition or order. The augmentation is a crop of the image padded with
// Crop zero pixels (black, before normalisation, as torchvision's
// RandomCrop(padding=Crop)) followed by a horizontal flip:
//
//	out[c][y][x] = in[c][y+dy][x'+dx], or pixel 0 outside the image,
//	x' = W-1-x if flipped, else x,
//	flipped = Flip && es.Uint64(3e)>>63 == 1,
//	dy = es.Intn(3e+1, 2·Crop+1) - Crop, dx = es.Intn(3e+2, 2·Crop+1) - Crop.
//
// FillBatch does not allocate. Large batches are split over the cores
// (framework/internal/parallel); the result does not depend on that. It panics if dst or labels
// are too short, an index is out of range, norm does not have s.C (or zero)
// channels or has a zero Std, or aug.Crop is negative.
func FillBatch(dst []float32, labels []int32, s *Set, idx []int, norm Normalization, aug Augment, stream rng.Stream, epoch int) {
	chw := s.ImageSize()
	if len(dst) < len(idx)*chw {
		panic(fmt.Sprintf("data: FillBatch: dst holds %d floats, need %d (%d examples × %d)", len(dst), len(idx)*chw, len(idx), chw))
	}
	if len(labels) < len(idx) {
		panic(fmt.Sprintf("data: FillBatch: labels holds %d entries, need %d", len(labels), len(idx)))
	}
	if len(norm.Mean) != len(norm.Std) || (len(norm.Mean) != 0 && len(norm.Mean) != s.C) {
		panic(fmt.Sprintf("data: FillBatch: normalisation has %d means and %d stds, set %s has %d channels", len(norm.Mean), len(norm.Std), s.Name, s.C))
	}
	for _, sd := range norm.Std {
		if sd == 0 {
			panic(fmt.Sprintf("data: FillBatch: normalisation has a zero standard deviation: %v", norm.Std))
		}
	}
	if aug.Crop < 0 {
		panic(fmt.Sprintf("data: FillBatch: negative crop padding %d", aug.Crop))
	}
	for _, e := range idx {
		if uint(e) >= uint(s.N) {
			panic(fmt.Sprintf("data: FillBatch: index %d out of range [0, %d) of %s", e, s.N, s.Name))
		}
	}
	job := fillJob{dst: dst, labels: labels, s: s, idx: idx, norm: norm, aug: aug}
	if !aug.IsZero() {
		job.stream = stream.Derive(epoch)
	}
	if len(idx)*chw >= parallelMinPixels && len(idx) > 1 {
		parallelFill(&job, len(idx))
		return
	}
	job.run(0, len(idx))
}

// fillJob is one FillBatch call; run fills examples [lo, hi) of it.
type fillJob struct {
	dst    []float32
	labels []int32
	s      *Set
	idx    []int
	norm   Normalization
	aug    Augment
	stream rng.Stream // the epoch's stream
}

// draw returns example e's augmentation.
func (f *fillJob) draw(e int) (flip bool, dy, dx int) {
	k := 3 * uint64(e)
	if f.aug.Flip {
		flip = f.stream.Uint64(k)>>63 == 1
	}
	if p := f.aug.Crop; p > 0 {
		dy = f.stream.Intn(k+1, 2*p+1) - p
		dx = f.stream.Intn(k+2, 2*p+1) - p
	}
	return flip, dy, dx
}

func (f *fillJob) run(lo, hi int) {
	s := f.s
	h, w := s.H, s.W
	plane := h * w
	chw := s.C * plane
	for j := lo; j < hi; j++ {
		f.labels[j] = int32(s.Labels[f.idx[j]])
	}
	var lut [256]float32
	for c := 0; c < s.C; c++ {
		f.norm.lut(c, &lut)
		for j := lo; j < hi; j++ {
			e := f.idx[j]
			src := s.Pixels[e*chw+c*plane : e*chw+(c+1)*plane]
			out := f.dst[j*chw+c*plane : j*chw+(c+1)*plane]
			if f.aug.IsZero() {
				for i, p := range src {
					out[i] = lut[p]
				}
				continue
			}
			flip, dy, dx := f.draw(e)
			augmentPlane(out, src, h, w, flip, dy, dx, &lut)
		}
	}
}

// augmentPlane writes out[y][x] = lut[src[y+dy][x'+dx]] (x' = w-1-x when
// flip, else x), or lut[0] where the source lies outside the plane.
func augmentPlane(out []float32, src []uint8, h, w int, flip bool, dy, dx int, lut *[256]float32) {
	zero := lut[0]
	// Columns x0 <= x < x1 read inside the source row.
	x0, x1 := max(0, -dx), min(w, w-dx)
	if flip {
		x0, x1 = max(0, dx), min(w, w+dx)
	}
	x0 = min(x0, w) // a shift of w or more reads nothing
	x1 = max(x0, x1)
	for y := 0; y < h; y++ {
		row := out[y*w : (y+1)*w]
		sy := y + dy
		if sy < 0 || sy >= h {
			for x := range row {
				row[x] = zero
			}
			continue
		}
		srow := src[sy*w : (sy+1)*w]
		for x := 0; x < x0; x++ {
			row[x] = zero
		}
		if flip {
			for x := x0; x < x1; x++ {
				row[x] = lut[srow[w-1-x+dx]]
			}
		} else if x1 > x0 {
			in := srow[x0+dx : x1+dx]
			for i, p := range in {
				row[x0+i] = lut[p]
			}
		}
		for x := x1; x < w; x++ {
			row[x] = zero
		}
	}
}
