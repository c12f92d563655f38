package framework

import (
	"reflect"
	"strings"
	"testing"
)

type testModule struct{ id ModuleID }

func (m testModule) SlotlabModule() ModuleInfo {
	return ModuleInfo{ID: m.id, Summary: "test", New: func() Module { return testModule{m.id} }}
}

func TestRegisterLookupList(t *testing.T) {
	for _, id := range []ModuleID{"sharing.zz_test_b", "sharing.zz_test_a", "selectors.zz_test_c"} {
		Register(testModule{id})
	}
	info, ok := Lookup("sharing.zz_test_a")
	if !ok || info.ID != "sharing.zz_test_a" || info.Source != "built-in" {
		t.Fatalf("Lookup: %+v %v", info, ok)
	}
	var ids []string
	for _, m := range List("sharing") {
		ids = append(ids, string(m.ID))
	}
	if got := strings.Join(ids, ","); !strings.Contains(got, "sharing.zz_test_a,sharing.zz_test_b") || strings.Contains(got, "selectors") {
		t.Fatalf("List(sharing) = %s: want sorted, sharing only", got)
	}
	all := List("")
	for i := 1; i < len(all); i++ {
		if all[i-1].ID > all[i].ID { // equal IDs: a built-in and plugins' modules
			t.Fatalf("List is not sorted: %v before %v", all[i-1].ID, all[i].ID)
		}
	}
	if got := ModuleNames("selectors"); len(got) == 0 || got[len(got)-1] != "zz_test_c" {
		t.Fatalf("ModuleNames = %v", got)
	}
}

func TestRegisterPanics(t *testing.T) {
	Register(testModule{"selectors.zz_dup"})
	for _, tc := range []struct {
		name string
		m    Module
		want string
	}{
		{"duplicate", testModule{"selectors.zz_dup"}, "registered twice"},
		{"unknown namespace", testModule{"optimizers.adam"}, "bad module ID"},
		{"no name", testModule{"selectors."}, "bad module ID"},
		{"no namespace", testModule{"greedy"}, "bad module ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(r.(string), tc.want) {
					t.Fatalf("recovered %v, want a panic mentioning %q", r, tc.want)
				}
			}()
			Register(tc.m)
		})
	}
}

func TestModuleID(t *testing.T) {
	id := ModuleID("selectors.greedy")
	if id.Namespace() != "selectors" || id.Name() != "greedy" {
		t.Fatalf("%q → %q %q", id, id.Namespace(), id.Name())
	}
}

// TestRegisterKindPanics checks that RegisterKind refuses what would make
// a kind unusable.
func TestRegisterKindPanics(t *testing.T) {
	sel := reflect.TypeFor[Selector]()
	for _, tc := range []struct {
		name string
		k    Kind
		want string
	}{
		{"taken", Kind{Namespace: NamespaceSelectors, Singular: "selector", Interface: sel}, "registered twice"},
		{"dotted", Kind{Namespace: "a.b", Singular: "x", Interface: sel}, "lower-case word"},
		{"upper case", Kind{Namespace: "Optimizers", Singular: "x", Interface: sel}, "lower-case word"},
		{"no singular", Kind{Namespace: "zz_kind_a", Interface: sel}, "no Singular"},
		{"no interface", Kind{Namespace: "zz_kind_b", Singular: "x"}, "not an interface type"},
		{"struct", Kind{Namespace: "zz_kind_c", Singular: "x", Interface: reflect.TypeFor[Pool]()}, "not an interface type"},
		{"not a module", Kind{Namespace: "zz_kind_d", Singular: "x", Interface: reflect.TypeFor[ArgmaxSelector]()}, "does not include framework.Module"},
		{"another's key", Kind{Namespace: "zz_kind_e", Singular: "x", Interface: sel, Keys: []string{"sharing"}}, `key "sharing" is kind "sharing"'s`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(r.(string), tc.want) {
					t.Fatalf("recovered %v, want a panic mentioning %q", r, tc.want)
				}
			}()
			RegisterKind(tc.k)
		})
	}
	if k, ok := KindOfKey("initializers.scores"); !ok || k.Namespace != NamespaceInitializers {
		t.Errorf("KindOfKey(initializers.scores) = %+v %v", k, ok)
	}
}
