package framework

import (
	"slices"
	"strings"
	"testing"
)

// pluginInfo is a plugin module's description as a loader gives it.
func pluginInfo(id ModuleID, summary string) ModuleInfo {
	return ModuleInfo{ID: id, Summary: summary, New: func() Module { return testModule{id} }}
}

// TestRegisterPlugin registers the modules of plugin binaries beside a
// built-in of the same ID: each keeps its source, a source registered
// again replaces what it registered, Lookup finds the built-in first and
// a plugin's module only where one plugin serves the ID, and List and
// ModuleNames show every module once per source and name.
func TestRegisterPlugin(t *testing.T) {
	Register(testModule{"initializers.zz_plug_builtin"})
	steps := []struct {
		source string
		infos  []ModuleInfo
	}{
		{"/p/slotlab-a", []ModuleInfo{pluginInfo("initializers.zz_plug_one", "A1"), pluginInfo("initializers.zz_plug_builtin", "")}},
		{"/p/slotlab-b", []ModuleInfo{pluginInfo("initializers.zz_plug_two", "B")}},
		{"/q/slotlab-b", []ModuleInfo{pluginInfo("initializers.zz_plug_two", "B'")}},
		{"/p/slotlab-a", []ModuleInfo{pluginInfo("initializers.zz_plug_one", "A2")}}, // reloaded
	}
	for _, s := range steps {
		if err := RegisterPlugin(s.source, s.infos); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, m := range List(NamespaceInitializers) {
		if strings.HasPrefix(m.ID.Name(), "zz_plug") {
			got = append(got, string(m.ID)+" "+m.Source+" "+m.Summary)
		}
	}
	want := []string{
		"initializers.zz_plug_builtin built-in test",
		"initializers.zz_plug_one /p/slotlab-a A2",
		"initializers.zz_plug_two /p/slotlab-b B",
		"initializers.zz_plug_two /q/slotlab-b B'",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("List:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, tc := range []struct {
		id     ModuleID
		source string // "" for none
		n      int    // len(Modules(id))
	}{
		{"initializers.zz_plug_builtin", SourceBuiltin, 1},
		{"initializers.zz_plug_one", "/p/slotlab-a", 1},
		{"initializers.zz_plug_two", "", 2},
		{"initializers.zz_plug_none", "", 0},
	} {
		info, ok := Lookup(tc.id)
		if ok != (tc.source != "") || info.Source != tc.source || len(Modules(tc.id)) != tc.n {
			t.Errorf("Lookup(%s) = %q, %v; %d modules; want %q, %d", tc.id, info.Source, ok, len(Modules(tc.id)), tc.source, tc.n)
		}
	}
	names := ModuleNames(NamespaceInitializers)
	for _, n := range []string{"zz_plug_builtin", "zz_plug_one", "zz_plug_two"} {
		if i := slices.Index(names, n); i < 0 || slices.Contains(names[i+1:], n) {
			t.Errorf("ModuleNames lists %s %d times, want once: %v", n, strings.Count(strings.Join(names, " ")+" ", n+" "), names)
		}
	}
}

// TestRegisterPluginErrors checks that a plugin's malformed modules are
// errors naming the plugin, not panics.
func TestRegisterPluginErrors(t *testing.T) {
	for _, tc := range []struct {
		name, source string
		infos        []ModuleInfo
		want         string
	}{
		{"no source", "", nil, "not a plugin binary's path"},
		{"built-in source", SourceBuiltin, nil, "not a plugin binary's path"},
		{"bad ID", "/p/x", []ModuleInfo{pluginInfo("optimizers.adam", "")}, "plugin /p/x: bad module ID \"optimizers.adam\""},
		{"no constructor", "/p/x", []ModuleInfo{{ID: "selectors.zz_x"}}, "plugin /p/x: module \"selectors.zz_x\" has no New function"},
		{"twice", "/p/x", []ModuleInfo{pluginInfo("selectors.zz_x", ""), pluginInfo("selectors.zz_x", "")}, "plugin /p/x: serves module \"selectors.zz_x\" twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := RegisterPlugin(tc.source, tc.infos)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	if len(Modules("selectors.zz_x")) != 0 {
		t.Fatal("a refused plugin registered modules")
	}
}

// TestNoPluginLoader checks what a program without a plugin host says.
func TestNoPluginLoader(t *testing.T) {
	if _, err := LoadPlugin("bin/slotlab-x"); err != ErrNoPluginLoader {
		t.Fatalf("LoadPlugin without a loader: %v", err)
	}
	if s, errs := LoadPluginPath(); s != nil || errs != nil {
		t.Fatalf("LoadPluginPath without a loader: %v, %v", s, errs)
	}
}
