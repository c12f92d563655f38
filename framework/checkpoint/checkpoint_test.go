package checkpoint

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
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
	if err := Write(p, meta{3, "abc"}, sample(), ""); err != nil {
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
	if err := Write(p, meta{1, "h"}, sample(), ""); err != nil {
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

// TestWriteKeepsPrevious checks that a write with a keep path leaves the
// previous checkpoint readable there, and the new one at the path. (A write
// stopped before its rename is tested in atomicfile and, with a real kill,
// in cmd/slotlab's TestKillAndResume.)
func TestWriteKeepsPrevious(t *testing.T) {
	dir := t.TempDir()
	p, prev := filepath.Join(dir, "checkpoint.bin"), filepath.Join(dir, "checkpoint.prev.bin")
	for i, tag := range []string{"old", "new"} {
		if err := Write(p, meta{i, tag}, sample(), prev); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ path, want string }{{p, "new"}, {prev, "old"}} {
		var m meta
		if _, err := Read(tc.path, &m); err != nil || m.Hash != tc.want {
			t.Fatalf("%s: meta %+v, error %v; want %q", tc.path, m, err, tc.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	dir := f.TempDir()
	p := filepath.Join(dir, "seed.bin")
	if err := Write(p, meta{1, "x"}, sample(), ""); err != nil {
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

// FuzzMutated alters a valid checkpoint (one byte XORed, then cut to a
// length) and checks the property the SHA-256 exists for: the altered file
// is rejected with an error naming it, unless it is the original again,
// which reads back exactly.
func FuzzMutated(f *testing.F) {
	p := filepath.Join(f.TempDir(), "good.bin")
	if err := Write(p, meta{4, "h"}, sample(), ""); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(p)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint32(0), byte(1), uint32(len(good)))
	f.Add(uint32(len(good)-1), byte(0x80), uint32(len(good)))
	f.Add(uint32(40), byte(0), uint32(len(good)-1))
	f.Add(uint32(20), byte(0xff), uint32(10))
	f.Fuzz(func(t *testing.T, pos uint32, x byte, cut uint32) {
		b := append([]byte(nil), good...)
		b[int(pos)%len(b)] ^= x
		b = b[:int(cut)%(len(b)+1)]
		var m meta
		ts, err := decode("mutated.bin", bytes.NewReader(b), int64(len(b)), &m)
		if !bytes.Equal(b, good) {
			if err == nil {
				t.Fatalf("byte %d ^ %#x, cut to %d of %d: the altered checkpoint was accepted", int(pos)%len(good), x, len(b), len(good))
			}
			if !strings.Contains(err.Error(), "mutated.bin") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if err != nil || m != (meta{4, "h"}) || len(ts) != len(sample()) {
			t.Fatalf("the original checkpoint: %v, meta %+v, %d tensors", err, m, len(ts))
		}
		for _, w := range sample() {
			g := ts[w.Name]
			if !slices.Equal(g.F32, w.F32) || !slices.Equal(g.I32, w.I32) || !slices.Equal(g.F64, w.F64) {
				t.Fatalf("tensor %s read back as %+v, want %+v", w.Name, g, w)
			}
		}
	})
}
