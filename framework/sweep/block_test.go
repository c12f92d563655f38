package sweep

import (
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func parse(t *testing.T, src string) (block, error) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	return parseBlock("exp.yaml", doc.Content[0])
}

func TestBlockPoints(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want [][]string
		keys []string
	}{
		{"product, first key slowest", "{k: [1, 2], seed: [0, 1]}",
			[][]string{{"k=1", "seed=0"}, {"k=1", "seed=1"}, {"k=2", "seed=0"}, {"k=2", "seed=1"}},
			[]string{"k", "seed"}},
		{"scalar is one value", "{k: 4, seed: [0, 1]}",
			[][]string{{"k=4", "seed=0"}, {"k=4", "seed=1"}}, []string{"k", "seed"}},
		{"dotted keys and list values", "{train.schedule.restarts: [[25, 75], [50]]}",
			[][]string{{"train.schedule.restarts=[25, 75]"}, {"train.schedule.restarts=[50]"}}, []string{"train.schedule.restarts"}},
		{"mapping values stay one value", "{selector: [greedy, {id: probabilistic, eval: sample}]}",
			[][]string{{"selector=greedy"}, {"selector={id: probabilistic, eval: sample}"}}, []string{"selector"}},
		{"variants are a union crossed with the rest",
			"{variants: [{selector: [greedy, probabilistic], k: [2, 4]}, {method: learned}], seed: [0, 1]}",
			[][]string{
				{"selector=greedy", "k=2", "seed=0"}, {"selector=greedy", "k=2", "seed=1"},
				{"selector=greedy", "k=4", "seed=0"}, {"selector=greedy", "k=4", "seed=1"},
				{"selector=probabilistic", "k=2", "seed=0"}, {"selector=probabilistic", "k=2", "seed=1"},
				{"selector=probabilistic", "k=4", "seed=0"}, {"selector=probabilistic", "k=4", "seed=1"},
				{"method=learned", "seed=0"}, {"method=learned", "seed=1"},
			},
			[]string{"selector", "k", "method", "seed"}},
		{"nested variants",
			"{variants: [{dataset: mnist, variants: [{k: [2, 4]}, {method: learned}]}, {dataset: cifar10, k: 8}]}",
			[][]string{
				{"dataset=mnist", "k=2"}, {"dataset=mnist", "k=4"}, {"dataset=mnist", "method=learned"},
				{"dataset=cifar10", "k=8"},
			},
			[]string{"dataset", "k", "method"}},
		{"strings that need quotes keep them", `{description: ["a: b", "x,y"]}`,
			[][]string{{`description="a: b"`}, {`description="x,y"`}}, []string{"description"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := parse(t, tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := b.points(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("points\n got %q\nwant %q", got, tc.want)
			}
			if got := b.keys(); !reflect.DeepEqual(got, tc.keys) {
				t.Errorf("keys %q, want %q", got, tc.keys)
			}
		})
	}
}

func TestBlockErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"[k, seed]", "exp.yaml:1:1: sweep must map config keys to lists"},
		{"{k: []}", `exp.yaml:1:5: sweep key "k" has an empty list`},
		{"{k: [1], k: [2]}", `key "k" is swept twice`},
		{"{train..epochs: [1]}", `"train..epochs" is not a dotted config key`},
		{"{variants: {k: [1]}}", "variants takes a list of sweep blocks"},
		{"{variants: [k]}", "each of the variants is a mapping"},
		{"{variants: [{k: []}]}", `sweep key "k" has an empty list`},
	} {
		_, err := parse(t, tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.src, err, tc.want)
		}
	}
}

func TestBlockWithout(t *testing.T) {
	b, err := parse(t, "{variants: [{selector: greedy, k: [2, 4]}, {selector: probabilistic, k: [2, 4]}], seed: [0, 1]}")
	if err != nil {
		t.Fatal(err)
	}
	// Pinning k on the command line drops it everywhere; pinning the
	// selector makes the two variants the same, and they collapse.
	got := b.without("k").without("selector").points()
	want := [][]string{{"seed=0"}, {"seed=1"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}
