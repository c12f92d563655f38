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

// A BatchNorm with the ReLU fused gives the bits of a BatchNorm and a
// ReLU run one after the other: forward in training and at evaluation,
// and backward, in place or not, on every kernel path of this machine.
func TestBatchNormReLUSameBitsAsTwoPasses(t *testing.T) {
	for i, sh := range []struct{ n, c, hw int }{{3, 2, 49}, {4, 3, 1}, {2, 5, 4}, {5, 4, 64}, {2, 3, 17}} {
		t.Run(fmt.Sprintf("%dx%dx%d", sh.n, sh.c, sh.hw), func(t *testing.T) {
			size := sh.n * sh.c * sh.hw
			x := to32(randVec(uint64(700+i), size, 2))
			x[0], x[size-1] = 0, float32(math.Copysign(0, -1))
			constantChannel(x, sh.n, sh.c, sh.hw, sh.c-1) // x̂ = 0 exactly: the ReLU's edge
			dy := to32(randVec(uint64(800+i), size, 1))

			// Two passes: batch norm, then ReLU; ReLU's backward, then batch norm's.
			two := NewBatchNorm(sh.n, sh.c, sh.hw)
			yb, y2 := make([]float32, size), make([]float32, size)
			two.ForwardTrain(x, yb)
			ReLUForward(yb, y2)
			g, dx2 := make([]float32, size), make([]float32, size)
			ReLUBackward(y2, dy, g)
			two.Backward(g, dx2)
			ye2 := make([]float32, size)
			two.ForwardEval(x, ye2)
			ReLUForward(ye2, ye2)

			one := NewBatchNorm(sh.n, sh.c, sh.hw)
			one.ReLU = true
			y1, dx1 := make([]float32, size), make([]float32, size)
			one.ForwardTrain(x, y1)
			one.Backward(dy, dx1)
			ye1 := make([]float32, size)
			one.ForwardEval(x, ye1)
			in := append([]float32(nil), dy...)
			one.Backward(in, in)

			zeros := 0
			for _, v := range y1 {
				if v == 0 {
					zeros++
				}
			}
			if zeros == 0 || zeros == size {
				t.Fatalf("%d of %d outputs are 0: the ReLU is not exercised", zeros, size)
			}
			for _, c := range []struct {
				name      string
				got, want []float32
			}{
				{"forward", y1, y2}, {"backward", dx1, dx2}, {"eval", ye1, ye2}, {"backward in place", in, dx2},
				{"running mean", one.RunMean, two.RunMean}, {"running var", one.RunVar, two.RunVar},
			} {
				if !sameBits(c.got, c.want) {
					t.Errorf("%s: fused differs from two passes", c.name)
				}
			}
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

// constantChannel sets channel ch of the n×c×hw tensor x to 0.5, so that
// batch norm's mean is exactly 0.5 and every x̂ there is exactly 0.
func constantChannel(x []float32, n, c, hw, ch int) {
	for i := 0; i < n; i++ {
		p := x[(i*c+ch)*hw:][:hw]
		for k := range p {
			p[k] = 0.5
		}
	}
}
