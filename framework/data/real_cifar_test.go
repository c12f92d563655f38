package data_test

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/slotlab/slotlab/framework/data"
	"github.com/slotlab/slotlab/framework/data/datatest"
)

// The sha256 of the exact CIFAR-10 test set, test_batch.bin (from the shared
// data README).
const testBatchSHA256 = "8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b"

// memberSHA256 hashes one member of a gzipped tar archive. It may run on
// another goroutine, so it reports failures with t.Error.
func memberSHA256(t *testing.T, archive, member string) string {
	f, err := os.Open(archive)
	if err != nil {
		t.Error(err)
		return ""
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Error(err)
		return ""
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Errorf("member %s not found: %v", member, err)
			return ""
		}
		if h.Name == member {
			s := sha256.New()
			if _, err := io.Copy(s, tr); err != nil {
				t.Error(err)
				return ""
			}
			return hex.EncodeToString(s.Sum(nil))
		}
	}
}

func TestRealCIFAR10(t *testing.T) {
	archive := datatest.SharedFile(t, "cifar-10-binary.tar.gz")
	t.Setenv(data.EnvDataDir, "")
	// Hash the archive's test_batch.bin on another core while loading.
	memberSHA := make(chan string, 1)
	go func() { memberSHA <- memberSHA256(t, archive, "cifar-10-batches-bin/test_batch.bin") }()
	train, test, err := data.Load("cifar10", data.Options{Dir: filepath.Dir(archive), CacheDir: t.TempDir(), Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s        *data.Set
		n, class int
	}{{train, 50000, 5000}, {test, 10000, 1000}} {
		s := c.s
		if s.N != c.n || s.C != 3 || s.H != 32 || s.W != 32 || s.Classes != 10 || len(s.Pixels) != c.n*3072 || len(s.Labels) != c.n {
			t.Fatalf("%s: N=%d %d×%d×%d classes=%d", s.Name, s.N, s.C, s.H, s.W, s.Classes)
		}
		want := slices.Repeat([]int{c.class}, 10)
		if got := s.ClassCounts(); !slices.Equal(got, want) {
			t.Errorf("%s: class counts %v, want %d each", s.Name, got, c.class)
		}
	}
	// The archive's test_batch.bin is the exact original test set ...
	if got := <-memberSHA; got != testBatchSHA256 {
		t.Errorf("test_batch.bin sha256 %s, want %s", got, testBatchSHA256)
	}
	// ... and the loaded test set is exactly that file: rebuild its records
	// and hash them.
	h := sha256.New()
	for i := 0; i < test.N; i++ {
		h.Write([]byte{test.Labels[i]})
		h.Write(test.Image(i))
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != testBatchSHA256 {
		t.Errorf("loaded test set hashes to %s, want %s", got, testBatchSHA256)
	}
}
