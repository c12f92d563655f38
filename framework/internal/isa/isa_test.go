package isa

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, l := range Levels {
		for _, s := range []string{l.String(), strings.ToUpper(l.String()), " " + l.String() + " "} {
			got, ok, err := Parse(s)
			if got != l || !ok || err != nil {
				t.Errorf("Parse(%q) = %v, %v, %v; want %v, true, nil", s, got, ok, err, l)
			}
		}
	}
	for _, s := range []string{"", "auto", "AUTO"} {
		if _, ok, err := Parse(s); ok || err != nil {
			t.Errorf("Parse(%q) = _, %v, %v; want false, nil", s, ok, err)
		}
	}
	for _, s := range []string{"avx-512", "sse", "avx512f"} {
		if _, ok, err := Parse(s); ok || err == nil {
			t.Errorf("Parse(%q) = _, %v, %v; want false and an error", s, ok, err)
		}
	}
}

// TestChoose checks the override against made-up CPUs: a supported path is
// honoured, anything else falls back to the best supported path with a
// note.
func TestChoose(t *testing.T) {
	cpus := map[string]func(Level) bool{
		"avx512": func(Level) bool { return true },
		"avx2":   func(l Level) bool { return l <= AVX2 },
		"none":   func(l Level) bool { return l == Generic },
	}
	cases := []struct {
		cpu, env string
		want     Level
		note     string // substring of the note; "" for none
	}{
		{"avx512", "", AVX512, ""},
		{"avx512", "auto", AVX512, ""},
		{"avx512", "avx2", AVX2, ""},
		{"avx512", "generic", Generic, ""},
		{"avx2", "", AVX2, ""},
		{"avx2", "avx512", AVX2, "does not support avx512; using avx2"},
		{"avx2", "generic", Generic, ""},
		{"none", "avx2", Generic, "does not support avx2; using generic"},
		{"none", "", Generic, ""},
		{"avx2", "avx-512", AVX2, "not one of avx512, avx2, generic, auto; using avx2"},
	}
	for _, c := range cases {
		got, note := choose(c.env, cpus[c.cpu])
		if got != c.want || (c.note == "") != (note == "") || !strings.Contains(note, c.note) {
			t.Errorf("cpu %s, %s=%q: got %v, note %q; want %v, note containing %q", c.cpu, EnvVar, c.env, got, note, c.want, c.note)
		}
	}
}

func TestSelectedSupported(t *testing.T) {
	if l := Selected(); !Supported(l) {
		t.Fatalf("Selected() = %v, which this CPU does not support", l)
	}
	if !Supported(Generic) {
		t.Fatal("generic must always be supported")
	}
	t.Logf("selected %v (best %v), note %q", Selected(), Best(), Note())
}
