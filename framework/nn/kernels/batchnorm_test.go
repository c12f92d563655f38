package kernels

import (
	"fmt"
	"math"
	"testing"
)

func TestBatchNorm(t *testing.T) {
	shapes := []struct{ n, c, hw int }{
		{3, 2, 49}, // N=3, C=2, 7×7
		{4, 3, 1},  // a flat feature vector
		{2, 5, 4},  // VGG's 2×2 maps
		{1, 2, 9},  // one image
	}
	for i, sh := range shapes {
		t.Run(fmt.Sprintf("%dx%dx%d", sh.n, sh.c, sh.hw), func(t *testing.T) {
			size := sh.n * sh.c * sh.hw
			// an offset and a spread per channel, as after a conv
			x := randVec(uint64(500+i), size, 1)
			for k := range x {
				ch := k / sh.hw % sh.c
				x[k] = float64(float32(x[k]*float64(ch+1) + 3*float64(ch) - 1))
			}
			r := randVec(uint64(600+i), size, 1)
			b := NewBatchNorm(sh.n, sh.c, sh.hw)
			runMean := make([]float64, sh.c)
			runVar := make([]float64, sh.c)
			for ch := range runVar {
				runVar[ch] = 1
			}
			y := make([]float32, size)
			dx := make([]float32, size)
			x32 := to32(x)
			for step := 0; step < 3; step++ {
				b.ForwardTrain(x32, y)
				y64, mean, variance := refBatchNorm(sh.n, sh.c, sh.hw, 1e-5, x)
				m := float64(sh.n * sh.hw)
				for ch := range runMean {
					runMean[ch] = 0.9*runMean[ch] + 0.1*mean[ch]
					runVar[ch] = 0.9*runVar[ch] + 0.1*variance[ch]*m/(m-1)
				}
				checkErr(t, "forward", relErr(y, y64), 1e-6)
				checkErr(t, "running mean", relErr(b.RunMean, runMean), 1e-6)
				checkErr(t, "running var", relErr(b.RunVar, runVar), 1e-6)
			}
			b.Backward(to32(r), dx)
			checkErr(t, "backward", relErr(dx, refBatchNormBackward(sh.n, sh.c, sh.hw, 1e-5, x, r)), 1e-5)
			fd := numGrad(func(v []float64) float64 { y, _, _ := refBatchNorm(sh.n, sh.c, sh.hw, 1e-5, v); return dot(r, y) }, x, 1e-5)
			checkErr(t, "backward FD", relErr(dx, fd), 1e-5)

			// in-place backward gives the same bits
			dyIn := to32(r)
			b.Backward(dyIn, dyIn)
			for k := range dx {
				if dyIn[k] != dx[k] {
					t.Fatalf("in-place Backward differs at %d", k)
				}
			}

			// evaluation uses the running statistics and leaves them alone
			ye := make([]float32, size)
			b.ForwardEval(x32, ye)
			want := make([]float64, size)
			for k := range x {
				ch := k / sh.hw % sh.c
				want[k] = (x[k] - float64(b.RunMean[ch])) / math.Sqrt(float64(b.RunVar[ch])+1e-5)
			}
			checkErr(t, "eval", relErr(ye, want), 1e-6)
			checkErr(t, "running var after eval", relErr(b.RunVar, runVar), 1e-6)
			// Backward still refers to the last training batch.
			b.Backward(to32(r), dx)
			checkErr(t, "backward after eval", relErr(dx, fd), 1e-5)
		})
	}
}

func TestBatchNormPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{"one value per channel", func() { NewBatchNorm(1, 2, 1).ForwardTrain(make([]float32, 2), make([]float32, 2)) }},
		{"in place", func() { x := make([]float32, 8); NewBatchNorm(2, 2, 2).ForwardTrain(x, x) }},
		{"backward first", func() { NewBatchNorm(2, 2, 2).Backward(make([]float32, 8), make([]float32, 8)) }},
		{"short input", func() { NewBatchNorm(2, 2, 2).ForwardEval(make([]float32, 7), make([]float32, 8)) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.f()
		})
	}
}
