package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"net/http"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/sweep"
)

// scan reads the store again when the last read is older than half the
// watch interval, and counts a change when what it shows differs. The
// caller holds s.mu.
func (s *Server) scan() error {
	now := s.now()
	if !s.scanned.IsZero() && now.Sub(s.scanned) < s.every/2 {
		return nil
	}
	runs, problems, err := s.live.Scan(".")
	if err != nil {
		return err
	}
	s.runs, s.scanErr, s.scanned = runs, problems, now
	var b strings.Builder
	for _, r := range runs {
		fmt.Fprintf(&b, "%s|%s|%d|%d\n", r.Dir, r.Result.Status, r.Result.Epochs, r.Updated.UnixNano())
	}
	for _, p := range problems {
		b.WriteString(p + "\n")
	}
	if p := b.String(); p != s.print {
		s.print = p
		s.gen++
		close(s.changed)
		s.changed = make(chan struct{})
	}
	return nil
}

// writeJSON answers v as JSON; values from the store are escaped by the
// encoder (<, >, &) and drawn by the page as text.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(b)
}

// writeError answers an error as JSON {"error": ...} with the status.
func writeError(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"error": err.Error()})
	_, _ = w.Write(b)
}

// RunRow is a run as the run list shows it.
type RunRow struct {
	// Dir is the run directory relative to the store, slash-separated.
	Dir       string `json:"dir"`
	Name      string `json:"name"`
	Network   string `json:"network"`
	Method    string `json:"method"`
	Selector  string `json:"selector"`
	K         int    `json:"k"`
	Seed      int64  `json:"seed"`
	Status    string `json:"status"`
	Stalled   bool   `json:"stalled,omitempty"`
	Epoch     int    `json:"epoch"`
	Epochs    int    `json:"epochs"`
	BestEpoch int    `json:"best_epoch"`
	// ValAcc and TestAcc are at the best validation epoch, as numbers
	// (for sorting) and as tables print them.
	ValAcc           float64 `json:"val_acc"`
	TestAcc          float64 `json:"test_acc"`
	ValAccText       string  `json:"val_acc_text"`
	TestAccText      string  `json:"test_acc_text"`
	SamplesPerSecond float64 `json:"samples_per_second"`
	// ETA is the time left of a run in progress, in seconds (0: unknown).
	ETA     float64 `json:"eta"`
	Resumed bool    `json:"resumed"`
	Error   string  `json:"error,omitempty"`
	Updated string  `json:"updated"`
}

// row makes the run list's row of a run.
func (s *Server) row(r *results.Run) RunRow {
	res := r.Result
	p, err := r.Progress(s.now())
	row := RunRow{
		Dir: r.Dir, Name: res.Name, Network: res.Architecture, Method: results.MethodLabel(res),
		Selector: res.Selector, K: res.K, Seed: res.Seed, Status: res.Status, Stalled: p.Stalled,
		Epoch: p.Epoch, Epochs: p.Epochs, BestEpoch: res.BestEpoch,
		ValAcc: res.ValAcc, TestAcc: res.TestAcc, SamplesPerSecond: res.SamplesPerSecond,
		ETA: p.ETA.Seconds(), Resumed: res.Start.Resumed, Error: res.Error,
	}
	if res.Epochs > 0 {
		row.ValAccText, row.TestAccText = results.FormatMetric("val_acc", res.ValAcc), results.FormatMetric("test_acc", res.TestAcc)
	}
	if err != nil {
		row.Error = err.Error()
	}
	if !r.Updated.IsZero() {
		row.Updated = r.Updated.UTC().Format(time.RFC3339)
	}
	return row
}

// RunList is the answer of /api/runs.
type RunList struct {
	Store    string   `json:"store"`
	Runs     []RunRow `json:"runs"`
	Problems []string `json:"problems"`
	Gen      int64    `json:"gen"`
}

// List returns the run list of the store as it is now.
func (s *Server) List() (*RunList, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.scan(); err != nil {
		return nil, err
	}
	out := &RunList{Store: s.dir, Runs: make([]RunRow, 0, len(s.runs)), Problems: s.scanErr, Gen: s.gen}
	for _, r := range s.runs {
		out.Runs = append(out.Runs, s.row(r))
	}
	return out, nil
}

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) {
	l, err := s.List()
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, l)
}

// selected returns the scanned runs named by the request's run
// parameters (directories relative to the store). The caller holds s.mu.
func (s *Server) selected(dirs []string) ([]*results.Run, error) {
	by := map[string]*results.Run{}
	for _, r := range s.runs {
		by[r.Dir] = r
	}
	var out []*results.Run
	for _, d := range dirs {
		rel, err := storePath(d)
		if err != nil {
			return nil, err
		}
		r, ok := by[rel]
		if !ok {
			return nil, fmt.Errorf("no run at %q in the store", d)
		}
		out = append(out, r)
	}
	return out, nil
}

// number is a value for JSON: null where it is not finite.
func numbers(xs []float64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			out[i] = x
		}
	}
	return out
}

func (s *Server) apiCurves(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	dirs := q["run"]
	if len(dirs) == 0 {
		writeError(w, http.StatusBadRequest, fmt.Errorf("no runs chosen: give run=DIR (a run directory relative to the store) once per run"))
		return
	}
	x := q.Get("x")
	if x == "" {
		x = "epoch"
	}
	if x != "epoch" && x != "flops" {
		writeError(w, http.StatusBadRequest, fmt.Errorf("x must be epoch or flops, not %q", x))
		return
	}
	band := q.Get("band")
	if band == "" {
		band = results.BandMinMax
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.scan(); err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	runs, err := s.selected(dirs)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	type curve struct {
		Label string `json:"label"`
		X     []any  `json:"x"`
		Y     []any  `json:"y"`
		Lo    []any  `json:"lo"`
		Hi    []any  `json:"hi"`
		Runs  int    `json:"runs"`
	}
	type panel struct {
		Metric string  `json:"metric"`
		Curves []curve `json:"curves"`
		// Points is the number of points of the longest curve.
		Points int `json:"points"`
	}
	out := struct {
		X        string   `json:"x"`
		Panels   []panel  `json:"panels"`
		Warnings []string `json:"warnings"`
		Gen      int64    `json:"gen"`
	}{X: x, Gen: s.gen}
	series := splitKeys(q.Get("series"))
	for _, m := range results.EpochMetrics {
		cs, warnings, err := results.Curves(runs, series, m, x == "flops", band)
		if err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		if out.Warnings == nil {
			out.Warnings = warnings
		}
		p := panel{Metric: m}
		for _, c := range cs {
			p.Curves = append(p.Curves, curve{Label: c.Label, X: numbers(c.X), Y: numbers(c.Y), Lo: numbers(c.Lo), Hi: numbers(c.Hi), Runs: c.Runs})
			p.Points = max(p.Points, len(c.X))
		}
		out.Panels = append(out.Panels, p)
	}
	writeJSON(w, out)
}

// splitKeys splits a comma-separated list of keys.
func splitKeys(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// Table is the answer of /api/table: slotlab table's grid as its text
// formats print it, and the text of every format.
type Table struct {
	Header   []string          `json:"header"`
	Rows     [][]string        `json:"rows"`
	RowKeys  int               `json:"row_keys"`
	Best     [][]bool          `json:"best"`
	Notes    []string          `json:"notes"`
	Warnings []string          `json:"warnings"`
	Text     map[string]string `json:"text"`
}

// Table aggregates the store's recorded runs as slotlab table does.
func (s *Server) Table(rows, cols []string, metric string) (*Table, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.scan(); err != nil {
		return nil, err
	}
	runs := results.Recorded(s.runs)
	if len(runs) == 0 {
		return nil, fmt.Errorf("no result.json under %s yet", s.dir)
	}
	g, err := results.Aggregate(runs, rows, cols, metric)
	if err != nil {
		return nil, err
	}
	t := &Table{RowKeys: len(rows), Warnings: g.Warnings, Notes: g.Notes("in bold"), Text: map[string]string{}}
	t.Header, t.Rows = g.TextRows(func(s string) string { return s })
	for _, row := range g.Cells {
		best := make([]bool, len(row))
		for j, c := range row {
			best[j] = c != nil && c.Best
		}
		t.Best = append(t.Best, best)
	}
	for _, f := range results.TableFormatNames() {
		var b bytes.Buffer
		if err := results.WriteTable(&b, g, f); err != nil {
			return nil, err
		}
		t.Text[f] = b.String()
	}
	return t, nil
}

func (s *Server) apiTable(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rows, cols, metric := "network,method", results.KeyKOrLearned, "test_acc"
	if q.Has("rows") {
		rows = q.Get("rows")
	}
	if q.Has("cols") {
		cols = q.Get("cols")
	}
	if m := q.Get("metric"); m != "" {
		metric = m
	}
	t, err := s.Table(splitKeys(rows), splitKeys(cols), metric)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, t)
}

// sweepRow is a run of a sweep as the page lists it.
type sweepRow struct {
	ID     string `json:"id"`
	Label  string `json:"label"`
	State  string `json:"state"`
	Job    string `json:"job,omitempty"`
	Detail string `json:"detail"`
	// Dir links to the run's page; empty when it is outside the store.
	Dir string `json:"dir,omitempty"`
}

// sweepView is a sweep as slotlab status shows it.
type sweepView struct {
	Summary  string     `json:"summary"`
	Rejected string     `json:"rejected,omitempty"`
	Notes    []string   `json:"notes,omitempty"`
	Hint     string     `json:"hint,omitempty"`
	Runs     []sweepRow `json:"runs"`
}

// Sweeps returns slotlab status of every sweep of the store: the store's
// own sweep.json and those of the directories in it. Manifests that are
// symbolic links are not read.
func (s *Server) Sweeps() ([]sweepView, error) {
	var dirs []string
	if regular(s.root.FS(), sweep.ManifestFile) {
		dirs = append(dirs, ".")
	}
	entries, err := fs.ReadDir(s.root.FS(), ".")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() && regular(s.root.FS(), path.Join(e.Name(), sweep.ManifestFile)) {
			dirs = append(dirs, e.Name())
		}
	}
	out := []sweepView{}
	for _, d := range dirs {
		st, err := sweep.Status(filepath.Join(s.dir, filepath.FromSlash(d)))
		if err != nil {
			return nil, err
		}
		for _, ss := range st {
			v := sweepView{Summary: ss.Summary(), Rejected: ss.Rejected, Notes: ss.Notes, Hint: sweep.ResumeHint(ss), Runs: []sweepRow{}}
			if rel, err := filepath.Rel(s.dir, ss.Manifest); err == nil {
				v.Summary = strings.Replace(v.Summary, ss.Manifest, filepath.ToSlash(rel), 1)
			}
			for _, r := range ss.Runs {
				row := sweepRow{ID: r.ID, Label: r.Label(), State: r.State, Job: r.Job, Detail: r.Detail}
				if rel, ok := s.inside(r.Dir); ok {
					row.Dir = rel
				} else {
					row.Detail = "outside the run store: not shown"
				}
				v.Runs = append(v.Runs, row)
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// regular reports whether name is a regular file (not a link) in fsys.
func regular(fsys fs.FS, name string) bool {
	fi, err := fs.Lstat(fsys, name)
	return err == nil && fi.Mode().IsRegular()
}

// inside returns a directory's path relative to the store when it and
// every link on its way resolve inside it.
func (s *Server) inside(dir string) (string, bool) {
	rel, err := filepath.Rel(s.dir, dir)
	if err != nil {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	if _, err := storePath(rel); err != nil {
		return "", false
	}
	if _, err := s.root.Stat(rel); err != nil {
		// Not there (a pending run) is fine; a link out is not.
		if !strings.Contains(err.Error(), "escapes") {
			return rel, true
		}
		return "", false
	}
	return rel, true
}

func (s *Server) apiSweeps(w http.ResponseWriter, r *http.Request) {
	v, err := s.Sweeps()
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, v)
}

// logTail is the number of lines of a run's log its page shows.
const logTail = 40

// RunPage is the answer of /api/run: a run's row, its result.json as
// written (without the config tree), its resolved config, the files of
// its directory and the end of its log.
type RunPage struct {
	Row    RunRow         `json:"row"`
	Result map[string]any `json:"result,omitempty"`
	Config string         `json:"config"`
	Files  []string       `json:"files"`
	Log    string         `json:"log"`
	// LogFile is the log's name; empty when the directory has none.
	LogFile string `json:"log_file"`
}

// Run returns the page of the run in dir (relative to the store).
func (s *Server) Run(dir string) (*RunPage, error) {
	rel, err := storePath(dir)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.scan(); err != nil {
		return nil, err
	}
	runs, err := s.selected([]string{rel})
	if err != nil {
		return nil, err
	}
	run := runs[0]
	p := &RunPage{Row: s.row(run), Files: []string{}}
	if run.Recorded != nil {
		b, _ := json.Marshal(run.Recorded)
		_ = json.Unmarshal(b, &p.Result)
		delete(p.Result, "config")
	}
	fsys := s.root.FS()
	if b, err := fs.ReadFile(fsys, path.Join(rel, results.ConfigFile)); err == nil {
		p.Config = string(b)
	}
	entries, err := fs.ReadDir(fsys, rel)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		p.Files = append(p.Files, e.Name())
	}
	sort.Strings(p.Files)
	if b, err := fs.ReadFile(fsys, path.Join(rel, sweep.LogFile)); err == nil {
		p.LogFile = sweep.LogFile
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		p.Log = strings.Join(lines[max(0, len(lines)-logTail):], "\n")
	}
	return p, nil
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request) {
	p, err := s.Run(r.URL.Query().Get("dir"))
	if err != nil {
		status := http.StatusNotFound
		if err == errOutside {
			status = http.StatusForbidden
		}
		writeError(w, status, err)
		return
	}
	writeJSON(w, p)
}

// apiEvents streams server-sent events: "change" with the store's change
// count whenever a run appears, ends, or gains an epoch, checked every
// s.every; a comment every 15 seconds keeps the connection open.
func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	tick := time.NewTicker(s.every)
	defer tick.Stop()
	beat := time.NewTicker(15 * time.Second)
	defer beat.Stop()
	last := int64(-1)
	for {
		s.mu.Lock()
		err := s.scan()
		gen := s.gen
		s.mu.Unlock()
		if err == nil && gen != last {
			last = gen
			fmt.Fprintf(w, "event: change\ndata: %d\n\n", gen)
			fl.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-beat.C:
			fmt.Fprint(w, ": still here\n\n")
			fl.Flush()
		case <-tick.C:
		}
	}
}
