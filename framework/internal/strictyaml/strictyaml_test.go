package strictyaml

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
)

type inner struct {
	Depth int `yaml:"depth"`
}

type target struct {
	Pos   Pos      `yaml:"-"`
	Eps   float64  `yaml:"eps"`
	Name  string   `yaml:"name"`
	List  []int    `yaml:"list"`
	Ptr   *float64 `yaml:"ptr"`
	Inner inner    `yaml:",inline"`
	Sub   struct {
		On bool `yaml:"on"`
	} `yaml:"sub"`
}

func parse(t *testing.T, s string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatal(err)
	}
	return &doc
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string // one substring per error; none for success
		line       int      // the line of the first error
	}{
		{"all keys", "eps: 0.5\nname: x\nlist: [1, 2]\nptr: 2\ndepth: 3\nsub: {on: true}\n", nil, 0},
		{"unknown key", "eps: 1\nepsilon: 2\n", []string{`unknown key "epsilon" in "" (known keys: eps, name, list, ptr, depth, sub)`}, 2},
		{"twice", "eps: 1\neps: 2\n", []string{`key "eps" appears twice`}, 2},
		{"no value", "eps:\n", []string{`"eps" has no value`}, 1},
		{"wrong type", "name: x\neps: [1]\n", []string{`"eps" must be a number, not a list`}, 2},
		{"whole number", "depth: 1.5\n", []string{`"depth" must be a whole number, not "1.5"`}, 1},
		{"nested unknown", "sub: {off: 1}\n", []string{`unknown key "off" in "sub" (known keys: on)`}, 1},
		{"two errors", "eps: x\nlist: 3\n", []string{`"eps" must be a number`, `"list" must be a list`}, 1},
		{"not a mapping", "[1]\n", []string{`"" must be a mapping (key: value lines), not a list`}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := target{Eps: 0.1}
			var d Decoder
			errs := d.Decode("", parse(t, tc.yaml), &got)
			if len(errs) != len(tc.want) {
				t.Fatalf("errors %v, want %d", errs, len(tc.want))
			}
			for i, e := range errs {
				if !strings.Contains(e.Msg, tc.want[i]) {
					t.Errorf("error %d: %q, want %q", i, e.Msg, tc.want[i])
				}
			}
			if len(errs) > 0 && errs[0].Node.Line != tc.line {
				t.Errorf("first error at line %d, want %d", errs[0].Node.Line, tc.line)
			}
		})
	}
}

// TestDecodeValues checks the values decoded, the defaults kept, the
// struct's position and the paths visited.
func TestDecodeValues(t *testing.T) {
	got := target{Eps: 0.1, Name: "default"}
	var paths []string
	d := Decoder{Visit: func(p string, _ *yaml.Node) { paths = append(paths, p) }}
	if errs := d.Decode("exp", parse(t, "\n  list: [4, 5]\n  depth: 7\n  ptr: 2.5\n"), &got); len(errs) > 0 {
		t.Fatal(errs)
	}
	if got.Eps != 0.1 || got.Name != "default" || !slices.Equal(got.List, []int{4, 5}) || got.Inner.Depth != 7 || got.Ptr == nil || *got.Ptr != 2.5 {
		t.Fatalf("decoded %+v", got)
	}
	if got.Pos != (Pos{Line: 2, Column: 3}) {
		t.Fatalf("Pos %+v, want line 2 column 3", got.Pos)
	}
	want := []string{"exp", "exp.list", "exp.list[0]", "exp.list[1]", "exp.depth", "exp.ptr"}
	if !slices.Equal(paths, want) {
		t.Fatalf("visited %v, want %v", paths, want)
	}
}

// TestHooks checks that a caller's names and messages replace the
// defaults.
func TestHooks(t *testing.T) {
	d := Decoder{
		Describe: func(p string) string { return "option " + p },
		Unknown:  func(_, key string, known []string) string { return "no " + key + " among " + strings.Join(known, "/") },
	}
	errs := d.Decode("", parse(t, "eps: x\nbogus: 1\n"), &target{})
	if len(errs) != 2 || errs[0].Msg != `option eps must be a number, not "x"` || errs[1].Msg != "no bogus among eps/name/list/ptr/depth/sub" {
		t.Fatalf("%+v", errs)
	}
}

// TestDecodeInlineMap checks that an inline map takes the keys no field
// names, each decoded strictly at its path, and no key a field names.
func TestDecodeInlineMap(t *testing.T) {
	type layer struct {
		Type string             `yaml:"type"`
		Rest map[string]float64 `yaml:",inline"`
	}
	for _, tc := range []struct {
		name, yaml string
		want       map[string]float64
		err        string
	}{
		{"no other keys", "type: relu\n", nil, ""},
		{"other keys", "type: scale\nfactor: 3\nbias: 0.5\n", map[string]float64{"factor": 3, "bias": 0.5}, ""},
		{"wrong type", "type: scale\nfactor: big\n", nil, `"l.factor" must be a number, not "big"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got layer
			var visited []string
			d := Decoder{Visit: func(p string, _ *yaml.Node) { visited = append(visited, p) }}
			errs := d.Decode("l", parse(t, tc.yaml), &got)
			if tc.err != "" {
				if len(errs) != 1 || !strings.Contains(errs[0].Msg, tc.err) {
					t.Fatalf("errors %v, want one with %q", errs, tc.err)
				}
				return
			}
			if len(errs) > 0 || len(got.Rest) != len(tc.want) {
				t.Fatalf("decoded %+v, errors %v; want the map %v", got, errs, tc.want)
			}
			for k, v := range tc.want {
				if got.Rest[k] != v || !slices.Contains(visited, "l."+k) {
					t.Errorf("%s: %v (visited %v), want %v", k, got.Rest[k], visited, v)
				}
			}
		})
	}
	if f := framework.OptionFields(reflect.TypeFor[layer]()); len(f) != 1 || f[0].Name != "type" {
		t.Errorf("OptionFields lists %+v, want only type", f)
	}
}
