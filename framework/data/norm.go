package data

import "slices"

// Normalization maps pixels to network inputs, per channel c:
// x = (pixel/255 - Mean[c]) / Std[c]. Empty Mean and Std mean pixel/255.
type Normalization struct{ Mean, Std []float32 }

// DefaultNormalization returns the normalisation of the registered dataset
// that dataset names (Dataset.Norm), or the empty Normalization (pixel/255)
// for a name no dataset has.
func DefaultNormalization(dataset string) Normalization {
	d, _ := Lookup(dataset)
	return Normalization{Mean: slices.Clone(d.Norm.Mean), Std: slices.Clone(d.Norm.Std)}
}

// lut fills t with the normalised value of every pixel value for channel c.
func (n Normalization) lut(c int, t *[256]float32) {
	mean, std := float32(0), float32(1)
	if len(n.Mean) > 0 {
		mean, std = n.Mean[c], n.Std[c]
	}
	for v := range t {
		t[v] = (float32(v)/255 - mean) / std
	}
}
