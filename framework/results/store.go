package results

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/slotlab/slotlab/framework/atomicfile"
)

// File names inside a run directory.
const (
	ConfigFile  = "config.yaml"
	MetricsFile = "metrics.jsonl"
	ResultFile  = "result.json"
)

// RunDir returns the directory of a run: OUT/<experiment name>/<run id>,
// where the run id is the first 12 hex digits of the config hash, so that
// the same config always lands in the same place.
func RunDir(out, name, hash string) string {
	return filepath.Join(out, name, RunID(hash))
}

// RunID is the short form of a config hash that names a run directory.
func RunID(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

// WriteFileAtomic writes data to path so that a reader (or a crash) sees the
// old file or the new one, never a part: a temporary file in the same
// directory, fsync, rename, fsync of the directory.
func WriteFileAtomic(path string, data []byte) error { return atomicfile.WriteBytes(path, data) }

// WriteJSON writes v as indented JSON, atomically.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, append(b, '\n'))
}

// EncodeMetrics renders epochs as JSON lines.
func EncodeMetrics(epochs []Epoch) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range epochs {
		_ = enc.Encode(e) // Epoch has only numbers: encoding cannot fail
	}
	return buf.Bytes()
}

// WriteMetrics rewrites metrics.jsonl with all epochs so far, atomically,
// so that the file always holds whole lines of whole epochs.
func WriteMetrics(dir string, epochs []Epoch) error {
	return WriteFileAtomic(filepath.Join(dir, MetricsFile), EncodeMetrics(epochs))
}

// ReadResult reads a run's result.json.
func ReadResult(dir string) (*Result, error) {
	path := filepath.Join(dir, ResultFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return DecodeResult(b, path)
}

// DecodeResult parses the bytes of a result.json; path names it in errors.
func DecodeResult(b []byte, path string) (*Result, error) {
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// The values of Result.Status.
const (
	StatusDone        = "done"
	StatusFailed      = "failed"
	StatusInterrupted = "interrupted" // stopped by a signal or a time limit; its checkpoint resumes it
)

// ReadResultFor returns the result.json in dir if it is that of the config
// with this hash; ok is false when there is none, it cannot be read, or it
// belongs to another config (a stale directory).
func ReadResultFor(dir, hash string) (r *Result, ok bool) {
	r, err := ReadResult(dir)
	if err != nil || r.ConfigHash != hash {
		return nil, false
	}
	return r, true
}

// Finished returns the result in dir if the config with this hash finished
// training there.
func Finished(dir, hash string) (*Result, bool) {
	r, ok := ReadResultFor(dir, hash)
	return r, ok && r.Status == StatusDone
}

// ReadMetrics reads a run's metrics.jsonl.
func ReadMetrics(dir string) ([]Epoch, error) {
	path := filepath.Join(dir, MetricsFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return DecodeMetrics(b, path)
}

// DecodeMetrics parses the bytes of a metrics.jsonl; path names it in
// errors. A last line without its newline is an epoch still being
// written by a writer that is not atomic (WriteMetrics is): it is left
// out when it does not parse, so that a file read while it grows never
// fails; any other bad line is an error.
func DecodeMetrics(b []byte, path string) ([]Epoch, error) {
	if i := bytes.LastIndexByte(b, '\n'); i+1 < len(b) {
		var e Epoch
		if json.Unmarshal(b[i+1:], &e) != nil {
			b = b[:i+1]
		}
	}
	var out []Epoch
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() {
		var e Epoch
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", path, len(out)+1, err)
		}
		out = append(out, e)
	}
	return out, nil
}
