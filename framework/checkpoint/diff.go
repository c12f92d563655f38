package checkpoint

import (
	"math"
	"slices"
	"sort"
)

// Diff compares the tensors of two checkpoint files bit for bit, ignoring
// their metadata (which holds wall times): whether two builds, or two
// thread counts, trained the same state. It returns a line for each tensor
// that differs in bits, type or length ("differs: NAME") or is in one file
// only ("only in one file: NAME"), sorted by name, and the number of tensor
// names in the two files together.
func Diff(pathA, pathB string) (diffs []string, names int, err error) {
	a, err := Read(pathA, nil)
	if err != nil {
		return nil, 0, err
	}
	b, err := Read(pathB, nil)
	if err != nil {
		return nil, 0, err
	}
	var all []string
	for k := range a {
		all = append(all, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			all = append(all, k)
		}
	}
	sort.Strings(all)
	for _, k := range all {
		ta, oka := a[k]
		tb, okb := b[k]
		switch {
		case !oka || !okb:
			diffs = append(diffs, "only in one file: "+k)
		case !sameBits(ta, tb):
			diffs = append(diffs, "differs: "+k)
		}
	}
	return diffs, len(all), nil
}

// sameBits reports whether x and y hold the same type, length and bits.
func sameBits(x, y Tensor) bool {
	if (x.F32 == nil) != (y.F32 == nil) || (x.F64 == nil) != (y.F64 == nil) || (x.I32 == nil) != (y.I32 == nil) {
		return false
	}
	return slices.Equal(x.I32, y.I32) &&
		slices.EqualFunc(x.F32, y.F32, func(p, q float32) bool { return math.Float32bits(p) == math.Float32bits(q) }) &&
		slices.EqualFunc(x.F64, y.F64, func(p, q float64) bool { return math.Float64bits(p) == math.Float64bits(q) })
}
