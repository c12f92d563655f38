package framework

import (
	"reflect"
	"testing"
)

type inner struct {
	Depth int `yaml:"depth" doc:"how deep"`
}

type opts struct {
	Eps     float64 `yaml:"eps" doc:"probability"`
	Plain   int
	Skipped int `yaml:"-"`
	hidden  int
	Nested  inner `yaml:"nested,omitempty"`
	Both    inner `yaml:",omitempty,inline"`
}

func TestOptionFields(t *testing.T) {
	got := OptionFields(reflect.TypeOf(opts{}))
	want := []OptionField{
		{"eps", "probability", []int{0}},
		{"plain", "", []int{1}},
		{"nested", "", []int{4}},
		{"depth", "how deep", []int{5, 0}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}
