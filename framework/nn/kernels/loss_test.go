package kernels

import (
	"math"
	"testing"
)

func TestSoftmaxCrossEntropy(t *testing.T) {
	tests := []struct {
		name   string
		n, k   int
		scale  float64 // logit scale
		labels []int32
	}{
		{"small", 3, 4, 3, []int32{2, 0, 3}},
		{"cifar", 5, 10, 5, []int32{9, 0, 4, 4, 1}},
		{"huge logits", 2, 3, 1e4, []int32{0, 2}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lg := randVec(uint64(900+i), tc.n*tc.k, tc.scale)
			loss64, probs64, grad64 := refSoftmaxCE(lg, tc.labels, tc.n, tc.k)
			probs := make([]float32, len(lg))
			loss, correct := SoftmaxCrossEntropy(to32(lg), tc.labels, tc.n, tc.k, probs)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				t.Fatalf("loss = %v", loss)
			}
			if e := math.Abs(loss-loss64) / math.Max(1, math.Abs(loss64)); e > 1e-12 {
				t.Errorf("loss %v, want %v", loss, loss64)
			}
			wantCorrect := 0
			for r := 0; r < tc.n; r++ {
				best := 0
				for j := 1; j < tc.k; j++ {
					if lg[r*tc.k+j] > lg[r*tc.k+best] {
						best = j
					}
				}
				if best == int(tc.labels[r]) {
					wantCorrect++
				}
			}
			if correct != wantCorrect {
				t.Errorf("correct = %d, want %d", correct, wantCorrect)
			}
			checkErr(t, "probs", relErr(probs, probs64), 1e-7)
			d := make([]float32, len(lg))
			SoftmaxCrossEntropyBackward(probs, tc.labels, tc.n, tc.k, 2, d)
			for j := range grad64 {
				grad64[j] *= 2
			}
			checkErr(t, "dlogits", relErr(d, grad64), 2e-7)
			if tc.scale < 100 {
				fd := numGrad(func(v []float64) float64 { l, _, _ := refSoftmaxCE(v, tc.labels, tc.n, tc.k); return 2 * l }, lg, 1e-5)
				checkErr(t, "dlogits FD", relErr(d, fd), 1e-6)
			}
		})
	}
}

// Ties count as correct only for the first maximal class.
func TestSoftmaxCrossEntropyTies(t *testing.T) {
	lg := []float32{1, 1, 0, 0, 2, 2}
	probs := make([]float32, 6)
	loss, correct := SoftmaxCrossEntropy(lg, []int32{0, 2}, 2, 3, probs)
	if correct != 1 {
		t.Errorf("correct = %d, want 1", correct)
	}
	want := (math.Log(math.E+math.E+1) - 1 + math.Log(1+2*math.E*math.E) - 2) / 2
	if math.Abs(loss-want) > 1e-6 {
		t.Errorf("loss = %v, want %v", loss, want)
	}
}

func TestSoftmaxCrossEntropyBadLabel(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for label out of range")
		}
	}()
	SoftmaxCrossEntropy(make([]float32, 4), []int32{0, 2}, 2, 2, make([]float32, 4))
}
