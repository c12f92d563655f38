package results

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
)

// StatusRunning is the state of a run in progress as the store shows it:
// a run directory with a config.yaml and no result.json, or whose
// config.yaml or metrics.jsonl is newer than its result.json (a failed or
// interrupted run started again: every process writes config.yaml when it
// begins). It is never written into result.json.
const StatusRunning = "running"

// Live reads a run store through a file system again and again, as a page
// that follows training does: each Scan rereads only the run directories
// whose files changed (by size and modification time) and also returns the
// runs in progress. Reading through an os.Root's FS keeps every read inside
// the store. A Live is safe for concurrent use, but the Runs it returns
// are not: use each from one goroutine at a time.
type Live struct {
	fsys  fs.FS
	mu    sync.Mutex
	cache map[string]liveEntry // by run directory
}

type liveEntry struct {
	sig string
	run *Run
}

// NewLive returns a Live over fsys.
func NewLive(fsys fs.FS) *Live { return &Live{fsys: fsys, cache: map[string]liveEntry{}} }

// Scan returns the runs under dir (a slash-separated path in the file
// system, "." for all), sorted by directory: what Scan returns, with runs
// in progress (StatusRunning) given a Result made from their config.yaml
// and metrics.jsonl (see LiveResult). A config found twice is kept once,
// as Scan does. Run directories that cannot be read (a bad result.json, a
// file that leaves the file system through a symbolic link) are left out
// and named in problems. Symbolic links to directories are not followed.
func (l *Live) Scan(dir string) (runs []*Run, problems []string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := map[string]bool{}
	var walk func(dir string) error
	walk = func(dir string) error {
		entries, err := fs.ReadDir(l.fsys, dir)
		if err != nil {
			return err
		}
		files := map[string]fs.FileInfo{}
		for _, e := range entries {
			if n := e.Name(); n == ResultFile || n == ConfigFile || n == MetricsFile {
				if info, err := e.Info(); err == nil {
					files[n] = info
				}
			}
		}
		if files[ResultFile] != nil || files[ConfigFile] != nil {
			seen[dir] = true
			r, err := l.run(dir, files)
			switch {
			case err != nil:
				problems = append(problems, err.Error())
			case r != nil:
				runs = append(runs, r)
			}
			return nil
		}
		for _, e := range entries {
			if e.IsDir() {
				if err := walk(path.Join(dir, e.Name())); err != nil {
					problems = append(problems, err.Error())
				}
			}
		}
		return nil
	}
	if err := walk(path.Clean(dir)); err != nil {
		return nil, nil, fmt.Errorf("reading runs under %s: %w", dir, err)
	}
	for d := range l.cache {
		if !seen[d] {
			delete(l.cache, d)
		}
	}
	return dedupe(runs), problems, nil
}

// signature identifies the state of a run directory's files.
func signature(files map[string]fs.FileInfo) string {
	s := ""
	for _, n := range []string{ResultFile, ConfigFile, MetricsFile} {
		if fi := files[n]; fi != nil {
			s += fmt.Sprintf("%s:%d:%d;", n, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return s
}

// run reads one run directory, or returns the cached run when its files
// have not changed; nil when config.yaml alone is there and is not a
// run's config.
func (l *Live) run(dir string, files map[string]fs.FileInfo) (*Run, error) {
	sig := signature(files)
	if c, ok := l.cache[dir]; ok && c.sig == sig {
		return c.run, nil
	}
	r := &Run{Dir: dir, fsys: l.fsys}
	for _, fi := range files {
		if fi.ModTime().After(r.Updated) {
			r.Updated = fi.ModTime()
		}
	}
	if fi := files[ResultFile]; fi != nil {
		p := path.Join(dir, ResultFile)
		b, err := fs.ReadFile(l.fsys, p)
		if err != nil {
			return nil, err
		}
		if r.Recorded, err = DecodeResult(b, p); err != nil {
			return nil, err
		}
		r.Result = r.Recorded
	}
	cfg := files[ConfigFile]
	if running(files, r.Recorded) {
		if cfg == nil {
			return nil, nil
		}
		p := path.Join(dir, ConfigFile)
		b, err := fs.ReadFile(l.fsys, p)
		if err != nil {
			return nil, err
		}
		m, err := r.Metrics()
		if err != nil {
			return nil, err
		}
		live, ok := LiveResult(b, m)
		if !ok {
			return nil, nil
		}
		live.RunID = path.Base(dir)
		live.StartedAt = cfg.ModTime().UTC().Format(time.RFC3339)
		live.Start.Resumed = r.Recorded != nil
		r.Result = live
	}
	l.cache[dir] = liveEntry{sig: sig, run: r}
	return r, nil
}

// restartMargin is how much newer than a failed or interrupted run's
// result.json its config.yaml or metrics.jsonl must be to show the run
// started again: files checked out or copied together differ by less.
const restartMargin = 2 * time.Second

// running reports whether a run directory's files show a run in progress
// (see StatusRunning); recorded is its result.json, nil if none.
func running(files map[string]fs.FileInfo, recorded *Result) bool {
	res := files[ResultFile]
	if res == nil || recorded == nil {
		return true
	}
	if recorded.Status == StatusDone {
		return false
	}
	for _, n := range []string{ConfigFile, MetricsFile} {
		if fi := files[n]; fi != nil && fi.ModTime().Sub(res.ModTime()) > restartMargin {
			return true
		}
	}
	return false
}

// dedupe keeps each config once, as Scan does: the finished copy if there
// is one, else the first; runs in progress are told apart by directory.
func dedupe(runs []*Run) []*Run {
	byHash := map[string]int{}
	var out []*Run
	for _, r := range runs {
		key := r.Result.ConfigHash
		if key == "" || r.Result.Status == StatusRunning {
			key = "dir:" + r.Dir
		}
		if i, ok := byHash[key]; ok {
			if !out[i].Done() && r.Done() {
				out[i] = r
			}
			continue
		}
		byHash[key] = len(out)
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Dir < out[j].Dir })
	return out
}

// Recorded returns the runs as their result.json records them, which is
// what Scan returns and what tables summarise: a run in progress without
// one is left out, one started again is its last recorded result.
func Recorded(runs []*Run) []*Run {
	var out []*Run
	for _, r := range runs {
		switch {
		case r.Recorded == nil:
		case r.Result == r.Recorded:
			out = append(out, r)
		default:
			out = append(out, &Run{Dir: r.Dir, Result: r.Recorded, Recorded: r.Recorded, Updated: r.Updated, fsys: r.fsys})
		}
	}
	return out
}

// LiveResult makes the result of a run in progress from its resolved
// config (the bytes of config.yaml) and the epochs so far: what the run is
// (name, dataset, network, method, selector, sharing, K, seed, the config
// tree) and how it does (best validation epoch and its accuracies, the
// last epoch's, FLOPs, wall time), with Status StatusRunning. Its
// SamplesPerSecond counts the epochs' whole wall time, evaluation
// included, since metrics.jsonl does not time the steps alone. ok is false
// when config is not a run's config (no name).
func LiveResult(config []byte, epochs []Epoch) (r *Result, ok bool) {
	var cfg map[string]any
	if yaml.Unmarshal(config, &cfg) != nil || cfg == nil {
		return nil, false
	}
	name, _ := cfg["name"].(string)
	if name == "" {
		return nil, false
	}
	r = &Result{Name: name, Status: StatusRunning, Config: cfg, Epochs: len(epochs)}
	r.Dataset, _ = cfg["dataset"].(string)
	switch a := cfg["architecture"].(type) {
	case map[string]any:
		r.Architecture, _ = a["name"].(string)
	case string:
		r.Architecture = a
	}
	r.Method = framework.MethodSlot
	if m, _ := cfg["method"].(string); m != "" {
		r.Method = framework.Method(m)
	}
	r.Selector = moduleName(cfg["selector"])
	r.Sharing = moduleName(cfg["sharing"])
	r.K, _ = intValue(cfg["k"])
	seed, _ := intValue(cfg["seed"])
	r.Seed = int64(seed)
	if b := BestEpoch(epochs); b >= 0 {
		r.BestEpoch, r.ValAcc, r.TestAcc = epochs[b].Epoch, epochs[b].ValAcc, epochs[b].TestAcc
	}
	if n := len(epochs); n > 0 {
		last := epochs[n-1]
		r.FinalValAcc, r.FinalTestAcc, r.FinalLoss, r.TrainFLOPs = last.ValAcc, last.TestAcc, last.TrainLoss, last.FLOPs
		for _, e := range epochs {
			r.TrainSeconds += e.Seconds
		}
		train, _ := cfg["train"].(map[string]any)
		if bs, ok := intValue(train["batch_size"]); ok && r.TrainSeconds > 0 {
			r.SamplesPerSecond = float64(last.Steps) * float64(bs) / r.TrainSeconds
		}
	}
	return r, true
}

// BestEpoch returns the index of the epoch of the best validation
// accuracy (the first of equals), as training selects it; -1 for none.
func BestEpoch(epochs []Epoch) int {
	best := -1
	for i, e := range epochs {
		if best < 0 || e.ValAcc > epochs[best].ValAcc {
			best = i
		}
	}
	return best
}

// moduleName is the name of a module in a config ({id: selectors.greedy}
// or a bare id).
func moduleName(v any) string {
	id, _ := v.(string)
	if m, ok := v.(map[string]any); ok {
		id, _ = m["id"].(string)
	}
	return framework.ModuleID(id).Name()
}

// intValue reads a YAML or JSON number as an int.
func intValue(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case float64:
		return int(x), x == float64(int(x))
	case string:
		n, err := strconv.Atoi(x)
		return n, err == nil
	}
	return 0, false
}

// Progress is how far a run has come and, in progress, when it should end.
type Progress struct {
	// Epoch is the number of epochs done; Epochs the configured number
	// (0 when the config does not say).
	Epoch, Epochs int
	// EpochSeconds is the median wall time of the last epochs (up to five)
	// of a run in progress: one epoch that ran long (the process stopped
	// for a while, the cores shared) does not move it.
	EpochSeconds float64
	// ETA is the time left at that pace for a run in progress, from now;
	// 0 when unknown or not running.
	ETA time.Duration
	// Updated is when one of the run's files last changed.
	Updated time.Time
	// Stalled marks a run in progress whose files have not changed for
	// three of its epochs and at least ten minutes: its process may be
	// gone without a word (killed, its node lost).
	Stalled bool
}

// epochPace returns the median of the epochs' wall times (the mean of the
// middle two for an even count).
func epochPace(es []Epoch) float64 {
	t := make([]float64, len(es))
	for i, e := range es {
		t[i] = e.Seconds
	}
	slices.Sort(t)
	n := len(t)
	if n%2 == 1 {
		return t[n/2]
	}
	return (t[n/2-1] + t[n/2]) / 2
}

// Progress says how far the run has come at time now.
func (r *Run) Progress(now time.Time) (Progress, error) {
	p := Progress{Epoch: r.Result.Epochs, Updated: r.Updated}
	if n, ok := r.Number(ConfigPrefix + "train.epochs"); ok {
		p.Epochs = int(n)
	}
	if r.Result.Status != StatusRunning {
		return p, nil
	}
	m, err := r.Metrics()
	if err != nil {
		return p, err
	}
	if len(m) > 0 {
		p.EpochSeconds = epochPace(m[max(0, len(m)-5):])
	}
	since := now.Sub(r.Updated)
	if p.EpochSeconds > 0 && p.Epochs > p.Epoch {
		left := time.Duration(float64(p.Epochs-p.Epoch)*p.EpochSeconds*float64(time.Second)) - since
		p.ETA = max(left, time.Second)
	}
	p.Stalled = since > max(10*time.Minute, time.Duration(3*p.EpochSeconds*float64(time.Second)))
	return p, nil
}
