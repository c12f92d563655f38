package results

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"time"
)

// Run is a run read back from the store: its directory and result.
type Run struct {
	Dir    string
	Result *Result
	// fields is the result as a JSON object, for lookups by field name.
	fields map[string]any
	// config is the resolved config flattened to dotted keys.
	config map[string]string
	// Recorded is the run's result.json as written, nil for a run in
	// progress that has none; Result is the same unless the run is in
	// progress (see Live).
	Recorded *Result
	// Updated is when one of its files last changed (set by Live).
	Updated time.Time
	// fsys is the file system Dir is in (Live), nil for the OS's.
	fsys fs.FS
	// metrics are the epochs of metrics.jsonl, once read.
	metrics     []Epoch
	readMetrics bool
}

// Scan reads every result.json under the given paths, each a run
// directory or a directory above run directories, at any depth. A config
// found more than once (the same hash in two stores, or a path given
// twice) is kept once: the finished copy if there is one, else the first.
// Runs come back sorted by directory.
func Scan(paths ...string) ([]*Run, error) {
	byHash := map[string]int{}
	var out []*Run
	for _, root := range paths {
		if _, err := os.Stat(root); err != nil {
			return nil, err
		}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || d.Name() != ResultFile {
				return nil
			}
			dir := filepath.Dir(path)
			r, err := ReadResult(dir)
			if err != nil {
				return err
			}
			run := &Run{Dir: dir, Result: r, Recorded: r}
			key := r.ConfigHash
			if key == "" {
				key = "dir:" + dir
			}
			if i, ok := byHash[key]; ok {
				if out[i].Result.Status != StatusDone && r.Status == StatusDone {
					out[i] = run
				}
				return nil
			}
			byHash[key] = len(out)
			out = append(out, run)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading runs under %s: %w", root, err)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Dir < out[j].Dir })
	return out, nil
}

// Done reports whether the run finished.
func (r *Run) Done() bool { return r.Result.Status == StatusDone }

// Metrics reads the run's metrics.jsonl; a run without one has no epochs.
func (r *Run) Metrics() ([]Epoch, error) {
	if r.readMetrics {
		return r.metrics, nil
	}
	var m []Epoch
	var err error
	if r.fsys != nil {
		p := path.Join(r.Dir, MetricsFile)
		var b []byte
		if b, err = fs.ReadFile(r.fsys, p); err == nil {
			m, err = DecodeMetrics(b, p)
		}
	} else {
		m, err = ReadMetrics(r.Dir)
	}
	if errors.Is(err, fs.ErrNotExist) {
		m, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.metrics, r.readMetrics = m, true
	return m, nil
}
