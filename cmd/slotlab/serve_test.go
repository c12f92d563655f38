package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/results"
	"github.com/slotlab/slotlab/framework/train"
)

// chromiumFlags keep headless Chromium off the network (this machine has
// none: without them it waits on it) and out of any profile.
func chromiumFlags(exe, profile string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1400, 900),
	}
}

// findChromium returns Debian's chromium; without one the test fails in
// CI (SLOTLAB_CI, where .ci/run installs it) and is skipped elsewhere.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("SLOTLAB_CI") != "" {
		t.Fatal("chromium is not installed, and CI (SLOTLAB_CI) must drive the page in a real browser: apt-get install chromium (.ci/run does)")
	}
	t.Skip("SKIPPED: chromium is not installed (apt-get install chromium); the page was not driven in a browser")
	return ""
}

// gate is a training progress that holds the run after each epoch until
// the test lets it go on, so that the page sees the run between epochs.
type gate struct {
	done chan int      // the number of each epoch finished (metrics.jsonl written)
	next chan struct{} // one receive per epoch to go on
}

func (g *gate) Begin(string, int, int)            {}
func (g *gate) Step(int, int, float64, float64)   {}
func (g *gate) End()                              {}
func (g *gate) Epoch(m results.Epoch, epochs int) { g.done <- m.Epoch; <-g.next }

// markupName is an experiment name that would run a script if the page
// put it in as markup.
const markupName = `<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>`

// copyTree copies a directory tree of regular files.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// editResult rewrites fields of the result.json in dir.
func editResult(t *testing.T, dir string, set map[string]any) {
	t.Helper()
	p := filepath.Join(dir, results.ResultFile)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range set {
		m[k] = v
	}
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tableCells parses slotlab table's Markdown with one column into the
// first word of each row's cell, by the row's key.
func tableCells(md string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(md, "\n") {
		f := strings.Split(line, "|")
		if len(f) != 4 || strings.HasPrefix(strings.TrimSpace(f[1]), ":-") {
			continue
		}
		cell := strings.Fields(f[2])
		if key := strings.TrimSpace(f[1]); len(cell) > 0 && key != "run_id" {
			out[key] = strings.Trim(cell[0], "*")
		}
	}
	return out
}

// printedTable is what `slotlab table STORE --rows ROWS --cols COLS
// --metric METRIC` prints (Markdown).
func printedTable(t *testing.T, store string, rows, cols []string, metric string) string {
	t.Helper()
	text, err := capture(t, func() error {
		return tableCmd([]string{store, "--rows", strings.Join(rows, ","), "--cols", strings.Join(cols, ","), "--metric", metric})
	})
	if err != nil {
		t.Fatalf("slotlab table: %v\n%s", err, text)
	}
	return text
}

// TestServeBrowser drives slotlab serve in headless Chromium over a store
// of committed Lenet runs, one run named with markup, links out of the
// store, and a Lenet run training into it while the page is open.
// SLOTLAB_SCREENSHOTS=DIR also saves the run list, curves and table pages
// as PNGs there (docs/serve/ holds them).
func TestServeBrowser(t *testing.T) {
	chrome := findChromium(t)
	tmp := t.TempDir()
	store := filepath.Join(tmp, "runs")
	copyTree(t, repoFile("docs", "reproduction", "runs", "lenet"), filepath.Join(store, "lenet"))
	ids, err := os.ReadDir(filepath.Join(store, "lenet"))
	if err != nil || len(ids) < 2 {
		t.Fatalf("the committed Lenet runs: %v, %v", ids, err)
	}
	// A run named with markup (a copy of a committed one under another
	// config hash, so that it is not folded into it).
	markup := filepath.Join(store, "markup", "0123456789ab")
	copyTree(t, filepath.Join(store, "lenet", ids[0].Name()), markup)
	editResult(t, markup, map[string]any{"name": markupName, "config_hash": "0123456789abcdef", "run_id": "0123456789ab"})
	// Outside the store: a secret file, linked from a run directory, and a
	// run directory, linked from the store.
	secret := filepath.Join(tmp, "secret.txt")
	if err := os.WriteFile(secret, []byte("TOPSECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(store, "lenet", ids[0].Name(), "leak.txt")); err != nil {
		t.Fatal(err)
	}
	outsider := filepath.Join(tmp, "outsider", "abcdefabcdef")
	copyTree(t, filepath.Join(store, "lenet", ids[1].Name()), outsider)
	editResult(t, outsider, map[string]any{"name": "OUTSIDER-RUN", "config_hash": "abcdefabcdefabcd"})
	if err := os.Symlink(filepath.Dir(outsider), filepath.Join(store, "outsider")); err != nil {
		t.Fatal(err)
	}

	// A short Lenet run that trains into the store, held after each epoch.
	exp, err := config.Load(repoFile("experiments", "lenet.yaml"), append(quick[1:], "train.epochs=3", "name=live"))
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{done: make(chan int), next: make(chan struct{})}
	trained := make(chan error, 1)
	go func() {
		_, err := train.Run(context.Background(), exp, train.Options{Out: store, Progress: g})
		trained <- err
	}()
	defer func() {
		for {
			select {
			case g.next <- struct{}{}:
			case <-g.done:
			case err := <-trained:
				if err != nil {
					t.Errorf("training: %v", err)
				}
				return
			}
		}
	}()
	waitEpoch := func(want int) {
		t.Helper()
		select {
		case e := <-g.done:
			if e != want {
				t.Fatalf("training finished epoch %d, want %d", e, want)
			}
		case err := <-trained:
			t.Fatalf("training ended before epoch %d: %v", want, err)
		case <-time.After(3 * time.Minute):
			t.Fatalf("epoch %d of the training run did not finish in 3 minutes", want)
		}
	}
	waitEpoch(1)
	live := "live/" + results.RunID(exp.Hash())

	// slotlab serve STORE --addr 127.0.0.1:0
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	urls := make(chan string, 1)
	served := make(chan error, 1)
	go func() {
		served <- runServe(ctx, []string{store, "--addr", "127.0.0.1:0"}, func(u string) { urls <- u })
	}()
	var base string
	select {
	case base = <-urls:
	case err := <-served:
		t.Fatalf("slotlab serve: %v", err)
	}

	actx, cancelA := chromedp.NewExecAllocator(ctx, chromiumFlags(chrome, t.TempDir())...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	bctx, cancelT := context.WithTimeout(bctx, 4*time.Minute)
	defer cancelT()
	shots := os.Getenv("SLOTLAB_SCREENSHOTS")
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	shot := func(name string) {
		t.Helper()
		if shots == "" {
			return
		}
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(shots, name), png, 0o644)
		}
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
	}

	// The run list: every run, its accuracies as slotlab table prints them.
	type row struct {
		Dir, Status, Name, Val, Test, Epoch string
		Imgs                                int
	}
	do("the run list", chromedp.Navigate(base+"#/runs"), chromedp.WaitVisible(`#runs tbody tr[data-status="running"]`))
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[[]row](`[...document.querySelectorAll("#runs tbody tr")].map(tr => ({
		Dir: tr.dataset.dir, Status: tr.dataset.status, Name: tr.querySelector(".name").textContent,
		Val: tr.querySelector(".val").textContent, Test: tr.querySelector(".test").textContent,
		Epoch: tr.querySelector(".epoch").textContent, Imgs: tr.querySelectorAll("img, script").length}))`))
	if err != nil {
		t.Fatal(err)
	}
	xss, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.__xss === 1`))
	if err != nil {
		t.Fatal(err)
	}
	shot("runs.png")
	byID := []string{"run_id"}
	printedTest := tableCells(printedTable(t, store, byID, nil, "test_acc"))
	printedVal := tableCells(printedTable(t, store, byID, nil, "val_acc"))
	if len(printedTest) != len(ids)+1 {
		t.Fatalf("slotlab table shows %d runs, want the %d committed ones and the markup one: %v", len(printedTest), len(ids)+1, printedTest)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		id := filepath.Base(r.Dir)
		seen[r.Dir] = true
		switch {
		case r.Dir == live:
			if r.Status != "running" || r.Epoch != "1 of 3" || r.Name != "live" {
				t.Errorf("the training run shows as %+v, want running, epoch 1 of 3", r)
			}
		case printedTest[id] == "":
			t.Errorf("the page lists %s, which slotlab table does not", r.Dir)
		case r.Test != printedTest[id] || r.Val != printedVal[id]:
			t.Errorf("%s: the page shows val %q test %q, slotlab table %q and %q", r.Dir, r.Val, r.Test, printedVal[id], printedTest[id])
		}
		if r.Imgs > 0 || strings.Contains(r.Name, "OUTSIDER-RUN") {
			t.Errorf("row %+v: markup or a run from outside the store", r)
		}
		if strings.HasPrefix(r.Dir, "markup/") && r.Name != markupName {
			t.Errorf("the markup run's name shows as %q, want the text %q", r.Name, markupName)
		}
	}
	if xss {
		t.Error("a run's name ran as a script")
	}
	if len(rows) != len(ids)+2 || !seen["markup/0123456789ab"] || !seen[live] {
		t.Errorf("the page lists %d runs (%v), want %d: the committed ones, the markup one and the training one", len(rows), seen, len(ids)+2)
	}

	// Live curves: the training run's curve gains a point without a reload.
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	do("the curves of two runs", chromedp.Navigate(base+"#/curves?run="+live+"&run=lenet/"+ids[0].Name()),
		chromedp.WaitVisible(`[data-metric="val_acc"][data-points="200"] canvas`))
	eval(`window.__sameDocument = "yes"`)
	// The committed run has 200 points: show the training run alone to
	// count its points.
	eval(`location.hash = "#/curves?run=` + live + `"; "ok"`)
	do("the training run's curve", chromedp.WaitVisible(`[data-metric="val_acc"][data-points="1"] canvas`))
	g.next <- struct{}{}
	waitEpoch(2)
	wctx, cancelW := context.WithTimeout(bctx, time.Minute)
	defer cancelW()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(`[data-metric="val_acc"][data-points="2"] canvas`)); err != nil {
		t.Fatalf("the curve did not gain its second point: %v", err)
	}
	marker, points := eval(`window.__sameDocument || "reloaded"`), eval(`document.querySelector('[data-metric="test_acc"]').dataset.points`)
	if marker != "yes" || points != "2" {
		t.Errorf("after epoch 2: document %q (want the same one, not reloaded), test_acc points %q", marker, points)
	}
	// Seeds of one experiment are one line, their mean with a band, beside
	// the training run.
	seeds, err := results.Scan(filepath.Join(store, "lenet"))
	if err != nil {
		t.Fatal(err)
	}
	q := "run=" + live
	for _, r := range seeds {
		if r.Result.Selector == "greedy" && r.Result.K == 8 && r.Result.Method == "slot" {
			rel, _ := filepath.Rel(store, r.Dir)
			q += "&run=" + filepath.ToSlash(rel)
		}
	}
	eval(`location.hash = "#/curves?` + q + `"; "ok"`)
	do("the curves of the seeds", chromedp.WaitVisible(`[data-metric="val_acc"][data-points="200"] canvas`))
	if legend := eval(`document.querySelector('[data-metric="val_acc"] .u-legend').textContent`); !strings.Contains(legend, "lenet slot GS K=8 (mean of 3)") || !strings.Contains(legend, "live slot GS K=8") {
		t.Errorf("the legend %q does not show the three seeds as one line and the training run as another", legend)
	}
	shot("curves.png")

	// A run's page: its config, result and start record.
	do("a run's page", chromedp.Navigate(base+"#/run?dir="+live), chromedp.WaitVisible(`#run-title`))
	if page := eval(`document.querySelector("main").textContent`); !strings.Contains(page, "name: live") || !strings.Contains(page, "running") {
		t.Errorf("the run's page shows no config or state: %.300s", page)
	}

	// A table: slotlab table's text and cells, with the reference column.
	rk, ck := []string{"network", "method"}, []string{results.KeyKOrLearned}
	want := printedTable(t, store, rk, ck, "test_acc")
	do("a table", chromedp.Navigate(base+"#/table?rows=network,method&cols=k_or_learned&metric=test_acc&format=md"), chromedp.WaitVisible(`#table-text`))
	text := eval(`document.querySelector("#table-text").textContent`)
	cells, err := chromedp.Run(bctx, chromedp.Evaluate[[][]string](`[...document.querySelectorAll("#grid tbody tr")].map(tr => [...tr.cells].map(td => td.textContent))`))
	if err != nil {
		t.Fatal(err)
	}
	shot("table.png")
	if strings.TrimSpace(text) != strings.TrimSpace(want) {
		t.Errorf("the table page's Markdown:\n%s\nslotlab table prints:\n%s", text, want)
	}
	if !strings.Contains(want, "ref ") || !strings.Contains(fmt.Sprint(cells), "ref ") {
		t.Errorf("no reference column in the table or the page: %v", cells)
	}
	for _, r := range cells {
		if !strings.Contains(want, "| "+r[0]) {
			t.Errorf("the page's table row %v is not in slotlab table's", r)
		}
	}

	// Paths out of the store are refused, by ".." and by links.
	type answer struct {
		Status int
		Body   string
	}
	answers, err := chromedp.Run(bctx, chromedp.Evaluate[[]answer](`Promise.all([
		"/files/..%2Fsecret.txt", "/files/lenet/..%2F..%2Fsecret.txt", "/files/lenet/`+ids[0].Name()+`/leak.txt",
		"/files/outsider/abcdefabcdef/result.json", "/api/run?dir=..%2Fsecret.txt", "/api/run?dir=outsider%2Fabcdefabcdef",
	].map(u => fetch(u).then(async r => ({Status: r.status, Body: await r.text()}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range answers {
		if a.Status < 400 || strings.Contains(a.Body, "TOPSECRET") || strings.Contains(a.Body, "OUTSIDER-RUN") {
			t.Errorf("request %d out of the store answered %d %q, want it refused", i, a.Status, a.Body)
		}
	}
	inside, err := chromedp.Run(bctx, chromedp.Evaluate[int](`fetch("/files/lenet/`+ids[0].Name()+`/result.json").then(r => r.status)`, chromedp.EvalAwaitPromise))
	if err != nil || inside != 200 {
		t.Errorf("a file inside the store answered %d (%v), want 200", inside, err)
	}
}
