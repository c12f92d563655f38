package server

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/wire"
)

type opts struct {
	Eps   float64 `yaml:"eps" doc:"a probability"`
	Mode  string  `yaml:"mode"`
	Inner struct {
		Depth int `yaml:"depth"`
	} `yaml:",inline"`
	Skip   int `yaml:"-"`
	hidden int
}

func (*opts) SlotlabModule() framework.ModuleInfo { return framework.ModuleInfo{Summary: "test"} }
func (*opts) Select([]int32, []float32, framework.SelectContext) error {
	return nil
}

type none struct{}

func (none) SlotlabModule() framework.ModuleInfo { return framework.ModuleInfo{} }

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       string // "" for success
	}{
		{"empty", "", ""},
		{"null", "null", ""},
		{"empty mapping", "{}", ""},
		{"options", "{eps: 0.5, mode: x, depth: 3}", ""},
		{"unknown", "{epsilon: 1}", `unknown option "epsilon"; its options are: eps, mode, depth`},
		{"skipped field", "{skip: 1}", `unknown option "skip"`},
		{"wrong type", "{eps: [1]}", `option "eps" must be a number, not a list`},
		{"list", "[1]", "must be a mapping"},
		{"syntax", "{eps: ", "options:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &opts{Eps: 0.1}
			err := decode(m, []byte(tc.yaml))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	m := &opts{}
	if err := decode(m, []byte("{eps: 0.5, depth: 3}")); err != nil || m.Eps != 0.5 || m.Inner.Depth != 3 {
		t.Fatalf("%+v %v", m, err)
	}
	if err := decode(none{}, []byte("{a: 1}")); err == nil || !strings.Contains(err.Error(), "takes no options") {
		t.Fatalf("options for a module without: %v", err)
	}
}

func TestOptionsDescribe(t *testing.T) {
	got := options(&opts{Eps: 0.25, Mode: "a"})
	var names []string
	for _, o := range got {
		names = append(names, o.Name+"="+o.Default+":"+o.Type)
	}
	if want := []string{"eps=0.25:float64", "mode=a:string", "depth=0:int"}; !slices.Equal(names, want) {
		t.Fatalf("options %v, want %v", names, want)
	}
	if got[0].Doc != "a probability" {
		t.Fatalf("doc %q", got[0].Doc)
	}
	if options(none{}) != nil {
		t.Fatal("options of a non-struct")
	}
}

func TestNewChecks(t *testing.T) {
	sel := func() framework.Module { return &opts{} }
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"nothing", Config{}, "serves no components"},
		{"bad name", Config{Components: []Factory{{Kind: wire.KindSelector, Name: "a.b", New: sel}}}, "bad component name"},
		{"no constructor", Config{Components: []Factory{{Kind: wire.KindSelector, Name: "a"}}}, "no constructor"},
		{"wrong kind", Config{Components: []Factory{{Kind: wire.KindInitializer, Name: "a", New: sel}}}, "does not implement framework.Initializer"},
		{"unknown kind", Config{Components: []Factory{{Kind: "optimizers", Name: "a", New: sel}}}, "unknown kind"},
		{"twice", Config{Components: []Factory{{Kind: wire.KindSelector, Name: "a", New: sel}, {Kind: wire.KindSelector, Name: "a", New: sel}}}, "served twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSafely(t *testing.T) {
	if err := safely(func() error { panic("x") }); err == nil || !strings.HasPrefix(err.Error(), "panic: x") {
		t.Fatalf("safely: %v", err)
	}
}

// FuzzDecode checks the options decoder on any text: it never panics;
// what it accepts has top-level keys that are all option names (an alias
// as a key stands for the key it names), re-encodes as YAML that decodes
// to the same options (see sameOpts), and is rejected, with "unknown
// option", once an unknown key is added. Each property was seen to fail,
// on the seeds alone, by breaking what it guards: decode without its key
// loop (KnownFields still rejects "unknown_option", but not as an unknown
// option), and without KnownFields too ("a: {b: c}" accepted); the key
// loop skipping alias keys, without KnownFields ("{mode: &m bogus, *m: 2}"
// accepted); the key loop not knowing the inline option depth ("{eps: 1}"
// accepted, its re-encoding, with depth: 0, rejected).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "{eps: 1}", "[1, 2]", "{depth: x}", "a: {b: c}", "&a [*a]",
		"{eps: .nan, mode: '', depth: -3}", "{mode: &m eps, *m: 2}", "{mode: &m bogus, *m: 2}", "{<<: {eps: 1}}", "eps: 1\n---\nbogus: 2",
		"{eps: -0.0, mode: !!binary /w==}", "{\"eps\": 1e308, mode: \"\\t\"}", "null", "~"} {
		f.Add(s)
	}
	known := map[string]bool{}
	for _, o := range framework.OptionFields(reflect.TypeFor[opts]()) {
		known[o.Name] = true
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := &opts{Eps: 0.1}
		if decode(m, []byte(s)) != nil {
			return
		}
		for _, k := range topKeys(s) {
			if !known[k] {
				t.Fatalf("accepted unknown option %q in %q", k, s)
			}
		}
		b, err := yaml.Marshal(m)
		if err != nil {
			t.Fatalf("decoded %q to %+v, which does not encode: %v", s, *m, err)
		}
		again := &opts{Eps: 0.1}
		if err := decode(again, b); err != nil {
			t.Fatalf("%q decoded, re-encoded as %q, fails: %v", s, b, err)
		}
		if !sameOpts(*m, *again) {
			t.Fatalf("%q decodes to %+v, re-encoded as %q to %+v", s, *m, b, *again)
		}
		extra := append(b, "unknown_option: 1\n"...)
		if err := decode(&opts{}, extra); err == nil || !strings.Contains(err.Error(), `unknown option "unknown_option"`) {
			t.Fatalf("%q with an unknown key: %v", extra, err)
		}
	})
}

// topKeys returns the top-level keys of the first YAML document of s, if
// it is a mapping, an alias as a key standing for the key it names.
func topKeys(s string) []string {
	var doc yaml.Node
	if yaml.Unmarshal([]byte(s), &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	n := doc.Content[0]
	if n.Kind != yaml.MappingNode {
		return nil
	}
	var keys []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		for k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		keys = append(keys, k.Value)
	}
	return keys
}

// sameOpts compares options, a NaN equal to a NaN and −0 to +0: yaml.v3
// writes the float −0 as "-0", which reads back as the integer 0.
func sameOpts(a, b opts) bool {
	if math.IsNaN(a.Eps) && math.IsNaN(b.Eps) {
		a.Eps, b.Eps = 0, 0
	}
	return reflect.DeepEqual(a, b)
}

// lifeSelector records the lifecycle calls the service makes.
type lifeSelector struct {
	calls *[]string
	Fail  bool `yaml:"fail"`
}

func (*lifeSelector) SlotlabModule() framework.ModuleInfo { return framework.ModuleInfo{} }
func (*lifeSelector) Select([]int32, []float32, framework.SelectContext) error {
	return nil
}
func (s *lifeSelector) Provision() error {
	*s.calls = append(*s.calls, "provision")
	return nil
}
func (s *lifeSelector) Validate() error {
	*s.calls = append(*s.calls, "validate")
	if s.Fail {
		return errors.New("fail is set")
	}
	return nil
}
func (s *lifeSelector) Close() error {
	*s.calls = append(*s.calls, "close")
	return nil
}

// TestLifecycle checks that a plugin's modules live as compiled-in ones
// do: Setup provisions (then validates) an instance, Release closes it, and
// a validation that fails closes what was provisioned.
func TestLifecycle(t *testing.T) {
	var calls []string
	s, err := New(Config{Components: []Factory{{Kind: wire.KindSelector, Name: "life",
		New: func() framework.Module { return &lifeSelector{calls: &calls} }}}})
	if err != nil {
		t.Fatal(err)
	}
	var r wire.SetupReply
	if err := s.Setup(wire.SetupArgs{Kind: wire.KindSelector, Name: "life"}, &r); err != nil {
		t.Fatal(err)
	}
	if want := []string{"provision", "validate"}; !slices.Equal(calls, want) {
		t.Fatalf("after Setup: %v, want %v", calls, want)
	}
	if err := s.Release(wire.ReleaseArgs{Instance: r.Instance}, &wire.Empty{}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"provision", "validate", "close"}; !slices.Equal(calls, want) {
		t.Fatalf("after Release: %v, want %v", calls, want)
	}
	calls = nil
	err = s.Setup(wire.SetupArgs{Kind: wire.KindSelector, Name: "life", Options: []byte("{fail: true}")}, &r)
	if err == nil || !strings.Contains(err.Error(), "fail is set") {
		t.Fatalf("Setup with a failing validation: %v", err)
	}
	if want := []string{"provision", "validate", "close"}; !slices.Equal(calls, want) {
		t.Fatalf("failed Setup: %v, want %v", calls, want)
	}
}
