package checkpoint

import (
	"math"
	"path/filepath"
	"slices"
	"testing"
)

// Diff finds a change of one bit, a change of type, a tensor missing
// from one file, and nothing in identical tensors whose metadata differs.
func TestDiff(t *testing.T) {
	nan := math.Float32frombits(0x7fc00001)
	base := func() []Tensor {
		return []Tensor{
			{Name: "y", F32: []float32{1, -0.5, nan}},
			{Name: "coef", F64: []float64{0.25, 3}},
			{Name: "idx", I32: []int32{7, 0}},
		}
	}
	write := func(name string, meta any, ts []Tensor) string {
		p := filepath.Join(t.TempDir(), name)
		if err := Write(p, meta, ts, ""); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ref := write("a.bin", map[string]float64{"seconds": 1}, base())
	for _, tc := range []struct {
		name  string
		edit  func([]Tensor) []Tensor
		diffs []string
	}{
		{"same tensors, other metadata", func(ts []Tensor) []Tensor { return ts }, nil},
		{"one bit", func(ts []Tensor) []Tensor {
			ts[0].F32[1] = math.Nextafter32(-0.5, 0)
			return ts
		}, []string{"differs: y"}},
		{"an extra tensor", func(ts []Tensor) []Tensor {
			return append(ts, Tensor{Name: "z", F32: []float32{0}})
		}, []string{"only in one file: z"}},
		{"type", func(ts []Tensor) []Tensor {
			ts[2] = Tensor{Name: "idx", F32: []float32{7, 0}}
			return ts
		}, []string{"differs: idx"}},
		{"missing", func(ts []Tensor) []Tensor { return ts[:2] }, []string{"only in one file: idx"}},
	} {
		other := write("b.bin", map[string]float64{"seconds": 2}, tc.edit(base()))
		diffs, n, err := Diff(ref, other)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(diffs, tc.diffs) || n < 3 {
			t.Errorf("%s: %d tensors, diffs %q, want %q", tc.name, n, diffs, tc.diffs)
		}
	}
	// A zero of the other sign is a different bit pattern.
	a := write("z0.bin", nil, []Tensor{{Name: "z", F32: []float32{0}}})
	b := write("z1.bin", nil, []Tensor{{Name: "z", F32: []float32{float32(math.Copysign(0, -1))}}})
	if diffs, _, _ := Diff(a, b); len(diffs) != 1 {
		t.Errorf("0 against -0: %q, want one difference", diffs)
	}
}
