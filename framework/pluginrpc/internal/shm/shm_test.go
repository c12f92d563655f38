//go:build unix

package shm

import (
	"math"
	"os"
	"testing"
)

// TestCreateOpen maps a segment twice, as host and plugin do, and checks
// that writes through one mapping show through the other, and that nothing
// is left on disk once the segment is shared.
func TestCreateOpen(t *testing.T) {
	for _, tc := range []struct {
		name  string
		memfd bool
	}{{"memfd", true}, {"file", false}} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Create("test", 1000, tc.memfd)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			b, err := Open(s.Path, int64(len(s.Bytes)))
			if err != nil {
				t.Fatal(err)
			}
			defer Unmap(b)
			path := s.Path
			s.Shared()
			if _, err := os.Stat(path); !tc.memfd && err == nil {
				t.Fatalf("%s still exists after Shared", path)
			}
			host, _ := Float32s(s.Bytes, 64, 10)
			plugin, _ := Float32s(b, 64, 10)
			host[3] = 2.5
			if plugin[3] != 2.5 {
				t.Fatal("write did not show through")
			}
			if _, err := Open(path+"x", 1000); err == nil {
				t.Fatal("opened a missing segment")
			}
		})
	}
}

func TestOpenWrongSize(t *testing.T) {
	s, err := Create("test", 128, true)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Open(s.Path, 4096); err == nil {
		t.Fatal("opened a segment of the wrong size")
	}
}

func TestViews(t *testing.T) {
	b := make([]byte, 256)
	for _, tc := range []struct {
		name string
		off  int64
		n    int
		ok   bool
	}{
		{"all", 0, 64, true},
		{"empty", 256, 0, true},
		{"past the end", 4, 64, false},
		{"misaligned", 2, 1, false},
		{"negative", -4, 1, false},
		{"just past the end", 256, 1, false},
		{"offset past the end", 512, 0, false},
		// off+n·4 wraps around int64 in these two, and passed the check
		// once (then &b[off] or unsafe.Slice panicked).
		{"offset near the end of int64", math.MaxInt64 - 3, 1, false},
		{"n·4 wraps to 4", 0, 1<<62 + 1, false},
		{"n·4 wraps negative", 0, 1<<61 + 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err1 := Float32s(b, tc.off, tc.n)
			_, err2 := Int32s(b, tc.off, tc.n)
			if (err1 == nil) != tc.ok || (err2 == nil) != tc.ok {
				t.Fatalf("errors %v, %v; want ok=%v", err1, err2, tc.ok)
			}
		})
	}
	f, _ := Float32s(b, 64, 8)
	if off, ok := Within(b, f[2:5]); !ok || off != 72 {
		t.Fatalf("Within = %d, %v", off, ok)
	}
	if _, ok := Within(b, make([]float32, 2)); ok {
		t.Fatal("foreign slice found within")
	}
	if AlignUp(1) != Align || AlignUp(Align) != Align || AlignUp(0) != 0 {
		t.Fatal("AlignUp")
	}
}
