package selectkit

import (
	"math"
	"slices"
	"sort"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/rng"
)

func TestArgmax(t *testing.T) {
	nan := float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	for _, tc := range []struct {
		name   string
		k      int
		scores []float32
		want   []int32
	}{
		{"k=1", 1, []float32{3, -1}, []int32{0, 0}},
		{"k=2", 2, []float32{0.1, 0.2, 0.3, -0.3}, []int32{1, 0}},
		{"ties go to the lowest index", 4, []float32{7, 7, 7, 7, 0, 9, 9, 1}, []int32{0, 1}},
		{"−0 ties +0", 2, []float32{negZero, 0, 0, negZero}, []int32{0, 0}},
		{"negative", 3, []float32{-3, -2, -1}, []int32{2}},
		{"NaN never wins", 3, []float32{nan, 1, 2, 1, nan, 0}, []int32{2, 0}},
		{"all NaN", 3, []float32{nan, -5, nan, nan, nan, nan}, []int32{1, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx := make([]int32, len(tc.want))
			Argmax(idx, tc.scores, tc.k)
			if !slices.Equal(idx, tc.want) {
				t.Fatalf("got %v, want %v", idx, tc.want)
			}
		})
	}
}

func ctx(k, connections int, training bool, step int64, offset int) framework.SelectContext {
	return framework.SelectContext{Layer: framework.LayerInfo{Name: "l", Connections: connections, K: k},
		Training: training, Step: step, Offset: offset, Stream: framework.StreamKey(rng.New(3, "sel").Key)}
}

func TestCounter(t *testing.T) {
	c := ctx(4, 1000, true, 7, 300)
	if got, want := Counter(c, 5), uint64(7*1000+300+5); got != want {
		t.Fatalf("Counter = %d, want %d", got, want)
	}
}

// TestSampleSoftmaxFrequencies checks that the draws follow softmax(scores).
func TestSampleSoftmaxFrequencies(t *testing.T) {
	row := []float32{0, 1, 2, -1}
	const n = 200000
	k := len(row)
	scores := make([]float32, 0, n*k)
	for range n {
		scores = append(scores, row...)
	}
	idx := make([]int32, n)
	c := ctx(k, n, true, 0, 0)
	SampleSoftmax(idx, scores, c, c.Stream.Stream())
	counts := make([]int, k)
	for _, j := range idx {
		counts[j]++
	}
	var z float64
	for _, s := range row {
		z += math.Exp(float64(s))
	}
	for j, s := range row {
		p := math.Exp(float64(s)) / z
		got := float64(counts[j]) / n
		if sd := math.Sqrt(p * (1 - p) / n); math.Abs(got-p) > 5*sd {
			t.Errorf("candidate %d: frequency %.4f, softmax %.4f", j, got, p)
		}
	}
}

// TestSampleSoftmaxIsCounterBased checks that a draw depends only on
// (step, connection): a layer selected in two parts (split off the
// sampling block) equals the layer selected whole, and another step
// differs.
func TestSampleSoftmaxIsCounterBased(t *testing.T) {
	const n, k = 1000, 4
	scores := make([]float32, n*k)
	s := rng.New(5, "scores")
	for i := range scores {
		scores[i] = s.Float32(uint64(i))
	}
	st := ctx(k, n, true, 7, 0).Stream.Stream()
	whole := make([]int32, n)
	SampleSoftmax(whole, scores, ctx(k, n, true, 7, 0), st)
	parts := make([]int32, n)
	SampleSoftmax(parts[:300], scores[:300*k], ctx(k, n, true, 7, 0), st)
	SampleSoftmax(parts[300:], scores[300*k:], ctx(k, n, true, 7, 300), st)
	next := make([]int32, n)
	SampleSoftmax(next, scores, ctx(k, n, true, 8, 0), st)
	if !slices.Equal(whole, parts) {
		t.Error("splitting the layer changed the draws")
	}
	if slices.Equal(whole, next) {
		t.Error("the next step drew exactly the same selection")
	}
}

// topRef is Top by sorting: indices by key, largest first, ties by index.
func topRef(keys []float32, n int) []bool {
	ord := make([]int, len(keys))
	for i := range ord {
		ord[i] = i
	}
	less := func(a, b float32) bool { // a ranks below b
		switch {
		case a != a:
			return b == b
		case b != b:
			return false
		}
		return a < b
	}
	sort.SliceStable(ord, func(i, j int) bool { return less(keys[ord[j]], keys[ord[i]]) })
	top := make([]bool, len(keys))
	for _, i := range ord[:max(0, min(n, len(keys)))] {
		top[i] = true
	}
	return top
}

func TestTop(t *testing.T) {
	nan := float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	inf := float32(math.Inf(1))
	for _, tc := range []struct {
		name string
		keys []float32
		n    int
		want []bool
	}{
		{"none", []float32{1, 2, 3}, 0, []bool{false, false, false}},
		{"negative n", []float32{1, 2, 3}, -1, []bool{false, false, false}},
		{"all", []float32{1, 2, 3}, 3, []bool{true, true, true}},
		{"more than all", []float32{1, 2, 3}, 9, []bool{true, true, true}},
		{"largest", []float32{1, 5, 3, 4}, 2, []bool{false, true, false, true}},
		{"negative keys", []float32{-1, -5, -3, -4}, 2, []bool{true, false, true, false}},
		{"ties to the lower index", []float32{2, 7, 7, 7, 1}, 2, []bool{false, true, true, false, false}},
		{"−0 equals +0", []float32{0, negZero, negZero, 0}, 3, []bool{true, true, true, false}},
		{"NaN ranks last", []float32{nan, float32(math.Inf(-1)), nan, -1}, 2, []bool{false, true, false, true}},
		{"NaN taken last", []float32{nan, 1, nan}, 2, []bool{true, true, false}},
		{"infinity", []float32{inf, 3, inf}, 1, []bool{true, false, false}},
		{"empty", nil, 1, []bool{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			top := make([]bool, len(tc.keys))
			for i := range top {
				top[i] = i%2 == 0 // stale contents must be overwritten
			}
			Top(top, tc.keys, tc.n)
			if !slices.Equal(top, tc.want) {
				t.Fatalf("got %v, want %v", top, tc.want)
			}
			if ref := topRef(tc.keys, tc.n); !slices.Equal(top, ref) {
				t.Fatalf("got %v, the sort gives %v", top, ref)
			}
		})
	}
}

// TestTopMatchesSort compares Top with sorting on keys with many ties
// (few distinct values) and on keys with none, at every n of a small
// layer and at a few of a larger one.
func TestTopMatchesSort(t *testing.T) {
	s := rng.New(9, "keys")
	for _, tc := range []struct {
		name     string
		size     int
		distinct int // 0: continuous values
	}{
		{"ties", 40, 5},
		{"signs", 40, 0},
		{"large", 5000, 0},
		{"large with ties", 5000, 37},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys := make([]float32, tc.size)
			for i := range keys {
				u := s.Float32(uint64(i + 100*tc.size))
				keys[i] = 2*u - 1
				if tc.distinct > 0 {
					keys[i] = float32(int(u*float32(tc.distinct))) - 2
				}
			}
			ns := []int{0, 1, tc.size / 3, tc.size / 2, tc.size - 1, tc.size}
			if tc.size <= 40 {
				ns = ns[:0]
				for n := range tc.size + 1 {
					ns = append(ns, n)
				}
			}
			top := make([]bool, tc.size)
			for _, n := range ns {
				Top(top, keys, n)
				if ref := topRef(keys, n); !slices.Equal(top, ref) {
					t.Fatalf("n = %d: Top differs from sorting", n)
				}
			}
		})
	}
}

// BenchmarkTop ranks the connections of Lenet's first layer.
func BenchmarkTop(b *testing.B) {
	const n = 784 * 300
	keys := make([]float32, n)
	s := rng.New(1, "keys")
	for i := range keys {
		keys[i] = s.Float32(uint64(i))
	}
	top := make([]bool, n)
	b.SetBytes(4 * n)
	for b.Loop() {
		Top(top, keys, n/2)
	}
}
