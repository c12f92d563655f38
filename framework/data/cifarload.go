package data

import (
	"archive/tar"
	"bufio"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Where CIFAR-10 comes from; tests replace these.
var (
	cifarURL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
	cifarMD5 = "c32a1d4ab5d03f1284b67883e8d87530"
)

const (
	cifarArchive = "cifar-10-binary.tar.gz"
	cifarFolder  = "cifar-10-batches-bin"
)

// cifarBatchNames are the six batch files: five training batches, then the test batch.
var cifarBatchNames = [6]string{
	"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
	"data_batch_4.bin", "data_batch_5.bin", "test_batch.bin",
}

// CIFAR-10 is registered with its training set's per-channel mean and
// standard deviation, 10% of the training set held out for validation, as
// the paper, and random horizontal flips on.
func init() {
	Register(Dataset{
		Name:    "cifar10",
		Aliases: []string{"cifar-10", "cifar_10"},
		Summary: "colour images of 10 objects, 50000 training and 10000 test images",
		Input:   [3]int{cifarChannels, cifarSide, cifarSide},
		Classes: cifarClasses,
		Norm: Normalization{
			Mean: []float32{0.4914, 0.4822, 0.4465},
			Std:  []float32{0.247, 0.243, 0.261},
		},
		ValFraction: 0.1,
		Flip:        true,
		Load:        LoadCIFAR10,
	})
}

// newCIFARSets allocates the training and test sets.
func newCIFARSets() (train, test *Set) {
	mk := func(name string, batches int) *Set {
		n := batches * cifarBatchRecords
		return &Set{Name: name, N: n, C: cifarChannels, H: cifarSide, W: cifarSide, Classes: cifarClasses,
			Pixels: make([]uint8, n*cifarImageBytes), Labels: make([]uint8, n)}
	}
	return mk("cifar10/train", 5), mk("cifar10/test", 1)
}

// batchSlots returns where batch k (an index into cifarBatchNames) goes:
// zero-length slices with exactly one batch of capacity.
func batchSlots(train, test *Set, k int) (pix, labels []uint8) {
	s, b := train, k
	if k == 5 {
		s, b = test, 0
	}
	p0, l0 := b*cifarBatchRecords*cifarImageBytes, b*cifarBatchRecords
	return s.Pixels[p0 : p0 : p0+cifarBatchRecords*cifarImageBytes], s.Labels[l0 : l0 : l0+cifarBatchRecords]
}

func batchIndex(name string) int {
	for k, n := range cifarBatchNames {
		if n == name {
			return k
		}
	}
	return -1
}

// LoadCIFAR10 loads CIFAR-10's 50000 training and 10000 test images (3×32×32,
// classes 0..9). It looks, in order, in the data directory (opt.Dir, else
// $SLOTLAB_DATA) and its cifar10/ folder, then in CacheDir/cifar10; in each
// it accepts the folder cifar-10-batches-bin/ holding data_batch_1.bin …
// data_batch_5.bin and test_batch.bin, those six files directly, or the
// archive cifar-10-binary.tar.gz, read straight from the archive. An archive
// with a sibling cifar-10-binary.tar.gz.sha256 is checked against it. If
// nothing is found and opt.Download is set, the archive is downloaded into
// CacheDir/cifar10 with its md5 checked.
func LoadCIFAR10(opt Options) (train, test *Set, err error) {
	logf := opt.logf()
	var dirs []string
	if dir, from := dataDir(opt); dir != "" {
		fix := "replace it with a fresh copy of " + cifarArchive + " from " + cifarURL
		for _, d := range []string{dir, filepath.Join(dir, "cifar10")} {
			train, test, found, err := loadCIFARFrom(d, fix, logf)
			if found {
				return train, test, err
			}
			dirs = append(dirs, searched(d, from))
		}
	}
	cache, cacheErr := cacheDir(opt)
	if cacheErr == nil {
		d := filepath.Join(cache, "cifar10")
		fix := "delete it and slotlab will download a fresh copy (with downloads enabled)"
		train, test, found, err := loadCIFARFrom(d, fix, logf)
		if found {
			return train, test, err
		}
		dirs = append(dirs, searched(d, "download cache"))
		if opt.Download {
			dest := filepath.Join(d, cifarArchive)
			sha, err := download(cifarURL, dest, cifarMD5, logf)
			if err != nil {
				return nil, nil, err
			}
			if err := os.WriteFile(dest+".sha256", []byte(sha+"  "+cifarArchive+"\n"), 0o644); err != nil {
				logf("data: could not record the archive's sha256: %v", err)
			}
			train, test, err = loadCIFARArchive(dest, logf)
			return train, test, withFix(err, fix)
		}
	}
	msg := fmt.Sprintf("data: CIFAR-10 not found. Put %s (from %s), or its folder %s/ holding %s, "+
		"in the data directory or its cifar10/ folder (set data.dir in the config, or $%s), or enable downloads. Searched: %s",
		cifarArchive, cifarURL, cifarFolder, strings.Join(cifarBatchNames[:], ", "), EnvDataDir, strings.Join(dirs, ", "))
	if cacheErr != nil {
		return nil, nil, errors.Join(errors.New(msg), cacheErr)
	}
	return nil, nil, errors.New(msg)
}

// loadCIFARFrom loads CIFAR-10 from dir in whichever layout it holds; found
// reports whether dir holds any CIFAR-10 files at all. fix is the hint added
// to errors.
func loadCIFARFrom(dir, fix string, logf func(string, ...any)) (train, test *Set, found bool, err error) {
	for _, d := range []string{filepath.Join(dir, cifarFolder), dir} {
		for _, name := range cifarBatchNames {
			if isFile(filepath.Join(d, name)) {
				logf("data: loading CIFAR-10 from %s", d)
				train, test, err = loadCIFARDir(d)
				return train, test, true, withFix(err, fix)
			}
		}
	}
	if a := filepath.Join(dir, cifarArchive); isFile(a) {
		logf("data: loading CIFAR-10 from %s", a)
		train, test, err = loadCIFARArchive(a, logf)
		return train, test, true, withFix(err, fix)
	}
	return nil, nil, false, nil
}

// loadCIFARDir loads the six batch files from dir.
func loadCIFARDir(dir string) (train, test *Set, err error) {
	var missing []string
	for _, name := range cifarBatchNames {
		p := filepath.Join(dir, name)
		st, err := os.Stat(p)
		if err != nil {
			missing = append(missing, name)
			continue
		}
		if st.Size() != cifarBatchBytes {
			return nil, nil, &FileError{Name: p,
				Problem: fmt.Sprintf("size %d bytes, expected exactly %d (%d records × %d bytes)", st.Size(), cifarBatchBytes, cifarBatchRecords, cifarRecordBytes)}
		}
	}
	if missing != nil {
		return nil, nil, &FileError{Name: dir,
			Problem: fmt.Sprintf("holds only some CIFAR-10 batch files: %s missing, expected all of %s",
				strings.Join(missing, ", "), strings.Join(cifarBatchNames[:], ", "))}
	}
	train, test = newCIFARSets()
	for k, name := range cifarBatchNames {
		if err := loadCIFARFile(filepath.Join(dir, name), train, test, k); err != nil {
			return nil, nil, err
		}
	}
	return train, test, nil
}

func loadCIFARFile(p string, train, test *Set, k int) error {
	r, closeFn, err := openData(p)
	if err != nil {
		return err
	}
	defer closeFn()
	pix, labels := batchSlots(train, test, k)
	_, _, err = parseCIFARRecords(r, p, cifarBatchRecords, pix, labels)
	return err
}

// readSHA256File reads a checksum file as sha256sum writes it,
// "<64 hex digits>  <name>", and returns the digest in lower-case hex.
func readSHA256File(p string) (string, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return "", &FileError{Name: p, Problem: "cannot read the checksum file", Err: err}
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 || len(fields[0]) != 64 {
		return "", &FileError{Name: p, Problem: fmt.Sprintf("expected \"<64 hex digits>  %s\" as sha256sum writes, found %.80q", cifarArchive, b),
			Fix: "delete it (the archive is then read unchecked) or rewrite it with `sha256sum " + cifarArchive + "`"}
	}
	if _, err := hex.DecodeString(fields[0]); err != nil {
		return "", &FileError{Name: p, Problem: fmt.Sprintf("the checksum %q is not hexadecimal", fields[0]), Err: err,
			Fix: "delete it (the archive is then read unchecked) or rewrite it with `sha256sum " + cifarArchive + "`"}
	}
	return strings.ToLower(fields[0]), nil
}

// loadCIFARArchive reads the six batch files straight out of the gzipped tar
// archive at p, verifying the archive against p+".sha256" if that exists.
func loadCIFARArchive(p string, logf func(string, ...any)) (train, test *Set, err error) {
	shaPath := p + ".sha256"
	var wantSHA string
	if isFile(shaPath) {
		if wantSHA, err = readSHA256File(shaPath); err != nil {
			return nil, nil, err
		}
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, nil, &FileError{Name: p, Problem: "cannot open the archive", Err: err}
	}
	defer f.Close()
	var h hash.Hash
	var src io.Reader = f
	if wantSHA != "" {
		h = sha256.New()
		src = io.TeeReader(f, h)
	}
	br := bufio.NewReaderSize(src, 1<<20)
	train, test, err = readCIFARArchive(br, p)
	if h != nil {
		// Hash whatever the reader has not consumed, then check: a
		// mismatch explains any error met on the way.
		if _, derr := io.Copy(io.Discard, br); derr != nil && err == nil {
			return nil, nil, &FileError{Name: p, Problem: "read error", Err: derr}
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != wantSHA {
			problem := fmt.Sprintf("sha256 mismatch: expected %s (from %s), found %s", wantSHA, shaPath, got)
			if err != nil {
				problem += "; reading it also failed: " + err.Error()
			}
			return nil, nil, &FileError{Name: p, Problem: problem, Fix: checksumFix(p, shaPath, err)}
		}
		logf("data: %s: sha256 verified", p)
	}
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// checksumFix says which file to replace when the archive at p does not
// match the sha256 in shaPath; readErr is what reading the archive met.
// An archive that read without error passed gzip's own CRC-32 over its
// whole content and every member check, so the checksum file is what is
// wrong (for certain when the archive's md5, read again only on this path,
// is CIFAR-10's published one); an archive that failed to read is what to
// replace.
func checksumFix(p, shaPath string, readErr error) string {
	rewrite := fmt.Sprintf("replace %s: in its folder run `sha256sum %s > %s`, or delete it to read the archive unchecked", shaPath, cifarArchive, filepath.Base(shaPath))
	fresh := fmt.Sprintf("replace %s with a fresh copy from %s", p, cifarURL)
	if readErr != nil {
		return "the archive is corrupt or incomplete: " + fresh
	}
	if f, err := os.Open(p); err == nil {
		defer f.Close()
		h := md5.New()
		if _, err = io.Copy(h, f); err == nil && hex.EncodeToString(h.Sum(nil)) == cifarMD5 {
			return fmt.Sprintf("the archive is intact (its md5 is CIFAR-10's published %s), so the checksum file is wrong: %s", cifarMD5, rewrite)
		}
	}
	return fmt.Sprintf("the archive is intact as far as it says (gzip's CRC-32 and every member check pass), so the checksum file does not describe it: %s; if this archive is not the copy you meant, %s instead", rewrite, fresh)
}

// readCIFARArchive reads the batch files from the gzipped tar stream r; p
// names the archive in errors.
func readCIFARArchive(r *bufio.Reader, p string) (train, test *Set, err error) {
	zr, err := newGzipReader(r, p, "a gzipped tar archive")
	if err != nil {
		return nil, nil, err
	}
	tr := tar.NewReader(zr)
	train, test = newCIFARSets()
	var seen [6]bool
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, &FileError{Name: p, Problem: "corrupt archive: " + describeReadErr(err), Err: err}
		}
		k := batchIndex(path.Base(hdr.Name))
		if k < 0 || hdr.Typeflag != tar.TypeReg {
			continue
		}
		member := fmt.Sprintf("%s, member %s", p, hdr.Name)
		if seen[k] {
			return nil, nil, &FileError{Name: member, Problem: "a second copy of " + cifarBatchNames[k] + " in the archive, expected one"}
		}
		seen[k] = true
		if hdr.Size != cifarBatchBytes {
			return nil, nil, &FileError{Name: member,
				Problem: fmt.Sprintf("size %d bytes, expected exactly %d (%d records × %d bytes)", hdr.Size, cifarBatchBytes, cifarBatchRecords, cifarRecordBytes)}
		}
		pix, labels := batchSlots(train, test, k)
		if _, _, err := parseCIFARRecords(tr, member, cifarBatchRecords, pix, labels); err != nil {
			return nil, nil, err
		}
	}
	var missing []string
	for k, ok := range seen {
		if !ok {
			missing = append(missing, cifarBatchNames[k])
		}
	}
	if missing != nil {
		return nil, nil, &FileError{Name: p,
			Problem: fmt.Sprintf("the archive lacks %s, expected all of %s in %s/", strings.Join(missing, ", "), strings.Join(cifarBatchNames[:], ", "), cifarFolder)}
	}
	// Read to the end so that gzip verifies its checksum.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, nil, &FileError{Name: p, Problem: "error after the last member: " + describeReadErr(err), Err: err}
	}
	return train, test, nil
}
