package checkpoint

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type meta struct {
	Epoch int    `json:"epoch"`
	Hash  string `json:"hash"`
}

func sample() []Tensor {
	return []Tensor{
		{Name: "scores", F32: []float32{1, -2.5, 3e-8, 0}},
		{Name: "idx", I32: []int32{0, 7, -1}},
		{Name: "empty", F32: []float32{}},
		{Name: "coef", F64: []float64{1e-300, -0.5}},
	}
}

func TestRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "checkpoint.bin")
	if err := Write(p, meta{3, "abc"}, sample(), nil); err != nil {
		t.Fatal(err)
	}
	var m meta
	got, err := Read(p, &m)
	if err != nil {
		t.Fatal(err)
	}
	if m.Epoch != 3 || m.Hash != "abc" {
		t.Fatalf("meta %+v", m)
	}
	for _, w := range sample() {
		g := got[w.Name]
		if len(g.F32) != len(w.F32) || len(g.I32) != len(w.I32) || len(g.F64) != len(w.F64) {
			t.Fatalf("%s: %+v, want %+v", w.Name, g, w)
		}
		for i := range w.F32 {
			if g.F32[i] != w.F32[i] {
				t.Fatalf("%s[%d] = %v", w.Name, i, g.F32[i])
			}
		}
		for i := range w.F64 {
			if g.F64[i] != w.F64[i] {
				t.Fatalf("%s[%d] = %v", w.Name, i, g.F64[i])
			}
		}
		for i := range w.I32 {
			if g.I32[i] != w.I32[i] {
				t.Fatalf("%s[%d] = %v", w.Name, i, g.I32[i])
			}
		}
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries", len(entries))
	}
}

// TestCorruption checks that every kind of damage is refused with a message
// naming the file.
func TestCorruption(t *testing.T) {
	p := filepath.Join(t.TempDir(), "checkpoint.bin")
	if err := Write(p, meta{1, "h"}, sample(), nil); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(p)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"truncated", good[:len(good)-10], "truncated or corrupt"},
		{"bad magic", append([]byte("NOT-A-CHECKPOINT"), good[16:]...), "not a slotlab checkpoint"},
		{"flipped data bit", flip(good, len(good)-40), "checksum mismatch"},
		{"flipped checksum", flip(good, len(good)-1), "checksum mismatch"},
		{"huge header length", append(append([]byte(Magic), 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0), good[24:]...), "header length"},
		{"extra bytes", append(append([]byte(nil), good...), 0), "truncated or corrupt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "checkpoint.bin")
			if err := os.WriteFile(bad, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Read(bad, &meta{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), bad) {
				t.Fatalf("error %v, want %q and the path", err, tc.want)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x10
	return c
}

// TestKilledBeforeRename checks that a writer stopped after writing but
// before renaming leaves the previous checkpoint intact.
func TestKilledBeforeRename(t *testing.T) {
	p := filepath.Join(t.TempDir(), "checkpoint.bin")
	if err := Write(p, meta{1, "old"}, sample(), nil); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(p)
	func() {
		defer func() { _ = recover() }()
		_ = Write(p, meta{2, "new"}, sample(), func() { panic("killed") })
	}()
	now, _ := os.ReadFile(p)
	if !bytes.Equal(old, now) {
		t.Fatal("an interrupted write changed the checkpoint")
	}
}

func FuzzRead(f *testing.F) {
	dir := f.TempDir()
	p := filepath.Join(dir, "seed.bin")
	if err := Write(p, meta{1, "x"}, sample(), nil); err != nil {
		f.Fatal(err)
	}
	good, _ := os.ReadFile(p)
	f.Add(good)
	f.Add(good[:30])
	f.Add([]byte(Magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = decode("fuzz", bytes.NewReader(data), int64(len(data)), &meta{})
	})
}
