package data

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// fileServer serves files[path]; other paths get 404. It counts requests.
func fileServer(t *testing.T, files map[string][]byte) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// setVar sets *p to v for the duration of the test.
func setVar[T any](t *testing.T, p *T, v T) {
	old := *p
	*p = v
	t.Cleanup(func() { *p = old })
}

// noPartFiles fails if dir holds temporary download files.
func noPartFiles(t *testing.T, dir string) {
	t.Helper()
	parts, _ := filepath.Glob(filepath.Join(dir, "*.part"))
	if len(parts) > 0 {
		t.Errorf("temporary files left behind: %v", parts)
	}
}

func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

func TestDownloadMNIST(t *testing.T) {
	opt := isolate(t)
	real := realMNISTDir(t)
	files := map[string][]byte{}
	for _, f := range mnistFiles {
		files["/good/"+f+".gz"] = readFile(t, filepath.Join(real, f+".gz"))
	}
	srv, hits := fileServer(t, files)
	// The first mirror fails (404), so every file comes from the fallback.
	setVar(t, &mnistBaseURLs, []string{srv.URL + "/bad/", srv.URL + "/good/"})

	if _, _, err := LoadMNIST(opt); err == nil || !strings.Contains(err.Error(), "enable downloads") {
		t.Fatalf("without Download: %v", err)
	}
	if hits.Load() != 0 {
		t.Fatal("downloaded although Download is false")
	}
	opt.Download = true
	train, test, err := LoadMNIST(opt)
	if err != nil {
		t.Fatal(err)
	}
	checkRealMNIST(t, train, test)
	if hits.Load() != 8 {
		t.Errorf("%d requests, want 8 (4 files × 2 mirrors)", hits.Load())
	}
	dir := filepath.Join(opt.CacheDir, "mnist")
	if _, found := findMNIST(dir); found != 4 {
		t.Errorf("only %d files saved in %s", found, dir)
	}
	noPartFiles(t, dir)

	// Next time they come from the download cache.
	srv.Close()
	if _, _, err := LoadMNIST(opt); err != nil {
		t.Fatal(err)
	}

	// A partial cache gets completed.
	os.Remove(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"))
	srv2, hits2 := fileServer(t, files)
	setVar(t, &mnistBaseURLs, []string{srv2.URL + "/good/"})
	if _, _, err := LoadMNIST(opt); err != nil {
		t.Fatal(err)
	}
	if hits2.Load() != 1 {
		t.Errorf("%d requests to complete the cache, want 1", hits2.Load())
	}
}

func TestDownloadMNISTChecksumMismatch(t *testing.T) {
	opt := isolate(t)
	opt.Download = true
	bad := []byte("not the real file")
	files := map[string][]byte{}
	for _, f := range mnistFiles {
		files["/a/"+f+".gz"] = bad
		files["/b/"+f+".gz"] = bad
	}
	srv, _ := fileServer(t, files)
	setVar(t, &mnistBaseURLs, []string{srv.URL + "/a/", srv.URL + "/b/"})
	_, _, err := LoadMNIST(opt)
	wantErr(t, err, "could not download MNIST file train-labels-idx1-ubyte.gz",
		srv.URL+"/a/train-labels-idx1-ubyte.gz", srv.URL+"/b/train-labels-idx1-ubyte.gz",
		"md5 mismatch", "expected d53e105ee54ea40749a09fcbcd1e9432", "got "+md5Hex(bad))
	dir := filepath.Join(opt.CacheDir, "mnist")
	if _, found := findMNIST(dir); found != 0 {
		t.Errorf("a file that failed its checksum was kept")
	}
	noPartFiles(t, dir)
}

func TestDownloadCIFAR10(t *testing.T) {
	opt := isolate(t)
	opt.Download = true
	arc := syntheticArchive(t)
	srv, hits := fileServer(t, map[string][]byte{"/kriz/" + cifarArchive: arc})
	setVar(t, &cifarURL, srv.URL+"/kriz/"+cifarArchive)
	setVar(t, &cifarMD5, md5Hex(arc))
	train, test, err := Load("cifar-10", opt)
	if err != nil {
		t.Fatal(err)
	}
	checkSynthetic(t, train, test)
	dest := filepath.Join(opt.CacheDir, "cifar10", cifarArchive)
	if got := readFile(t, dest); md5Hex(got) != md5Hex(arc) {
		t.Fatal("saved archive differs")
	}
	if got := string(readFile(t, dest+".sha256")); got != sha256Hex(arc)+"  "+cifarArchive+"\n" {
		t.Errorf("sha256 file %q", got)
	}
	noPartFiles(t, filepath.Dir(dest))
	srv.Close()
	if _, _, err := LoadCIFAR10(opt); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 1 {
		t.Errorf("%d requests, want 1", hits.Load())
	}
	// A damaged cached archive is caught by its sha256, and the error says
	// that the archive (not the .sha256) is what to replace, and from where.
	writeFile(t, dest, arc[:1000])
	_, _, err = LoadCIFAR10(opt)
	wantErr(t, err, dest, "sha256 mismatch", "the archive is corrupt or incomplete: replace "+dest+" with a fresh copy from "+srv.URL)
}

func TestDownloadCIFAR10Failures(t *testing.T) {
	arc := syntheticArchive(t)
	srv, _ := fileServer(t, map[string][]byte{"/c.tgz": arc})
	tests := []struct {
		name, url, md5 string
		errs           []string
	}{
		{"md5 mismatch", srv.URL + "/c.tgz", "c32a1d4ab5d03f1284b67883e8d87530",
			[]string{srv.URL + "/c.tgz", "md5 mismatch", "expected c32a1d4ab5d03f1284b67883e8d87530", "got " + md5Hex(arc)}},
		{"not found", srv.URL + "/missing.tgz", md5Hex(arc), []string{srv.URL + "/missing.tgz", "404"}},
		{"no server", "http://127.0.0.1:1/c.tgz", md5Hex(arc), []string{"http://127.0.0.1:1/c.tgz"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := isolate(t)
			opt.Download = true
			setVar(t, &cifarURL, tc.url)
			setVar(t, &cifarMD5, tc.md5)
			_, _, err := LoadCIFAR10(opt)
			wantErr(t, err, tc.errs...)
			dir := filepath.Join(opt.CacheDir, "cifar10")
			if isFile(filepath.Join(dir, cifarArchive)) {
				t.Error("a failed download was kept")
			}
			noPartFiles(t, dir)
		})
	}
}
