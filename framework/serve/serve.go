// Package serve is slotlab's read-only page over a run store: the runs
// with their state, live learning curves, tables and sweeps, updated while
// runs train. Everything it shows is computed by the packages the command
// line uses (results, sweep); the page only draws it. It reads the store
// through an os.Root, so no request reaches a file outside the store,
// whether by ".." or by a symbolic link, and no request writes, deletes or
// starts anything.
package serve

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/slotlab/slotlab/framework/results"
)

// DefaultAddr is where Run listens unless told otherwise: the loopback
// interface only, so that the page is not on the network.
const DefaultAddr = "127.0.0.1:8080"

//go:embed assets
var assets embed.FS

// Server is the handler of the page over one run store.
type Server struct {
	// dir is the store's absolute path, root the store opened as a root.
	dir  string
	root *os.Root
	live *results.Live
	// loopbackOnly refuses requests whose Host is not a loopback name
	// (a web page rebinding its own name to 127.0.0.1).
	loopbackOnly bool

	// mu serialises the use of runs: a results.Run is not safe for
	// concurrent use.
	mu      sync.Mutex
	runs    []*results.Run
	scanErr []string
	scanned time.Time
	// gen counts the changes of the store seen so far; changed is closed
	// and replaced at each.
	gen     int64
	print   string
	changed chan struct{}

	// now is the clock (tests set it).
	now func() time.Time
	// every is how often the store is read again for changes.
	every time.Duration

	mux *http.ServeMux
}

// New returns the server of the run store at dir.
func New(dir string) (*Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("run store: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("run store %s is not a directory (give an --out root such as runs, or docs/reproduction/runs)", dir)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("run store: %w", err)
	}
	s := &Server{dir: abs, root: root, live: results.NewLive(root.FS()), changed: make(chan struct{}),
		now: time.Now, every: time.Second, loopbackOnly: true}
	s.routes()
	return s, nil
}

// Close releases the store.
func (s *Server) Close() error { return s.root.Close() }

// Options say where Run serves.
type Options struct {
	// Dir is the run store.
	Dir string
	// Addr is host:port to listen on (DefaultAddr when empty; port 0
	// picks a free one).
	Addr string
	// Ready, when set, is called with the page's URL once it listens.
	Ready func(url string)
}

// Run serves the page over o.Dir until ctx ends.
func Run(ctx context.Context, o Options) error {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %v (give host:port, e.g. %s)", o.Addr, err, DefaultAddr)
	}
	s, err := New(o.Dir)
	if err != nil {
		return err
	}
	defer s.Close()
	s.loopbackOnly = isLoopback(host)
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", o.Addr, err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	if o.Ready != nil {
		o.Ready("http://" + ln.Addr().String() + "/")
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		return nil
	}
}

// isLoopback reports whether host names the loopback interface.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(assets, "assets")
	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		serveAsset(w, r, static, "index.html")
	})
	m.HandleFunc("GET /static/{name}", func(w http.ResponseWriter, r *http.Request) {
		serveAsset(w, r, static, r.PathValue("name"))
	})
	m.HandleFunc("GET /api/runs", s.apiRuns)
	m.HandleFunc("GET /api/curves", s.apiCurves)
	m.HandleFunc("GET /api/table", s.apiTable)
	m.HandleFunc("GET /api/sweeps", s.apiSweeps)
	m.HandleFunc("GET /api/run", s.apiRun)
	m.HandleFunc("GET /api/events", s.apiEvents)
	m.HandleFunc("GET /files/{path...}", s.files)
	s.mux = m
}

// ServeHTTP answers GET and HEAD requests for the page, its data and the
// store's files; anything else is refused.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "read-only: only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	if s.loopbackOnly {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if !isLoopback(strings.Trim(host, "[]")) {
			http.Error(w, "this page answers only requests for localhost (it listens on the loopback interface)", http.StatusForbidden)
			return
		}
	}
	// Refuse ".." before the mux would clean it into another path.
	if _, err := storePath(strings.TrimPrefix(r.URL.Path, "/")); err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// contentTypes of the embedded assets.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
}

func serveAsset(w http.ResponseWriter, r *http.Request, static fs.FS, name string) {
	b, err := fs.ReadFile(static, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", contentTypes[path.Ext(name)])
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

// errOutside is the answer to a path that would leave the store.
var errOutside = errors.New("the path leaves the run store: only files under it are served")

// storePath checks a slash-separated path from a request and returns it
// relative to the store ("." for the store itself): no "..", no empty or
// "." elements, no backslash or NUL.
func storePath(p string) (string, error) {
	p = strings.Trim(p, "/")
	if p == "" || p == "." {
		return ".", nil
	}
	if strings.ContainsAny(p, "\\\x00") {
		return "", fmt.Errorf("bad path %q: no backslashes or NUL", p)
	}
	for _, e := range strings.Split(p, "/") {
		if e == ".." {
			return "", errOutside
		}
	}
	return path.Clean(p), nil
}

// files serves a file of the store as it is, as plain text unless it is
// an image, never as a page that could run a script.
func (s *Server) files(w http.ResponseWriter, r *http.Request) {
	rel, err := storePath(r.PathValue("path"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	f, err := s.root.Open(rel)
	if err != nil {
		fileError(w, rel, err)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		fileError(w, rel, err)
		return
	}
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	if fi.IsDir() {
		entries, err := f.ReadDir(-1)
		if err != nil {
			fileError(w, rel, err)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		for _, e := range entries {
			n := e.Name()
			if e.IsDir() {
				n += "/"
			}
			fmt.Fprintln(w, n)
		}
		return
	}
	ct := "text/plain; charset=utf-8"
	if path.Ext(rel) == ".png" {
		ct = "image/png"
	}
	w.Header().Set("Content-Type", ct)
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

// fileError answers a failed read of the store: a link out of it is
// refused, a missing file not found.
func fileError(w http.ResponseWriter, rel string, err error) {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		http.Error(w, fmt.Sprintf("%s: not in the run store", rel), http.StatusNotFound)
	case strings.Contains(err.Error(), "escapes from parent") || strings.Contains(err.Error(), "path escapes"):
		http.Error(w, fmt.Sprintf("%s: %v", rel, errOutside), http.StatusForbidden)
	default:
		http.Error(w, fmt.Sprintf("%s: %v", rel, err), http.StatusForbidden)
	}
}
