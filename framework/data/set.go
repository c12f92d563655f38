package data

import "fmt"

// Set is an in-memory labelled image set. Pixels are uint8, layout N×C×H×W
// (all of image 0's channel 0 rows, then channel 1, ...), as in CIFAR-10's
// binary files. Labels holds one class index in [0, Classes) per image.
type Set struct {
	Name       string // e.g. "mnist/train", "cifar10/test"
	N, C, H, W int
	Classes    int
	Pixels     []uint8
	Labels     []uint8
}

// ImageSize returns the number of bytes of one image, C×H×W.
func (s *Set) ImageSize() int { return s.C * s.H * s.W }

// Image returns the pixels of example i (C×H×W bytes, sharing memory).
func (s *Set) Image(i int) []uint8 {
	sz := s.ImageSize()
	return s.Pixels[i*sz : (i+1)*sz : (i+1)*sz]
}

// Limit returns the first n examples of s as a set with the same name,
// sharing s's memory. For n <= 0 or n >= s.N it returns s itself.
func (s *Set) Limit(n int) *Set {
	if n <= 0 || n >= s.N {
		return s
	}
	t := *s
	t.N = n
	t.Pixels = s.Pixels[: n*s.ImageSize() : n*s.ImageSize()]
	t.Labels = s.Labels[:n:n]
	return &t
}

// Subset returns a new set named name holding copies of the examples idx, in
// that order. It panics if an index is out of range.
func (s *Set) Subset(name string, idx []int) *Set {
	sz := s.ImageSize()
	t := &Set{Name: name, N: len(idx), C: s.C, H: s.H, W: s.W, Classes: s.Classes,
		Pixels: make([]uint8, len(idx)*sz), Labels: make([]uint8, len(idx))}
	for j, i := range idx {
		if i < 0 || i >= s.N {
			panic(fmt.Sprintf("data: Subset of %s: index %d out of range [0, %d)", s.Name, i, s.N))
		}
		copy(t.Pixels[j*sz:(j+1)*sz], s.Pixels[i*sz:(i+1)*sz])
		t.Labels[j] = s.Labels[i]
	}
	return t
}

// ClassCounts returns how many examples of each class s holds.
func (s *Set) ClassCounts() []int {
	counts := make([]int, s.Classes)
	for _, l := range s.Labels {
		if int(l) < len(counts) {
			counts[l]++
		}
	}
	return counts
}
