package sdk

import (
	"testing"

	"github.com/slotlab/slotlab/framework"
)

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
