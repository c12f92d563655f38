package data

import (
	"fmt"
	"math"
	"slices"

	"github.com/slotlab/slotlab/framework/rng"
)

// Split returns a seeded random split of s into train and val: val gets
// round(valFraction×N) examples chosen by a permutation drawn from
// rng.New(seed, "split", s.Name), train the rest. Both keep the examples in
// their original relative order and are copies named s.Name+":train" and
// s.Name+":val". valFraction must be in [0, 1); 0 gives an empty val set of
// the same shape.
func Split(s *Set, valFraction float64, seed uint64) (train, val *Set, err error) {
	if !(valFraction >= 0 && valFraction < 1) {
		return nil, nil, fmt.Errorf("data: split of %s: validation fraction %v is not in [0, 1)", s.Name, valFraction)
	}
	nVal := int(math.Round(valFraction * float64(s.N)))
	perm := make([]int, s.N)
	rng.New(seed, "split", s.Name).Perm(perm)
	valIdx, trainIdx := perm[:nVal], perm[nVal:]
	slices.Sort(valIdx)
	slices.Sort(trainIdx)
	return s.Subset(s.Name+":train", trainIdx), s.Subset(s.Name+":val", valIdx), nil
}
