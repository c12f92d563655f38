package glorotuniform

import (
	"math"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/rng"
)

func TestBoundsAndRange(t *testing.T) {
	layer := framework.LayerInfo{Name: "d", Kind: framework.Dense, FanIn: 784, FanOut: 300, K: 8}
	for _, tc := range []struct {
		bound string
		want  float64
	}{
		{"std", math.Sqrt(2.0 / 1084)},
		{"glorot", math.Sqrt(6.0 / 1084)},
	} {
		g := &GlorotUniform{Bound: tc.bound}
		if err := g.Validate(); err != nil {
			t.Fatal(err)
		}
		dst := make([]float32, 100000)
		s := rng.New(1, "w")
		if err := g.Fill(dst, framework.TensorInfo{Layer: layer, Role: framework.Weights, Stream: framework.StreamKey(s.Key)}); err != nil {
			t.Fatal(err)
		}
		lo, hi, sum := 0.0, 0.0, 0.0
		for _, v := range dst {
			lo, hi, sum = math.Min(lo, float64(v)), math.Max(hi, float64(v)), sum+float64(v)
		}
		if hi > tc.want || lo < -tc.want || hi < 0.99*tc.want || lo > -0.99*tc.want {
			t.Errorf("bound %s: values in [%v, %v], want U(−%v, %v)", tc.bound, lo, hi, tc.want, tc.want)
		}
		if math.Abs(sum/float64(len(dst))) > 0.01*tc.want {
			t.Errorf("bound %s: mean %v is not near 0", tc.bound, sum/float64(len(dst)))
		}
	}
	if err := (&GlorotUniform{Bound: "he"}).Validate(); err == nil {
		t.Fatal("bound he was accepted")
	}
}

// TestFillByParts checks that filling a tensor in parts gives the same
// values as filling it whole (weights can be regenerated piecewise).
func TestFillByParts(t *testing.T) {
	g := &GlorotUniform{Bound: "std"}
	info := framework.TensorInfo{Layer: framework.LayerInfo{FanIn: 10, FanOut: 10}}
	s := rng.New(2, "w")
	whole := make([]float32, 1000)
	_ = g.Fill(whole, withStream(info, s))
	part := make([]float32, 300)
	info.Offset = 700
	_ = g.Fill(part, withStream(info, s))
	for i := range part {
		if part[i] != whole[700+i] {
			t.Fatalf("element %d differs when filled by parts", 700+i)
		}
	}
}

func withStream(t framework.TensorInfo, s rng.Stream) framework.TensorInfo {
	t.Stream = framework.StreamKey(s.Key)
	return t
}

// TestFillMatchesFormula checks Fill bit for bit against the element-wise
// formula it always used, bound*(2u−1), over bounds, offsets and lengths
// (the vectorised fill must not change a single value of a model).
func TestFillMatchesFormula(t *testing.T) {
	for _, bound := range []string{"std", "glorot"} {
		g := &GlorotUniform{Bound: bound}
		for _, fan := range [][2]int{{784, 300}, {3, 5}, {4608, 512}, {1, 1}} {
			layer := framework.LayerInfo{Kind: framework.Dense, FanIn: fan[0], FanOut: fan[1]}
			b, _ := BoundOf(bound, fan[0], fan[1])
			bf := float32(b)
			for _, key := range []uint64{0, 1, rng.New(5, "weights", "fc2").Key, 1<<64 - 1} {
				for _, off := range []uint64{0, 3, 1 << 20, 1<<64 - 40} {
					for _, n := range []int{0, 1, 5, 8, 13, 64, 1001} {
						info := framework.TensorInfo{Layer: layer, Role: framework.Weights, Offset: off, Stream: framework.StreamKey(key)}
						dst := make([]float32, n)
						if err := g.Fill(dst, info); err != nil {
							t.Fatal(err)
						}
						for j, v := range dst {
							want := bf * (2*info.Uniform(off+uint64(j)) - 1)
							if math.Float32bits(v) != math.Float32bits(want) {
								t.Fatalf("bound %s fan %v key %#x offset %d: dst[%d] = %v, want %v", bound, fan, key, off, j, v, want)
							}
						}
					}
				}
			}
		}
	}
}

// TestDefaultsReproduce pins the default bound that reproduces the paper's
// numbers (docs/reproduction.md): sqrt(6/(fan_in+fan_out)).
func TestDefaultsReproduce(t *testing.T) {
	g := (&GlorotUniform{}).SlotlabModule().New().(*GlorotUniform)
	if g.Bound != "glorot" {
		t.Fatalf("glorot_uniform default bound %q, want glorot", g.Bound)
	}
}
