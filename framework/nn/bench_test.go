package nn

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn/gemm"
	"github.com/slotlab/slotlab/framework/rng"
	"github.com/slotlab/slotlab/plugins/selectors/probabilistic"
)

// BenchmarkLenetStep times one training step of Lenet-300-100 at batch 128:
// forward, backward, score (or weight) update and the next selection.
// The slot-regen variants set Options.Regenerate, so that every step draws
// the initial scores and candidate weights again, with the built-in
// initializers (glorot_uniform and scaled_uniform, as the configs use).
func BenchmarkLenetStep(b *testing.B) {
	for _, c := range []struct {
		method framework.Method
		k      int
		regen  bool
		ps     bool
	}{{"slot", 8, false, false}, {"slot", 64, false, false}, {"learned", 1, false, false}, {"slot", 8, true, false}, {"slot", 64, true, false},
		{"slot", 8, false, true}, {"slot", 32, false, true}} {
		name := string(c.method)
		if c.regen {
			name += "-regen"
		}
		if c.ps {
			name += "-ps"
		}
		b.Run(fmt.Sprintf("%s/K%d", name, c.k), func(b *testing.B) {
			const batch = 128
			o := testOptions(c.method, c.k, batch)
			o.Selector = fusedArgmax{} // as selectors.greedy
			if c.ps {
				o.Selector = &probabilistic.Probabilistic{Eval: "argmax"}
			}
			if c.regen {
				o.Regenerate = true
				o.WeightInit, o.ScoreInit = paperInit{}, paperInit{lambda: 0.1}
			}
			n, err := Build(lenetArch(), o)
			if err != nil {
				b.Fatal(err)
			}
			x, y := n.TrainInput()
			s := rng.New(1, "bench")
			for i := range x {
				x[i] = s.Float32(uint64(i))
			}
			for i := range y {
				y[i] = int32(i % 10)
			}
			h := Hyper{LR: 0.1, Momentum: 0.9, WeightDecay: 1e-4}
			for i := 0; i < 3; i++ {
				if _, _, err := n.TrainStep(h); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := n.TrainStep(h); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// BenchmarkArchitectures times one training step of every network of the
// paper (the architecture files), as a K=8 slot machine and with learned
// weights, at batch 128, the batch of every experiment file.
func BenchmarkArchitectures(b *testing.B) {
	for _, name := range []string{"lenet-300-100", "conv2", "conv4", "conv6", "vgg19"} {
		for _, method := range []framework.Method{framework.MethodSlot, framework.MethodLearned} {
			b.Run(name+"/"+string(method), func(b *testing.B) {
				batch := 128
				n := benchNetwork(b, name, method, batch)
				h := Hyper{LR: 0.1, Momentum: 0.9, WeightDecay: 1e-4}
				for i := 0; i < 2; i++ {
					if _, _, err := n.TrainStep(h); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, _, err := n.TrainStep(h); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
			})
		}
	}
}

// BenchmarkReLUGradFold times a K=8 slot training step of CONV-2, CONV-4
// and CONV-6 at batch 128 with the gradient of each conv's fused ReLU done
// by the max pool after it (foldsReLUGrad) and without, two networks built
// side by side and stepped alternately, and reports the median of the
// per-pair ratios (unfolded time / folded time: above 1, folding saves).
// SLOTLAB_CONV=auto4 runs it with F(4×4) where measured faster.
func BenchmarkReLUGradFold(b *testing.B) {
	for _, name := range []string{"conv2", "conv4", "conv6"} {
		b.Run(name, func(b *testing.B) {
			h := Hyper{LR: 0.1, Momentum: 0.9, WeightDecay: 1e-4}
			var nets [2]*Network
			for k, fold := range []bool{false, true} {
				defer func(v bool) { foldReLUGrad = v }(foldReLUGrad)
				foldReLUGrad = fold
				nets[k] = benchNetwork(b, name, framework.MethodSlot, 128)
			}
			step := func(n *Network) time.Duration {
				t0 := time.Now()
				if _, _, err := n.TrainStep(h); err != nil {
					b.Fatal(err)
				}
				return time.Since(t0)
			}
			for range 2 {
				step(nets[0])
				step(nets[1])
			}
			var ratios []float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var un, fo time.Duration
				if i%2 == 0 {
					un, fo = step(nets[0]), step(nets[1])
				} else {
					fo, un = step(nets[1]), step(nets[0])
				}
				ratios = append(ratios, un.Seconds()/fo.Seconds())
			}
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "unfolded/folded")
		})
	}
}

// benchNetwork builds the network of architectures/NAME.yaml for the
// benchmarks (K=8 where a slot machine, paper initialization, the fused
// argmax selector) at batch, with a batch of inputs uniform in [-1, 1).
func benchNetwork(b *testing.B, name string, method framework.Method, batch int) *Network {
	b.Helper()
	a, err := loadSpec(filepath.Join("..", "..", "architectures", name+".yaml"))
	if err != nil {
		b.Fatal(err)
	}
	o := testOptions(method, 8, batch)
	o.Selector = fusedArgmax{}
	o.WeightInit, o.ScoreInit = paperInit{}, paperInit{lambda: 1}
	n, err := Build(a, o)
	if err != nil {
		b.Fatal(err)
	}
	x, y := n.TrainInput()
	s := rng.New(1, "bench")
	for i := range x {
		x[i] = 2*s.Float32(uint64(i)) - 1
	}
	for i := range y {
		y[i] = int32(i % 10)
	}
	return n
}

// BenchmarkTransposedAInPlace steps one network with a transposed A read
// in place by the AVX-512 kernels and packed (gemm.SetReadInPlace),
// alternating step by step, and reports the median of the per-pair ratios
// (packed time / in place time: above 1, in place is faster). Run it with
// SLOTLAB_CONV=auto4 for the f4 path.
func BenchmarkTransposedAInPlace(b *testing.B) {
	if gemm.ISA() != "avx512" {
		b.Skip("the in-place transposed A is on the AVX-512 path only")
	}
	for _, name := range []string{"conv4", "conv6", "vgg19"} {
		b.Run(name, func(b *testing.B) {
			h := Hyper{LR: 0.1, Momentum: 0.9, WeightDecay: 1e-4}
			n := benchNetwork(b, name, framework.MethodSlot, 128)
			step := func(inPlace bool) time.Duration {
				defer gemm.SetReadInPlace(inPlace, true)()
				t0 := time.Now()
				if _, _, err := n.TrainStep(h); err != nil {
					b.Fatal(err)
				}
				return time.Since(t0)
			}
			step(false)
			step(true)
			var ratios []float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var p, t time.Duration
				if i%2 == 0 {
					p, t = step(false), step(true)
				} else {
					t, p = step(true), step(false)
				}
				ratios = append(ratios, p.Seconds()/t.Seconds())
			}
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "packed/inplace")
		})
	}
}
