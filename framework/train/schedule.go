// Package train runs an experiment: it loads the data, builds the network,
// trains it epoch by epoch with SGD under a learning-rate schedule,
// evaluates on validation and test sets, selects the best validation epoch,
// and writes the run directory.
package train

import (
	"math"

	"github.com/slotlab/slotlab/framework/config"
)

// LearningRate returns the learning rate of schedule s with base rate base
// at a point of training given in epochs (epoch e covers [e, e+1)), for a run
// of total epochs.
//
//	constant:       base
//	multistep:      base · gamma^(number of milestones ≤ epoch)
//	cosine:         min + (base−min)·(1+cos(π·t/total))/2
//	warm_restarts:  cosine within each cycle; cycles start at 0 and at each
//	                restart epoch (SGDR, Loshchilov & Hutter 2017); restarts
//	                at or past the end of the run are ignored
//
// Milestones and restarts are epoch numbers counted from 0: a restart at 25
// begins the 26th epoch with the full rate.
func LearningRate(s config.Schedule, base float64, t float64, total int) float64 {
	switch s.Type {
	case "multistep":
		lr := base
		for _, m := range s.Milestones {
			if t >= float64(m) {
				lr *= s.Gamma
			}
		}
		return lr
	case "cosine":
		return cosine(base, s.MinLR, t/float64(total))
	case "warm_restarts":
		start, end := 0.0, float64(total)
		for _, r := range s.Restarts {
			if r >= total {
				break
			}
			if t >= float64(r) {
				start = float64(r)
			} else {
				end = float64(r)
				break
			}
		}
		return cosine(base, s.MinLR, (t-start)/(end-start))
	}
	return base
}

func cosine(base, floor, frac float64) float64 {
	frac = math.Min(math.Max(frac, 0), 1)
	return floor + (base-floor)*(1+math.Cos(math.Pi*frac))/2
}
