package scaleduniform

import (
	"math"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/rng"
	"github.com/slotlab/slotlab/plugins/initializers/glorotuniform"
)

func TestScalesPerLayerKind(t *testing.T) {
	s := &ScaledUniform{Bound: "std", Conv: 1, Dense: 0.1}
	for _, tc := range []struct {
		kind framework.LayerKind
		fin  int
		fout int
		want float64
	}{
		{framework.Dense, 784, 300, 0.1 * math.Sqrt(2.0/1084)},
		{framework.Conv, 27, 576, 1 * math.Sqrt(2.0/603)},
	} {
		dst := make([]float32, 50000)
		info := framework.TensorInfo{Layer: framework.LayerInfo{Kind: tc.kind, FanIn: tc.fin, FanOut: tc.fout}, Role: framework.Scores}
		if err := s.Fill(dst, withStream(info, rng.New(1, "s"))); err != nil {
			t.Fatal(err)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range dst {
			lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
		}
		if lo < 0 || hi > tc.want || hi < 0.99*tc.want {
			t.Errorf("%s: scores in [%v, %v], want U(0, %v)", tc.kind, lo, hi, tc.want)
		}
	}
	for _, bad := range []*ScaledUniform{{Bound: "std", Conv: 0, Dense: 1}, {Bound: "x", Conv: 1, Dense: 1}, {Bound: "std", Conv: 1, Dense: -1}} {
		if bad.Validate() == nil {
			t.Errorf("%+v was accepted", bad)
		}
	}
}

func withStream(t framework.TensorInfo, s rng.Stream) framework.TensorInfo {
	t.Stream = framework.StreamKey(s.Key)
	return t
}

// TestFillMatchesFormula checks Fill bit for bit against the element-wise
// formula it always used, hi*u with hi = float32(λ·b), over layer kinds,
// offsets and lengths.
func TestFillMatchesFormula(t *testing.T) {
	for _, s := range []*ScaledUniform{{Bound: "std", Conv: 1, Dense: 0.1}, {Bound: "glorot", Conv: 1, Dense: 1}, {Bound: "std", Conv: 0.37, Dense: 3}} {
		for _, kind := range []framework.LayerKind{framework.Dense, framework.Conv} {
			for _, fan := range [][2]int{{784, 300}, {27, 576}, {1, 1}} {
				layer := framework.LayerInfo{Kind: kind, FanIn: fan[0], FanOut: fan[1]}
				b, _ := glorotuniform.BoundOf(s.Bound, fan[0], fan[1])
				lambda := s.Dense
				if kind == framework.Conv {
					lambda = s.Conv
				}
				hi := float32(lambda * b)
				for _, key := range []uint64{0, rng.New(5, "scores", "conv1").Key, 1<<64 - 1} {
					for _, off := range []uint64{0, 7, 1 << 33, 1<<64 - 40} {
						for _, n := range []int{0, 1, 6, 8, 17, 1000} {
							info := framework.TensorInfo{Layer: layer, Role: framework.Scores, Offset: off, Stream: framework.StreamKey(key)}
							dst := make([]float32, n)
							if err := s.Fill(dst, info); err != nil {
								t.Fatal(err)
							}
							for j, v := range dst {
								want := hi * info.Uniform(off+uint64(j))
								if math.Float32bits(v) != math.Float32bits(want) {
									t.Fatalf("%+v %s key %#x offset %d: dst[%d] = %v, want %v", s, kind, key, off, j, v, want)
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestDefaultsReproduce pins the defaults that reproduce the paper's numbers
// (docs/reproduction.md): Glorot's bound and λ = 1 in every layer. The paper
// text's λ = 0.1 and bound std underfit (Lenet 97.05% instead of 98.15%).
func TestDefaultsReproduce(t *testing.T) {
	s := (&ScaledUniform{}).SlotlabModule().New().(*ScaledUniform)
	if s.Bound != "glorot" || s.Conv != 1 || s.Dense != 1 {
		t.Fatalf("scaled_uniform defaults %+v, want bound glorot, conv 1, dense 1", *s)
	}
}
