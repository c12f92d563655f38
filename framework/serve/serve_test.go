package serve

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/sweep"
)

// newStore writes a store of n finished runs (name exp<i%3>, K and seed
// varying) under a temporary directory and returns its path.
func newStore(t testing.TB, n int) string {
	t.Helper()
	store := filepath.Join(t.TempDir(), "runs")
	for i := 0; i < n; i++ {
		hash := fmt.Sprintf("%012x0000", i+1)
		r := &results.Result{
			Name: fmt.Sprintf("exp%d", i%3), RunID: results.RunID(hash), Status: results.StatusDone, Dataset: "mnist",
			Architecture: "lenet-300-100", Method: "slot", Selector: "greedy", SelectorLabel: "GS", K: 1 << (1 + i%6),
			Seed: int64(i / 18), Epochs: 10, BestEpoch: 9, ValAcc: 97 + float64(i%100)/100, TestAcc: 96.5 + float64(i%77)/100,
			SamplesPerSecond: 20000, TrainFLOPs: 1e12, ConfigHash: hash,
			Config: map[string]any{"name": fmt.Sprintf("exp%d", i%3), "k": 1 << (1 + i%6), "seed": i / 18,
				"train": map[string]any{"epochs": 10, "batch_size": 128}},
		}
		dir := results.RunDir(store, r.Name, hash)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := results.WriteJSON(filepath.Join(dir, results.ResultFile), r); err != nil {
			t.Fatal(err)
		}
	}
	return store
}

func get(t *testing.T, h http.Handler, target, host string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Host = "127.0.0.1:8080"
	if host != "" {
		req.Host = host
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// TestRefusesOutsideTheStore asks for paths that leave the store by ".."
// and through symbolic links, and for the page from another host name.
func TestRefusesOutsideTheStore(t *testing.T) {
	store := newStore(t, 2)
	outside := filepath.Dir(store)
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("TOPSECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := results.RunDir(store, "exp0", fmt.Sprintf("%012x0000", 1))
	rel, _ := filepath.Rel(store, run)
	rel = filepath.ToSlash(rel)
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(run, "leak.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(store, "up")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("exp0", filepath.Join(store, "inner")); err != nil {
		t.Fatal(err)
	}
	s, err := New(store)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		target, host string
		status       int
	}{
		{"/files/" + rel + "/result.json", "", http.StatusOK},
		{"/files/inner/" + filepath.Base(run) + "/result.json", "", http.StatusOK}, // a link inside the store
		{"/files/../secret.txt", "", http.StatusForbidden},
		{"/files/exp0/../../secret.txt", "", http.StatusForbidden},
		{"/files/..%2Fsecret.txt", "", http.StatusForbidden},
		{"/../secret.txt", "", http.StatusForbidden},
		{"/files/" + rel + "/leak.txt", "", http.StatusForbidden},
		{"/files/up/secret.txt", "", http.StatusForbidden},
		{"/api/run?dir=..%2Fsecret.txt", "", http.StatusForbidden},
		{"/api/run?dir=up", "", http.StatusNotFound},
		{"/api/curves?run=..%2F..%2Fetc", "", http.StatusBadRequest},
		{"/api/runs", "evil.example:8080", http.StatusForbidden},
		{"/api/runs", "localhost:8080", http.StatusOK},
		{"/api/runs", "[::1]:8080", http.StatusOK},
	} {
		w := get(t, s, tc.target, tc.host)
		if w.Code != tc.status || strings.Contains(w.Body.String(), "TOPSECRET") {
			t.Errorf("GET %s (host %q): %d %q, want %d", tc.target, tc.host, w.Code, w.Body.String(), tc.status)
		}
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		w := httptest.NewRecorder()
		req := httptest.NewRequest(m, "/api/runs", nil)
		req.Host = "localhost"
		s.ServeHTTP(w, req)
		if w.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s answered %d, want 405", m, w.Code)
		}
	}
}

// TestStorePath checks the paths a request may name.
func TestStorePath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "."}, {"/", "."}, {"a/b", "a/b"}, {"/a//b/", "a/b"}, {"a/./b", "a/b"},
		{"..", ""}, {"a/../b", ""}, {"../a", ""}, {"a\\..\\b", ""}, {"a\x00b", ""},
	} {
		got, err := storePath(tc.in)
		if (err != nil) != (tc.want == "") || got != tc.want {
			t.Errorf("storePath(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// TestAPIs reads each answer of a small store.
func TestAPIs(t *testing.T) {
	store := newStore(t, 6)
	s, err := New(store)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var list RunList
	if w := get(t, s, "/api/runs", ""); w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &list) != nil || len(list.Runs) != 6 {
		t.Fatalf("/api/runs: %d %s", w.Code, w.Body)
	}
	r := list.Runs[0]
	if r.Status != "done" || r.Method != "slot GS" || r.TestAccText != results.FormatMetric("test_acc", r.TestAcc) || r.Epoch != 10 || r.Epochs != 10 {
		t.Errorf("row %+v", r)
	}
	var tbl Table
	if w := get(t, s, "/api/table?rows=name&cols=k&metric=val_acc", ""); w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &tbl) != nil {
		t.Fatalf("/api/table: %d %s", w.Code, w.Body)
	}
	if tbl.Header[0] != "name" || len(tbl.Rows) != 3 || !strings.HasPrefix(tbl.Text["latex"], "\\begin{table}") && !strings.Contains(tbl.Text["latex"], "tabular") {
		t.Errorf("table %+v", tbl)
	}
	if w := get(t, s, "/api/table?rows=nokey", ""); w.Code != 400 || !strings.Contains(w.Body.String(), `no run has the key \"nokey\"`) {
		t.Errorf("a bad key: %d %s", w.Code, w.Body)
	}
	if w := get(t, s, "/api/curves?run="+r.Dir+"&x=time", ""); w.Code != 400 || !strings.Contains(w.Body.String(), "x must be epoch or flops") {
		t.Errorf("a bad x: %d %s", w.Code, w.Body)
	}
	if w := get(t, s, "/api/run?dir="+r.Dir, ""); w.Code != 200 || !strings.Contains(w.Body.String(), `"status":"done"`) {
		t.Errorf("/api/run: %d %s", w.Code, w.Body)
	}
	if w := get(t, s, "/api/sweeps", ""); w.Code != 200 || strings.TrimSpace(w.Body.String()) != "[]" {
		t.Errorf("/api/sweeps without sweeps: %d %s", w.Code, w.Body)
	}
	// A sweep of exp0: one run done, one never run, one outside the store.
	m := sweep.Manifest{Experiment: "exp0", Executor: "local", Runs: []sweep.Entry{
		{ID: "k2", ConfigHash: fmt.Sprintf("%012x0000", 1), Dir: results.RunID(fmt.Sprintf("%012x0000", 1)), Overrides: []string{"k=2"}},
		{ID: "k3", ConfigHash: "ffff", Dir: "ffff", Overrides: []string{"k=3"}},
		{ID: "out", ConfigHash: "eeee", Dir: "../../elsewhere", Overrides: []string{"k=4"}},
	}}
	if err := results.WriteJSON(filepath.Join(store, "exp0", sweep.ManifestFile), m); err != nil {
		t.Fatal(err)
	}
	var sweeps []sweepView
	if w := get(t, s, "/api/sweeps", ""); w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &sweeps) != nil || len(sweeps) != 1 {
		t.Fatalf("/api/sweeps: %d %s", w.Code, w.Body)
	}
	sw := sweeps[0]
	if !strings.HasPrefix(sw.Summary, "exp0: 3 runs: 1 done, 0 queued, 0 running, 0 failed, 2 pending  [local; exp0/sweep.json]") ||
		sw.Runs[0].Dir != "exp0/000000000001" || sw.Runs[1].Dir != "exp0/ffff" || sw.Runs[2].Dir != "" {
		t.Errorf("sweep %+v", sw)
	}
	if w := get(t, s, "/", ""); w.Code != 200 || !strings.Contains(w.Header().Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("/: %d %v", w.Code, w.Header())
	}
}

// TestNewErrors names what is wrong with a store argument.
func TestNewErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dir, want string }{
		{filepath.Join(t.TempDir(), "none"), "no such file"},
		{file, "is not a directory"},
	} {
		if _, err := New(tc.dir); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%q): %v, want %q", tc.dir, err, tc.want)
		}
	}
}

// TestVendoredUPlot checks that the embedded chart library is the one
// VENDOR.txt names, unchanged.
func TestVendoredUPlot(t *testing.T) {
	note, err := fs.ReadFile(assets, "assets/VENDOR.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"uPlot.iife.min.js", "uPlot.min.css"} {
		b, err := fs.ReadFile(assets, "assets/"+name)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if !strings.Contains(string(note), hex.EncodeToString(sum[:])+"  "+name) {
			t.Errorf("%s's sha256 %x is not the one VENDOR.txt records", name, sum)
		}
	}
	js, _ := fs.ReadFile(assets, "assets/uPlot.iife.min.js")
	if !strings.Contains(string(note), "uPlot 1.6.32") || !strings.Contains(string(js[:80]), "(v1.6.32)") {
		t.Error("uPlot's version differs from VENDOR.txt's")
	}
}
