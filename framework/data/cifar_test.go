package data

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// synthBatch returns CIFAR batch k (0..5) of the synthetic data set: record i
// has label (i+k)%10, first pixel byte(i), second byte(k), last byte(i>>8),
// the rest zero.
func synthBatch(k int) []byte {
	b := make([]byte, cifarBatchBytes)
	for i := 0; i < cifarBatchRecords; i++ {
		r := b[i*cifarRecordBytes : (i+1)*cifarRecordBytes]
		r[0] = byte((i + k) % 10)
		r[1], r[2], r[cifarImageBytes] = byte(i), byte(k), byte(i>>8)
	}
	return b
}

// checkSynthetic checks sets loaded from the synthetic data set.
func checkSynthetic(t *testing.T, train, test *Set) {
	t.Helper()
	if train.N != 50000 || test.N != 10000 || train.Name != "cifar10/train" || test.Name != "cifar10/test" {
		t.Fatalf("got %s N=%d and %s N=%d", train.Name, train.N, test.Name, test.N)
	}
	for _, s := range []*Set{train, test} {
		if s.C != 3 || s.H != 32 || s.W != 32 || s.Classes != 10 || len(s.Pixels) != s.N*3072 || len(s.Labels) != s.N {
			t.Fatalf("%s: shape %d×%d×%d, %d classes, %d pixels, %d labels", s.Name, s.C, s.H, s.W, s.Classes, len(s.Pixels), len(s.Labels))
		}
	}
	for k := 0; k < 6; k++ {
		s, base := train, k*cifarBatchRecords
		if k == 5 {
			s, base = test, 0
		}
		for _, i := range []int{0, 1, 777, 9999} {
			img := s.Image(base + i)
			if s.Labels[base+i] != byte((i+k)%10) || img[0] != byte(i) || img[1] != byte(k) || img[3071] != byte(i>>8) || img[5] != 0 {
				t.Fatalf("batch %d record %d: label %d pixels %d %d %d", k, i, s.Labels[base+i], img[0], img[1], img[3071])
			}
		}
	}
}

type member struct {
	name string
	data []byte
	dir  bool
}

func tarGz(t testing.TB, members []member) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	for _, m := range members {
		h := &tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), Typeflag: tar.TypeReg}
		if m.dir {
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// synthMembers returns the archive members of the synthetic data set.
func synthMembers() []member {
	ms := []member{{name: cifarFolder + "/", dir: true}, {name: cifarFolder + "/batches.meta.txt", data: []byte("airplane\n")}}
	for k, name := range cifarBatchNames {
		ms = append(ms, member{name: cifarFolder + "/" + name, data: synthBatch(k)})
	}
	return ms
}

var synthArchive struct {
	once sync.Once
	b    []byte
}

// syntheticArchive returns the synthetic data set as cifar-10-binary.tar.gz.
func syntheticArchive(t testing.TB) []byte {
	synthArchive.once.Do(func() { synthArchive.b = tarGz(t, synthMembers()) })
	return synthArchive.b
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestParseCIFARBatch(t *testing.T) {
	valid := synthBatch(2)
	pix, labels, err := ParseCIFARBatch(bytes.NewReader(valid), "b.bin")
	if err != nil {
		t.Fatal(err)
	}
	if len(pix) != 10000*3072 || len(labels) != 10000 || labels[3] != 5 || pix[3*3072] != 3 || pix[3*3072+1] != 2 {
		t.Fatalf("got %d pixels, %d labels", len(pix), len(labels))
	}
	badLabel := slices.Clone(valid)
	badLabel[42*cifarRecordBytes] = 10
	tests := []struct {
		name string
		in   []byte
		errs []string
	}{
		{"empty", nil, []string{"expected 30730000 bytes", "found only 0", "truncated"}},
		{"one byte short", valid[:len(valid)-1], []string{"found only 30729999", "truncated"}},
		{"one record", valid[:cifarRecordBytes], []string{"found only 3073", "10000 records of 1 label byte + 3072 pixel bytes"}},
		{"trailing garbage", append(slices.Clone(valid), 0, 0, 0), []string{"3 bytes of unexpected data after the last record", "exactly 30730000 bytes"}},
		{"label out of range", badLabel, []string{"record 42 has label 10", "expected 0..9"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pix, labels, err := ParseCIFARBatch(bytes.NewReader(tc.in), "b.bin")
			wantErr(t, err, append([]string{"b.bin"}, tc.errs...)...)
			if pix != nil || labels != nil {
				t.Error("data returned with an error")
			}
		})
	}
}

func TestLoadCIFAR10FromArchive(t *testing.T) {
	arc := syntheticArchive(t)
	for _, tc := range []struct {
		name, sub string
		sha       string // sibling .sha256 content; "" = none
	}{
		{"plain", "", ""},
		{"in cifar10/", "cifar10", ""},
		{"with sha256", "", sha256Hex(arc) + "  " + cifarArchive + "\n"},
		{"with binary-mode sha256", "", sha256Hex(arc) + " *" + cifarArchive},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := isolate(t)
			opt.Dir = t.TempDir()
			p := filepath.Join(opt.Dir, tc.sub, cifarArchive)
			writeFile(t, p, arc)
			if tc.sha != "" {
				writeFile(t, p+".sha256", []byte(tc.sha))
			}
			train, test, err := Load("cifar10", opt)
			if err != nil {
				t.Fatal(err)
			}
			checkSynthetic(t, train, test)
		})
	}
}

// writeSparseBatches writes the six batch files into dir as sparse files of
// zeros (all labels 0), which are valid and cost no time.
func writeSparseBatches(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range cifarBatchNames {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(cifarBatchBytes); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

func TestLoadCIFAR10FromDir(t *testing.T) {
	opt := isolate(t)
	opt.Dir = t.TempDir()
	folder := filepath.Join(opt.Dir, cifarFolder)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	for k, name := range cifarBatchNames {
		writeFile(t, filepath.Join(folder, name), synthBatch(k))
	}
	// A broken archive beside the folder is not used: the folder comes first.
	writeFile(t, filepath.Join(opt.Dir, cifarArchive), []byte("junk"))
	train, test, err := LoadCIFAR10(opt)
	if err != nil {
		t.Fatal(err)
	}
	checkSynthetic(t, train, test)

	// The same files directly in the data dir.
	for _, name := range cifarBatchNames {
		if err := os.Rename(filepath.Join(folder, name), filepath.Join(opt.Dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	train, test, err = LoadCIFAR10(opt)
	if err != nil {
		t.Fatal(err)
	}
	checkSynthetic(t, train, test)

	// And in the download cache.
	opt2 := isolate(t)
	if err := os.MkdirAll(filepath.Join(opt2.CacheDir, "cifar10"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range cifarBatchNames {
		if err := os.Rename(filepath.Join(opt.Dir, name), filepath.Join(opt2.CacheDir, "cifar10", name)); err != nil {
			t.Fatal(err)
		}
	}
	train, test, err = LoadCIFAR10(opt2)
	if err != nil {
		t.Fatal(err)
	}
	checkSynthetic(t, train, test)
}

func TestLoadCIFAR10BadDir(t *testing.T) {
	fix := "to fix: replace it with a fresh copy of cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string) string // breaks the files, returns the path the error must name
		errs   []string
	}{
		{"missing file", func(t *testing.T, dir string) string {
			os.Remove(filepath.Join(dir, "data_batch_3.bin"))
			os.Remove(filepath.Join(dir, "test_batch.bin"))
			return dir
		}, []string{"only some CIFAR-10 batch files", "data_batch_3.bin, test_batch.bin missing", "data_batch_1.bin, data_batch_2.bin"}},
		{"short file", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "data_batch_4.bin")
			os.Truncate(p, cifarBatchBytes-100)
			return p
		}, []string{"size 30729900 bytes", "expected exactly 30730000 (10000 records × 3073 bytes)", fix}},
		{"long file", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "test_batch.bin")
			os.Truncate(p, cifarBatchBytes+1)
			return p
		}, []string{"size 30730001 bytes", "expected exactly 30730000"}},
		{"label out of range", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "data_batch_2.bin")
			f, _ := os.OpenFile(p, os.O_WRONLY, 0)
			f.WriteAt([]byte{255}, 7*cifarRecordBytes)
			f.Close()
			return p
		}, []string{"record 7 has label 255", "expected 0..9", fix}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := isolate(t)
			opt.Dir = t.TempDir()
			dir := filepath.Join(opt.Dir, cifarFolder)
			writeSparseBatches(t, dir)
			name := tc.damage(t, dir)
			train, test, err := LoadCIFAR10(opt)
			wantErr(t, err, append([]string{name}, tc.errs...)...)
			if train != nil || test != nil {
				t.Error("sets returned with an error")
			}
		})
	}
}

func TestLoadCIFAR10BadArchive(t *testing.T) {
	arc := syntheticArchive(t)
	withMembers := func(edit func([]member) []member) func() []byte {
		return func() []byte { return tarGz(t, edit(synthMembers())) }
	}
	fix := "the archive is corrupt or incomplete: replace "
	tests := []struct {
		name string
		arc  func() []byte
		sha  string // sibling .sha256 content; "" = none
		errs []string
	}{
		{"corrupt gzip", func() []byte { return []byte("this is not gzip") }, "",
			[]string{"not a valid gzip file", "expected a gzipped tar archive", `found "this is "`, "replace it with a fresh copy of cifar-10-binary.tar.gz from"}},
		{"bad gzip header", func() []byte { return []byte{0x1f, 0x8b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0} }, "",
			[]string{"corrupt gzip header", "gzip: invalid header"}},
		{"not a tar", func() []byte { return gzipBytes(t, []byte("hello, world")) }, "",
			[]string{"corrupt archive", "ends early"}},
		{"empty", func() []byte { return nil }, "", []string{"the file is empty, expected a gzipped tar archive"}},
		{"truncated", func() []byte { return arc[:len(arc)/2] }, "", []string{"truncated"}},
		{"truncated with sha256", func() []byte { return arc[:len(arc)/2] }, sha256Hex(arc) + "  " + cifarArchive,
			[]string{"sha256 mismatch", "expected " + sha256Hex(arc), "found " + sha256Hex(arc[:len(arc)/2]), "reading it also failed", "truncated", fix}},
		{"sha256 mismatch", func() []byte { return arc }, sha256Hex([]byte("x")) + "  " + cifarArchive,
			[]string{"sha256 mismatch", "expected " + sha256Hex([]byte("x")), "found " + sha256Hex(arc), "the checksum file does not describe it: replace ", ".sha256: in its folder run `sha256sum cifar-10-binary.tar.gz > cifar-10-binary.tar.gz.sha256`"}},
		{"malformed sha256 file", func() []byte { return arc }, "deadbeef  " + cifarArchive,
			[]string{".sha256", "expected \"<64 hex digits>  cifar-10-binary.tar.gz\"", "deadbeef"}},
		{"missing member", withMembers(func(ms []member) []member { return ms[:len(ms)-1] }), "",
			[]string{"the archive lacks test_batch.bin", "expected all of data_batch_1.bin"}},
		{"wrong-size member", withMembers(func(ms []member) []member {
			ms[4].data = ms[4].data[:cifarBatchBytes-3073]
			return ms
		}), "", []string{"member cifar-10-batches-bin/data_batch_3.bin", "size 30726927 bytes", "expected exactly 30730000"}},
		{"duplicate member", withMembers(func(ms []member) []member { return append(ms, ms[3]) }), "",
			[]string{"member cifar-10-batches-bin/data_batch_2.bin", "second copy"}},
		{"label out of range", withMembers(func(ms []member) []member {
			ms[7].data[9999*cifarRecordBytes] = 11
			return ms
		}), "", []string{"member cifar-10-batches-bin/test_batch.bin", "record 9999 has label 11", "expected 0..9"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := isolate(t)
			opt.Dir = t.TempDir()
			p := filepath.Join(opt.Dir, cifarArchive)
			writeFile(t, p, tc.arc())
			if tc.sha != "" {
				writeFile(t, p+".sha256", []byte(tc.sha))
			}
			train, test, err := LoadCIFAR10(opt)
			wantErr(t, err, append([]string{p}, tc.errs...)...)
			if train != nil || test != nil {
				t.Error("sets returned with an error")
			}
		})
	}
}

func TestLoadCIFAR10NotFound(t *testing.T) {
	opt := isolate(t)
	opt.Dir = t.TempDir()
	_, _, err := LoadCIFAR10(opt)
	wantErr(t, err, "CIFAR-10 not found", cifarArchive, cifarFolder, "data_batch_1.bin", "test_batch.bin",
		"https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", opt.Dir+" (data.dir)",
		filepath.Join(opt.Dir, "cifar10")+" (data.dir, does not exist)", filepath.Join(opt.CacheDir, "cifar10"),
		"SLOTLAB_DATA", "data.dir", "enable downloads")
}
