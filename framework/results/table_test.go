package results

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func paperGrid(t *testing.T) *Grid {
	t.Helper()
	g, err := Aggregate(paperRuns(), []string{KeyNetwork, KeyMethod}, []string{KeyKOrLearned}, "test_acc")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// twoSeedGrid has two seeds in every cell, as the quick sweep.
func twoSeedGrid(t *testing.T) *Grid {
	t.Helper()
	var runs []*Run
	for _, k := range []int{1, 2} {
		for seed := int64(0); seed < 2; seed++ {
			runs = append(runs, fakeRun("lenet-300-100", "slot", "greedy", k, seed, 10*float64(k)+float64(seed), "done"))
		}
	}
	g, err := Aggregate(runs, []string{KeyNetwork, KeyMethod}, []string{KeyKOrLearned}, "test_acc")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func render(t *testing.T, g *Grid, format string) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteTable(&b, g, format); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteTableText(t *testing.T) {
	for _, tc := range []struct {
		name, format string
		grid         func(*testing.T) *Grid
		want         []string
	}{
		{"markdown", FormatMarkdown, paperGrid, []string{
			"network    | method", "|:---", "K=2", "K=16", "learned |",
			"| lenet-300-100 | slot GS ", "97.00 ± 1.41 (n=2)", "**98.50 ± 0.71 (n=2)**", "98.00 ± 0.71 (n=2) |",
			"best of each row in bold", "1 failed run(s) excluded: lenet-300-100 slot GS / K=16 (1).",
		}},
		{"ascii", FormatASCII, paperGrid, []string{
			"+---", "| conv4 ", "80.00 (n=1)", "98.50 ± 0.71 (n=2) *", "best of each row marked *",
		}},
		{"markdown, same n everywhere", FormatMarkdown, twoSeedGrid, []string{
			"10.50 ± 0.71 |", "**20.50 ± 0.71**", "mean ± sample std over n = 2 runs (seeds) per cell",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, tc.grid(t), tc.format)
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("missing %q in\n%s", w, out)
				}
			}
			if tc.format == FormatMarkdown {
				lines := strings.Split(strings.TrimSpace(out), "\n")
				cols := strings.Count(lines[0], "|")
				for _, l := range lines[:len(tc.grid(t).Rows)+2] {
					if strings.Count(l, "|") != cols {
						t.Errorf("ragged markdown row %q", l)
					}
				}
			}
		})
	}
}

// An interrupted run (a signal or a time limit; it resumes) is not a
// failed one: its cell reads "unfinished", the note says how far it got,
// and CSV counts it apart.
func TestTableUnfinishedRuns(t *testing.T) {
	stopped := fakeRun("conv4", "slot", "greedy", 8, 0, 0, StatusInterrupted)
	stopped.Result.Epochs = 33
	stopped.Result.Config["train"].(map[string]any)["epochs"] = float64(200)
	runs := []*Run{
		fakeRun("conv2", "slot", "greedy", 8, 0, 70, "done"),
		stopped,
		fakeRun("conv6", "slot", "greedy", 8, 0, 0, "failed"),
	}
	g, err := Aggregate(runs, []string{KeyNetwork}, []string{KeyKOrLearned}, "test_acc")
	if err != nil {
		t.Fatal(err)
	}
	out := render(t, g, FormatMarkdown)
	for _, w := range []string{
		"| conv4   | unfinished |", "| conv6   |     failed |", "70.00",
		"1 failed run(s) excluded: conv6 / K=8 (1).",
		"1 unfinished run(s) excluded (interrupted; the same command resumes them): conv4 / K=8 (33 of 200 epochs).",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("missing %q in\n%s", w, out)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(render(t, g, FormatCSV))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:] {
		failed, unfinished := r[6], r[7]
		if want := map[string][2]string{"conv2": {"0", "0"}, "conv4": {"0", "1"}, "conv6": {"1", "0"}}[r[0]]; [2]string{failed, unfinished} != want {
			t.Errorf("%s: failed %s, unfinished %s, want %v", r[0], failed, unfinished, want)
		}
	}
}

func TestWriteTableCSV(t *testing.T) {
	recs, err := csv.NewReader(strings.NewReader(render(t, paperGrid(t), FormatCSV))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"network", "method", "k_or_learned", "metric", "mean", "std", "n", "failed", "unfinished", "best", "reference", "diff"}; !reflect.DeepEqual(recs[0], want) {
		t.Fatalf("header %q", recs[0])
	}
	want := map[string][]string{
		"lenet-300-100/slot GS/K=16":    {"test_acc", "98.5", "0.707106781187", "2", "1", "0", "true", "", ""},
		"lenet-300-100/slot PS/K=2":     {"test_acc", "95", "", "1", "0", "0", "false", "", ""},
		"lenet-300-100/learned/learned": {"test_acc", "98", "0.707106781187", "2", "0", "0", "false", "", ""},
	}
	if len(recs) != 1+6 {
		t.Fatalf("%d records, want a header and 6 cells", len(recs))
	}
	for _, r := range recs[1:] {
		if w, ok := want[strings.Join(r[:3], "/")]; ok && !reflect.DeepEqual(r[3:], w) {
			t.Errorf("%q, want %q", r, w)
		}
	}
}

func TestWriteTableLaTeXStructure(t *testing.T) {
	out := render(t, paperGrid(t), FormatLaTeX)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var body []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "%") {
			body = append(body, l)
		}
	}
	if body[0] != `\begin{tabular}{llrrr}` || body[1] != `\toprule` || body[3] != `\midrule` ||
		body[len(body)-2] != `\bottomrule` || body[len(body)-1] != `\end{tabular}` {
		t.Fatalf("not a booktabs tabular:\n%s", out)
	}
	for _, l := range body[2 : len(body)-2] {
		if l == `\midrule` || l == `\addlinespace` {
			continue
		}
		if strings.Count(l, "&") != 4 || !strings.HasSuffix(l, `\\`) {
			t.Errorf("row %q: want 5 cells ending in \\\\", l)
		}
	}
	for _, w := range []string{`network & method & K=2 & K=16 & learned \\`, `\textbf{98.50 $\pm$ 0.71 (n=2)}`} {
		if !strings.Contains(out, w) {
			t.Errorf("missing %q in\n%s", w, out)
		}
	}
	if got := LaTeXEscape(`a_b & 50% $x# {y} ~^\ ±–`); got != `a\_b \& 50\% \$x\# \{y\} \textasciitilde{}\textasciicircum{}\textbackslash{} $\pm$--` {
		t.Errorf("escape: %q", got)
	}
}

// TestWriteTableLaTeXCompiles runs pdflatex on the tables; it is skipped
// where pdflatex is missing unless SLOTLAB_CI is set (CI installs it:
// texlive-latex-base and texlive-latex-recommended, which has booktabs).
func TestWriteTableLaTeXCompiles(t *testing.T) {
	pdflatex, err := exec.LookPath("pdflatex")
	if err != nil {
		if os.Getenv("SLOTLAB_CI") != "" {
			t.Fatal("pdflatex is missing in CI: install texlive-latex-base and texlive-latex-recommended")
		}
		t.Skip("pdflatex not installed")
	}
	dir := t.TempDir()
	var doc bytes.Buffer
	doc.WriteString("\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n")
	doc.WriteString(render(t, paperGrid(t), FormatLaTeX))
	doc.WriteString("\n\\bigskip\n")
	doc.WriteString(render(t, twoSeedGrid(t), FormatLaTeX))
	doc.WriteString("\n\\bigskip\n")
	doc.WriteString(render(t, refGrid(t), FormatLaTeX))
	doc.WriteString("\\end{document}\n")
	tex := filepath.Join(dir, "table.tex")
	if err := os.WriteFile(tex, doc.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(pdflatex, "-interaction=nonstopmode", "-halt-on-error", "table.tex")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdflatex: %v\n%s\n%s", err, out, doc.String())
	}
	if st, err := os.Stat(filepath.Join(dir, "table.pdf")); err != nil || st.Size() == 0 {
		t.Fatalf("no PDF: %v", err)
	}
}

func TestWriteTableUnknownFormat(t *testing.T) {
	if err := WriteTable(&bytes.Buffer{}, paperGrid(t), "html"); err == nil || !strings.Contains(err.Error(), "use one of ascii, csv, latex, md") {
		t.Fatalf("error %v", err)
	}
}
