package data

import (
	"bytes"
	"slices"
	"testing"
)

// seqSet returns a set of n 1×2×2 images; image i has all pixels byte(i) and label i%10.
func seqSet(name string, n int) *Set {
	s := &Set{Name: name, N: n, C: 1, H: 2, W: 2, Classes: 10, Pixels: make([]uint8, 4*n), Labels: make([]uint8, n)}
	for i := 0; i < n; i++ {
		for k := 0; k < 4; k++ {
			s.Pixels[4*i+k] = byte(i)
		}
		s.Labels[i] = byte(i % 10)
	}
	return s
}

// ids returns the example identities (first pixel, plus 256 × the pixel's
// wrap count recovered from order) of a subset of seqSet(n ≤ 256).
func ids(s *Set) []int {
	out := make([]int, s.N)
	for i := range out {
		out[i] = int(s.Pixels[4*i])
	}
	return out
}

func TestSplit(t *testing.T) {
	s := seqSet("toy/train", 250)
	for _, tc := range []struct {
		frac float64
		nVal int
	}{{0, 0}, {0.1, 25}, {0.5, 125}, {0.002, 1}, {0.001, 0}, {0.999, 250}} {
		train, val, err := Split(s, tc.frac, 7)
		if err != nil {
			t.Fatal(err)
		}
		if val.N != tc.nVal || train.N != s.N-tc.nVal || len(val.Labels) != val.N || len(train.Pixels) != 4*train.N {
			t.Fatalf("frac %v: train %d val %d, want val %d", tc.frac, train.N, val.N, tc.nVal)
		}
		if val.C != 1 || val.H != 2 || val.W != 2 || val.Classes != 10 || train.Name != "toy/train:train" || val.Name != "toy/train:val" {
			t.Fatalf("frac %v: shapes or names wrong: %+v", tc.frac, val)
		}
		// Disjoint, union = all, each in original order, labels kept.
		all := append(ids(train), ids(val)...)
		if !slices.IsSorted(ids(train)) || !slices.IsSorted(ids(val)) {
			t.Error("parts are not in original order")
		}
		slices.Sort(all)
		for i, v := range all {
			if v != i {
				t.Fatalf("frac %v: union is not the whole set (at %d: %d)", tc.frac, i, v)
			}
		}
		for _, p := range []*Set{train, val} {
			for i, id := range ids(p) {
				if p.Labels[i] != byte(id%10) {
					t.Fatal("label does not follow its image")
				}
			}
		}
	}

	a1, v1, _ := Split(s, 0.2, 1)
	a2, v2, _ := Split(s, 0.2, 1)
	_, v3, _ := Split(s, 0.2, 2)
	if !bytes.Equal(a1.Pixels, a2.Pixels) || !bytes.Equal(v1.Pixels, v2.Pixels) {
		t.Error("same seed, different split")
	}
	if bytes.Equal(v1.Pixels, v3.Pixels) {
		t.Error("different seeds, same split")
	}
	// The stream depends on the set's name.
	other := seqSet("toy/other", 250)
	if _, v4, _ := Split(other, 0.2, 1); bytes.Equal(v1.Pixels, v4.Pixels) {
		t.Error("different set names, same split")
	}
}

func TestSplitBadFraction(t *testing.T) {
	s := seqSet("toy", 10)
	for _, f := range []float64{-0.1, 1, 1.5, nanFloat()} {
		if _, _, err := Split(s, f, 1); err == nil {
			t.Errorf("fraction %v accepted", f)
		} else {
			wantErr(t, err, "toy", "not in [0, 1)")
		}
	}
}

func nanFloat() float64 {
	z := 0.0
	return z / z
}

func TestLimitAndSubset(t *testing.T) {
	s := seqSet("toy", 20)
	if s.Limit(0) != s || s.Limit(-1) != s || s.Limit(20) != s || s.Limit(21) != s {
		t.Error("Limit returned a new set when it should return s")
	}
	l := s.Limit(5)
	if l.N != 5 || len(l.Pixels) != 20 || len(l.Labels) != 5 || l.Name != "toy" {
		t.Fatalf("Limit(5) = N %d, %d pixels", l.N, len(l.Pixels))
	}
	l.Pixels[0] = 99
	if s.Pixels[0] != 99 {
		t.Error("Limit does not share memory")
	}
	sub := s.Subset("pick", []int{7, 2, 7})
	if sub.Name != "pick" || sub.N != 3 || !slices.Equal(ids(sub), []int{7, 2, 7}) || !bytes.Equal(sub.Labels, []byte{7, 2, 7}) {
		t.Fatalf("Subset = %+v", sub)
	}
	sub.Pixels[4] = 1
	if s.Pixels[4*2] != 2 {
		t.Error("Subset shares memory")
	}
	defer func() {
		if recover() == nil {
			t.Error("Subset with an out-of-range index did not panic")
		}
	}()
	s.Subset("bad", []int{20})
}
