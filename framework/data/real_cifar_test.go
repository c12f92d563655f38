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
	"strings"
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

// TestWrongChecksumFileBesideRealArchive puts a wrong .sha256 beside the
// real CIFAR-10 archive: the error must say that the checksum file, not
// the archive, is what to replace, and how: the archive reads intact (gzip's
// CRC-32 over all of it). (The shared archive is not the official download,
// whose md5 would make the message certain.) About 3 s.
func TestWrongChecksumFileBesideRealArchive(t *testing.T) {
	real := datatest.SharedFile(t, "cifar-10-binary.tar.gz")
	dir := t.TempDir()
	p := filepath.Join(dir, "cifar-10-binary.tar.gz")
	if err := os.Symlink(real, p); err != nil {
		t.Fatal(err)
	}
	sha := p + ".sha256"
	wrong := hex.EncodeToString(make([]byte, 32)) + "  cifar-10-binary.tar.gz\n"
	if err := os.WriteFile(sha, []byte(wrong), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := data.LoadCIFAR10(data.Options{Dir: dir})
	for _, w := range []string{p, "sha256 mismatch", "the archive is intact", "the checksum file does not describe it: replace " + sha, "sha256sum cifar-10-binary.tar.gz > cifar-10-binary.tar.gz.sha256"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v\nwant it to contain %q", err, w)
		}
	}
}
