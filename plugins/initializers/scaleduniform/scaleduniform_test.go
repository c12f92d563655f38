package scaleduniform

import (
	"math"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/rng"
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
