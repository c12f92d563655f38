package data

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/slotlab/slotlab/framework/rng"
)

// randomSet returns a set of n random c×h×w images with labels i%classes.
func randomSet(n, c, h, w int) *Set {
	s := &Set{Name: "random", N: n, C: c, H: h, W: w, Classes: 10, Pixels: make([]uint8, n*c*h*w), Labels: make([]uint8, n)}
	st := rng.New(99, "random set")
	for i := range s.Pixels {
		s.Pixels[i] = uint8(st.Uint64(uint64(i)))
	}
	for i := range s.Labels {
		s.Labels[i] = uint8(i % 10)
	}
	return s
}

// reference computes example e's augmented, normalised image the slow way:
// pad with zeros, crop at (Crop+dy, Crop+dx), then flip.
func reference(s *Set, e int, norm Normalization, aug Augment, stream rng.Stream, epoch int) []float32 {
	es := stream.Derive(epoch)
	k := 3 * uint64(e)
	flip := aug.Flip && es.Uint64(k)>>63 == 1
	p := aug.Crop
	dy, dx := 0, 0
	if p > 0 {
		dy, dx = es.Intn(k+1, 2*p+1)-p, es.Intn(k+2, 2*p+1)-p
	}
	ph, pw := s.H+2*p, s.W+2*p
	out := make([]float32, 0, s.ImageSize())
	for c := 0; c < s.C; c++ {
		padded := make([]uint8, ph*pw)
		for y := 0; y < s.H; y++ {
			for x := 0; x < s.W; x++ {
				padded[(y+p)*pw+x+p] = s.Image(e)[c*s.H*s.W+y*s.W+x]
			}
		}
		mean, std := float32(0), float32(1)
		if len(norm.Mean) > 0 {
			mean, std = norm.Mean[c], norm.Std[c]
		}
		for y := 0; y < s.H; y++ {
			for x := 0; x < s.W; x++ {
				cx := x
				if flip {
					cx = s.W - 1 - x
				}
				v := padded[(y+p+dy)*pw+cx+p+dx]
				out = append(out, (float32(v)/255-mean)/std)
			}
		}
	}
	return out
}

func fill(s *Set, idx []int, norm Normalization, aug Augment, stream rng.Stream, epoch int) ([]float32, []int32) {
	dst := make([]float32, len(idx)*s.ImageSize())
	labels := make([]int32, len(idx))
	FillBatch(dst, labels, s, idx, norm, aug, stream, epoch)
	return dst, labels
}

func TestFillBatchNormalisation(t *testing.T) {
	s := &Set{Name: "rgb", N: 2, C: 3, H: 1, W: 2, Classes: 10,
		Pixels: []uint8{0, 255, 128, 1, 2, 3, 9, 8, 7, 6, 5, 4}, Labels: []uint8{3, 9}}
	norm := DefaultNormalization("cifar10")
	dst, labels := fill(s, []int{1, 0}, norm, Augment{}, rng.Stream{}, 0)
	if !slices.Equal(labels, []int32{9, 3}) {
		t.Fatalf("labels %v", labels)
	}
	for j, e := range []int{1, 0} {
		for c := 0; c < 3; c++ {
			for x := 0; x < 2; x++ {
				p := s.Pixels[e*6+c*2+x]
				want := (float64(p)/255 - float64(norm.Mean[c])) / float64(norm.Std[c])
				if got := dst[j*6+c*2+x]; math.Abs(float64(got)-want) > 1e-6 {
					t.Errorf("example %d channel %d pixel %d: %v, want %v", e, c, x, got, want)
				}
			}
		}
	}
	// MNIST's normalisation maps pixels exactly onto [0, 1].
	m := &Set{Name: "gray", N: 1, C: 1, H: 1, W: 3, Classes: 10, Pixels: []uint8{0, 255, 51}, Labels: []uint8{1}}
	for _, norm := range []Normalization{DefaultNormalization("mnist"), {}, DefaultNormalization("unknown")} {
		dst, _ := fill(m, []int{0}, norm, Augment{}, rng.Stream{}, 0)
		if !slices.Equal(dst, []float32{0, 1, 0.2}) {
			t.Errorf("%+v: got %v, want [0 1 0.2]", norm, dst)
		}
	}
}

// Every augmented example matches the slow reference computation.
func TestFillBatchMatchesReference(t *testing.T) {
	stream := rng.New(5, "augment")
	for _, tc := range []struct {
		c, h, w int
		aug     Augment
	}{
		{3, 32, 32, Augment{Flip: true, Crop: 4}},
		{3, 32, 32, Augment{Flip: true}},
		{3, 32, 32, Augment{Crop: 4}},
		{1, 28, 28, Augment{Crop: 2}},
		{2, 5, 7, Augment{Flip: true, Crop: 3}},
		{1, 4, 3, Augment{Flip: true, Crop: 9}}, // padding larger than the image
		{1, 1, 1, Augment{Flip: true, Crop: 1}},
	} {
		t.Run(fmt.Sprintf("%dx%dx%d %+v", tc.c, tc.h, tc.w, tc.aug), func(t *testing.T) {
			s := randomSet(300, tc.c, tc.h, tc.w)
			var norm Normalization
			if tc.c == 3 {
				norm = DefaultNormalization("cifar10")
			}
			idx := make([]int, 300)
			rng.New(1, "order").Perm(idx)
			for _, epoch := range []int{0, 3} {
				dst, _ := fill(s, idx, norm, tc.aug, stream, epoch)
				sz := s.ImageSize()
				for j, e := range idx {
					if want := reference(s, e, norm, tc.aug, stream, epoch); !slices.Equal(dst[j*sz:(j+1)*sz], want) {
						t.Fatalf("epoch %d example %d differs from the reference", epoch, e)
					}
				}
			}
		})
	}
}

// Flips and crops really happen, about as often as they should.
func TestFillBatchAugmentationApplied(t *testing.T) {
	s := randomSet(2000, 1, 8, 8)
	idx := make([]int, s.N)
	for i := range idx {
		idx[i] = i
	}
	plain, _ := fill(s, idx, Normalization{}, Augment{}, rng.Stream{}, 0)
	stream := rng.New(1, "aug")

	flipped, _ := fill(s, idx, Normalization{}, Augment{Flip: true}, stream, 0)
	nFlip := 0
	for e := range idx {
		a, b := plain[e*64:(e+1)*64], flipped[e*64:(e+1)*64]
		if slices.Equal(a, b) {
			continue
		}
		for y := 0; y < 8; y++ {
			for x := 0; x < 8; x++ {
				if b[y*8+x] != a[y*8+7-x] {
					t.Fatalf("example %d changed but is not a mirror image", e)
				}
			}
		}
		nFlip++
	}
	if nFlip < 900 || nFlip > 1100 {
		t.Errorf("%d of 2000 flipped, want about 1000", nFlip)
	}

	cropped, _ := fill(s, idx, Normalization{}, Augment{Crop: 2}, stream, 0)
	shifts := map[[2]int]int{}
	for e := range idx {
		a, b := plain[e*64:(e+1)*64], cropped[e*64:(e+1)*64]
		found := false
		for dy := -2; dy <= 2 && !found; dy++ {
			for dx := -2; dx <= 2 && !found; dx++ {
				ok := true
				for y := 0; y < 8 && ok; y++ {
					for x := 0; x < 8 && ok; x++ {
						want := float32(0)
						if sy, sx := y+dy, x+dx; sy >= 0 && sy < 8 && sx >= 0 && sx < 8 {
							want = a[sy*8+sx]
						}
						ok = b[y*8+x] == want
					}
				}
				if ok {
					shifts[[2]int{dy, dx}]++
					found = true
				}
			}
		}
		if !found {
			t.Fatalf("example %d is not a shifted copy", e)
		}
	}
	if len(shifts) != 25 {
		t.Errorf("%d distinct shifts, want all 25", len(shifts))
	}
	for sh, n := range shifts {
		if n < 40 || n > 130 { // expected 80
			t.Errorf("shift %v used %d times of 2000, want about 80", sh, n)
		}
	}
}

// An example is augmented the same way whatever batch it is in and wherever
// it sits in it, the same way again next call, and differently next epoch.
func TestFillBatchOrderIndependent(t *testing.T) {
	s := randomSet(500, 3, 32, 32)
	sz := s.ImageSize()
	norm := DefaultNormalization("cifar10")
	aug := Augment{Flip: true, Crop: 4}
	stream := rng.New(11, "augment")
	perm := make([]int, s.N)
	rng.New(3, "perm").Perm(perm)
	get := func(dst []float32, idx []int, e int) []float32 {
		j := slices.Index(idx, e)
		return dst[j*sz : (j+1)*sz]
	}
	batchA := perm[:128]
	batchB := slices.Clone(perm[64:192])
	slices.Reverse(batchB)
	a, la := fill(s, batchA, norm, aug, stream, 2)
	b, lb := fill(s, batchB, norm, aug, stream, 2)
	a2, _ := fill(s, batchA, norm, aug, stream, 2)
	if !slices.Equal(a, a2) {
		t.Fatal("same call, different result")
	}
	for _, e := range perm[64:128] {
		if !slices.Equal(get(a, batchA, e), get(b, batchB, e)) {
			t.Fatalf("example %d augmented differently in another batch", e)
		}
		if la[slices.Index(batchA, e)] != lb[slices.Index(batchB, e)] {
			t.Fatal("labels differ")
		}
	}
	// Single-example batches (no pool) agree with the big batch.
	for _, e := range batchA[:10] {
		one, _ := fill(s, []int{e}, norm, aug, stream, 2)
		if !slices.Equal(one, get(a, batchA, e)) {
			t.Fatalf("example %d differs alone", e)
		}
	}
	next, _ := fill(s, batchA, norm, aug, stream, 3)
	same := 0
	for j := range batchA {
		if slices.Equal(a[j*sz:(j+1)*sz], next[j*sz:(j+1)*sz]) {
			same++
		}
	}
	if same > 10 { // 1/162 chance each
		t.Errorf("%d of 128 examples augmented identically in epochs 2 and 3", same)
	}
	other, _ := fill(s, batchA, norm, aug, rng.New(12, "augment"), 2)
	if slices.Equal(a, other) {
		t.Error("different streams, same augmentation")
	}
}

// The pool's result equals a single goroutine's, also under concurrent calls.
func TestFillBatchParallelMatchesSerial(t *testing.T) {
	s := randomSet(400, 3, 32, 32)
	idx := make([]int, 300)
	rng.New(8, "idx").Perm(idx)
	norm := DefaultNormalization("cifar10")
	aug := Augment{Flip: true, Crop: 4}
	stream := rng.New(2, "augment")
	if len(idx)*s.ImageSize() < parallelMinPixels {
		t.Fatal("batch too small to use the pool")
	}
	want := make([]float32, len(idx)*s.ImageSize())
	wantLabels := make([]int32, len(idx))
	job := fillJob{dst: want, labels: wantLabels, s: s, idx: idx, norm: norm, aug: aug, stream: stream.Derive(1)}
	job.run(0, len(idx))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				got, labels := fill(s, idx, norm, aug, stream, 1)
				if !slices.Equal(got, want) || !slices.Equal(labels, wantLabels) {
					t.Error("parallel fill differs from serial")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestFillBatchDoesNotAllocate(t *testing.T) {
	s := randomSet(300, 3, 32, 32)
	norm := DefaultNormalization("cifar10")
	stream := rng.New(1, "augment")
	for _, n := range []int{4, 256} { // inline and pooled
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		dst := make([]float32, n*s.ImageSize())
		labels := make([]int32, n)
		epoch := 0
		for _, aug := range []Augment{{}, {Flip: true, Crop: 4}} {
			allocs := testing.AllocsPerRun(20, func() {
				epoch++
				FillBatch(dst, labels, s, idx, norm, aug, stream, epoch)
			})
			if allocs != 0 {
				t.Errorf("batch of %d, %+v: %v allocations per call", n, aug, allocs)
			}
		}
	}
}

func TestFillBatchPanics(t *testing.T) {
	s := randomSet(4, 3, 2, 2)
	ok := func() ([]float32, []int32, []int, Normalization, Augment) {
		return make([]float32, 2*12), make([]int32, 2), []int{0, 3}, DefaultNormalization("cifar10"), Augment{}
	}
	for _, tc := range []struct {
		name string
		edit func(*[]float32, *[]int32, *[]int, *Normalization, *Augment)
		want string
	}{
		{"short dst", func(d *[]float32, _ *[]int32, _ *[]int, _ *Normalization, _ *Augment) { *d = (*d)[:23] }, "dst holds 23 floats, need 24"},
		{"short labels", func(_ *[]float32, l *[]int32, _ *[]int, _ *Normalization, _ *Augment) { *l = (*l)[:1] }, "labels holds 1"},
		{"index too big", func(_ *[]float32, _ *[]int32, i *[]int, _ *Normalization, _ *Augment) { (*i)[1] = 4 }, "index 4 out of range"},
		{"negative index", func(_ *[]float32, _ *[]int32, i *[]int, _ *Normalization, _ *Augment) { (*i)[0] = -1 }, "index -1 out of range"},
		{"wrong channels", func(_ *[]float32, _ *[]int32, _ *[]int, n *Normalization, _ *Augment) {
			*n = DefaultNormalization("mnist")
		}, "1 means and 1 stds, set random has 3 channels"},
		{"zero std", func(_ *[]float32, _ *[]int32, _ *[]int, n *Normalization, _ *Augment) {
			*n = Normalization{Mean: []float32{0, 0, 0}, Std: []float32{1, 0, 1}}
		}, "zero standard deviation"},
		{"negative crop", func(_ *[]float32, _ *[]int32, _ *[]int, _ *Normalization, a *Augment) { a.Crop = -1 }, "negative crop"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, l, i, n, a := ok()
			tc.edit(&d, &l, &i, &n, &a)
			defer func() {
				r := recover()
				if r == nil || !contains(fmt.Sprint(r), tc.want) {
					t.Errorf("panic %v, want one mentioning %q", r, tc.want)
				}
			}()
			FillBatch(d, l, s, i, n, a, rng.Stream{}, 0)
		})
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func BenchmarkFillBatch(b *testing.B) {
	s := randomSet(1024, 3, 32, 32)
	idx := make([]int, 128)
	perm := make([]int, s.N)
	rng.New(1, "perm").Perm(perm)
	copy(idx, perm)
	dst := make([]float32, len(idx)*s.ImageSize())
	labels := make([]int32, len(idx))
	norm := DefaultNormalization("cifar10")
	stream := rng.New(1, "augment")
	for _, bc := range []struct {
		name string
		aug  Augment
	}{{"cifar128/flip+crop4", Augment{Flip: true, Crop: 4}}, {"cifar128/plain", Augment{}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(dst) * 4))
			b.ReportAllocs()
			epoch := 0
			for b.Loop() {
				FillBatch(dst, labels, s, idx, norm, bc.aug, stream, epoch)
				epoch++
			}
		})
	}
}
