package data

import "strings"

// Normalization maps pixels to network inputs, per channel c:
// x = (pixel/255 - Mean[c]) / Std[c]. Empty Mean and Std mean pixel/255.
type Normalization struct{ Mean, Std []float32 }

// DefaultNormalization returns the usual normalisation for dataset: for
// "mnist" Mean 0 and Std 1 (inputs in [0, 1]); for "cifar10" the training
// set's per-channel mean (0.4914, 0.4822, 0.4465) and standard deviation
// (0.247, 0.243, 0.261). Any other name gives the empty Normalization
// (pixel/255).
func DefaultNormalization(dataset string) Normalization {
	switch canonicalDataset(dataset) {
	case "mnist":
		return Normalization{Mean: []float32{0}, Std: []float32{1}}
	case "cifar10":
		return Normalization{
			Mean: []float32{0.4914, 0.4822, 0.4465},
			Std:  []float32{0.247, 0.243, 0.261},
		}
	}
	return Normalization{}
}

// canonicalDataset maps accepted spellings of a dataset name to its canonical
// form ("mnist", "cifar10"); other names are returned lower-cased.
func canonicalDataset(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	switch n {
	case "cifar-10", "cifar_10":
		return "cifar10"
	}
	return n
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
