package sdk

import (
	"math"
	"slices"
	"testing"

	"github.com/slotlab/slotlab/framework"
)

func TestArgmax(t *testing.T) {
	nan := float32(math.NaN())
	for _, tc := range []struct {
		name   string
		k      int
		scores []float32
		want   []int32
	}{
		{"k=1", 1, []float32{3, -1}, []int32{0, 0}},
		{"k=2", 2, []float32{0.1, 0.2, 0.3, -0.3}, []int32{1, 0}},
		{"ties go to the lowest index", 4, []float32{7, 7, 7, 7, 0, 9, 9, 1}, []int32{0, 1}},
		{"negative", 3, []float32{-3, -2, -1}, []int32{2}},
		{"NaN never wins", 3, []float32{nan, 1, 2, 1, nan, 0}, []int32{2, 0}},
		{"all NaN", 2, []float32{nan, nan}, []int32{0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx := make([]int32, len(tc.want))
			Argmax(idx, tc.scores, tc.k)
			if !slices.Equal(idx, tc.want) {
				t.Fatalf("got %v, want %v", idx, tc.want)
			}
		})
	}
}

func BenchmarkArgmax(b *testing.B) {
	const n, k = 1 << 16, 8
	s := make([]float32, n*k)
	for i := range s {
		s[i] = float32((i * 7919) % 1013)
	}
	idx := make([]int32, n)
	b.SetBytes(int64(len(s) * 4))
	for b.Loop() {
		Argmax(idx, s, k)
	}
}

type protoSel struct {
	Eps float64 `yaml:"eps"`
}

func (*protoSel) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "selectors.proto"}
}

type valueSel struct{}

func (valueSel) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{ID: "selectors.value"}
}

// TestPrototype checks the instances Serve makes of the value it is given:
// fresh copies holding its defaults, which options decoded into one leave
// the others and the value unchanged; a module that is not a pointer to a
// struct is served as it is.
func TestPrototype(t *testing.T) {
	proto := &protoSel{Eps: 0.1}
	newSel := prototype(proto)
	a, b := newSel().(*protoSel), newSel().(*protoSel)
	a.Eps = 0.7
	for _, tc := range []struct {
		name string
		got  *protoSel
		want float64
	}{{"decoded", a, 0.7}, {"another instance", b, 0.1}, {"the value given", proto, 0.1}} {
		if tc.got.Eps != tc.want {
			t.Errorf("%s: eps %v, want %v", tc.name, tc.got.Eps, tc.want)
		}
	}
	if a == proto || a == b {
		t.Error("instances share the value")
	}
	if m := prototype(valueSel{})(); m != (valueSel{}) {
		t.Errorf("a value module became %v", m)
	}
}
