package sweep

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want Args
	}{
		{"plain overrides", []string{"k=16", "train.epochs=3"}, Args{Base: []string{"k=16", "train.epochs=3"}}},
		{"comma list is an axis", []string{"k=1,2, 4", "seed=0,1"},
			Args{Axes: []Axis{{Key: "k", Values: []string{"1", "2", "4"}}, {Key: "seed", Values: []string{"0", "1"}}}}},
		{"bracketed list is one value", []string{"train.schedule.restarts=[25,75]"},
			Args{Base: []string{"train.schedule.restarts=[25,75]"}}},
		{"mapping is one value", []string{"selector={id: probabilistic, eval: sample}"},
			Args{Base: []string{"selector={id: probabilistic, eval: sample}"}}},
		{"quoted string is one value", []string{`description="a, b"`}, Args{Base: []string{`description="a, b"`}}},
		{"axis and overrides mixed", []string{"k=2,4", "data.train_limit=2000"},
			Args{Base: []string{"data.train_limit=2000"}, Axes: []Axis{{Key: "k", Values: []string{"2", "4"}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseArgs(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"k"}, `"k" is not a key=value override`},
		{[]string{"=3"}, "is not a key=value override"},
		{[]string{"k=1,,2"}, "empty value in the list"},
		{[]string{"k=1,2", "k=4"}, `set the same key`},
		{[]string{"a b=1"}, "not a dotted config key"},
	} {
		_, err := ParseArgs(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.args, err, tc.want)
		}
	}
}
