package data

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/slotlab/slotlab/framework/atomicfile"
)

// httpClient makes all downloads; tests may replace it.
var httpClient = &http.Client{Timeout: 2 * time.Hour}

// download fetches url into dest, verifying its md5 (lower-case hex). It
// writes to a temporary file in dest's directory and renames it into place
// only once the checksum matches. It returns the file's sha256 in hex.
func download(url, dest, wantMD5 string, logf func(string, ...any)) (sha string, err error) {
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", fmt.Errorf("data: download %s: cannot create the cache directory: %w", url, err)
	}
	md, sh := md5.New(), sha256.New()
	// fetch streams the file into w, checking its length and md5; its
	// errors are complete messages.
	fetch := func(w io.Writer) error {
		resp, err := httpClient.Get(url)
		if err != nil {
			return fmt.Errorf("data: download %s: %w", url, err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("data: download %s: server answered %s", url, resp.Status)
		}
		logf("data: downloading %s (%s) to %s", url, sizeString(resp.ContentLength), dest)
		prog := &progress{url: url, total: resp.ContentLength, logf: logf, start: time.Now()}
		n, err := io.Copy(io.MultiWriter(w, md, sh, prog), resp.Body)
		if err != nil {
			return fmt.Errorf("data: download %s: failed after %d bytes: %w", url, n, err)
		}
		if resp.ContentLength >= 0 && n != resp.ContentLength {
			return fmt.Errorf("data: download %s: got %d bytes, the server announced %d", url, n, resp.ContentLength)
		}
		if got := hex.EncodeToString(md.Sum(nil)); got != wantMD5 {
			return fmt.Errorf("data: download %s: md5 mismatch: expected %s, got %s (a corrupt or different file; nothing was saved)", url, wantMD5, got)
		}
		return nil
	}
	var fetchErr error
	fill := func(w io.Writer) error {
		fetchErr = fetch(w)
		return fetchErr
	}
	if err := atomicfile.Write(dest, fill); err != nil {
		if fetchErr != nil {
			return "", fetchErr
		}
		return "", fmt.Errorf("data: download %s: saving %s: %w", url, dest, err)
	}
	logf("data: saved %s (md5 %s verified)", dest, wantMD5)
	return hex.EncodeToString(sh.Sum(nil)), nil
}

// progress logs download progress every 10% (or 16 MiB if the size is unknown).
type progress struct {
	url         string
	total, done int64
	next        int64
	logf        func(string, ...any)
	start       time.Time
}

func (p *progress) Write(b []byte) (int, error) {
	p.done += int64(len(b))
	step := int64(16 << 20)
	if p.total > 0 {
		step = max(p.total/10, 1)
	}
	if p.next == 0 {
		p.next = step
	}
	if p.done >= p.next {
		for p.next <= p.done {
			p.next += step
		}
		if p.total > 0 {
			p.logf("data: %s: %d%% of %s (%.0fs)", p.url, 100*p.done/p.total, sizeString(p.total), time.Since(p.start).Seconds())
		} else {
			p.logf("data: %s: %s (%.0fs)", p.url, sizeString(p.done), time.Since(p.start).Seconds())
		}
	}
	return len(b), nil
}

// sizeString formats a byte count for humans.
func sizeString(n int64) string {
	switch {
	case n < 0:
		return "size unknown"
	case n < 1<<20:
		return fmt.Sprintf("%d KiB", (n+1023)>>10)
	default:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
}
