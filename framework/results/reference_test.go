package results

import (
	"encoding/csv"
	"strings"
	"testing"
)

// withReference gives every run the same reference block, as runs of one
// experiment file carry it.
func withReference(runs []*Run, block map[string]any) []*Run {
	for _, r := range runs {
		r.Result.Config["reference"] = block
	}
	return runs
}

func paperRef() map[string]any {
	return map[string]any{
		"source": "Aladago & Torresani 2021, Fig. 3",
		"metric": "test_acc",
		"values": []any{
			map[string]any{"network": "lenet-300-100", "method": "slot GS", "k": 2.0, "value": 97.1},
			map[string]any{"network": "lenet-300-100", "method": "slot GS", "k": 16.0, "value": 98.2},
			map[string]any{"network": "lenet-300-100", "method": "learned", "value": 98.0},
			// The first match wins: this one never applies.
			map[string]any{"network": "lenet-300-100", "k": 2.0, "value": 1.0},
			map[string]any{"network": "conv4", "method": "slot PS", "k": 2.0, "value": 78.9},
		},
	}
}

func refGrid(t *testing.T) *Grid {
	t.Helper()
	g, err := Aggregate(withReference(paperRuns(), paperRef()), []string{KeyNetwork, KeyMethod}, []string{KeyKOrLearned}, "test_acc")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestReferenceCells checks which cells get a published value and their
// differences: keys compared as numbers or text, the first match taken,
// and cells the block does not name left alone.
func TestReferenceCells(t *testing.T) {
	g := refGrid(t)
	want := map[string][2]float64{ // row / col → ref, diff
		"lenet-300-100 slot GS/K=2":     {97.1, 97 - 97.1},
		"lenet-300-100 slot GS/K=16":    {98.2, 98.5 - 98.2},
		"lenet-300-100 learned/learned": {98.0, 98 - 98.0},
		"lenet-300-100 slot PS/K=2":     {1.0, 95 - 1.0},
		"lenet-300-100 slot PS/K=16":    {-1, 0},
		"conv4 slot GS/K=2":             {-1, 0},
	}
	for i, row := range g.Cells {
		for j, c := range row {
			if c == nil {
				continue
			}
			name := g.Rows[i].Label() + "/" + g.ColLabel(j)
			w, ok := want[name]
			if !ok {
				t.Fatalf("unexpected cell %s", name)
			}
			switch {
			case w[0] < 0 && c.Ref != nil:
				t.Errorf("%s: got reference %+v, want none", name, *c.Ref)
			case w[0] >= 0 && c.Ref == nil:
				t.Errorf("%s: no reference, want %v", name, w[0])
			case w[0] >= 0 && (c.Ref.Value != w[0] || abs(c.Ref.Diff-w[1]) > 1e-9):
				t.Errorf("%s: reference %+v, want value %v diff %v", name, *c.Ref, w[0], w[1])
			}
		}
	}
	if len(g.RefSources) != 1 || g.RefSources[0] != "Aladago & Torresani 2021, Fig. 3" {
		t.Errorf("sources %v", g.RefSources)
	}
	// Another metric: the block (test_acc) does not apply.
	g2, err := Aggregate(withReference(paperRuns(), paperRef()), []string{KeyNetwork, KeyMethod}, []string{KeyKOrLearned}, "val_acc")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range g2.Cells {
		for _, c := range row {
			if c != nil && c.Ref != nil {
				t.Fatalf("val_acc table took a test_acc reference: %+v", *c.Ref)
			}
		}
	}
}

// TestReferenceSourcesOnce checks that two blocks of the same source (the
// reference blocks of conv2.yaml and conv4.yaml, say) name it once.
func TestReferenceSourcesOnce(t *testing.T) {
	runs := paperRuns()
	other := paperRef()
	other["values"] = []any{map[string]any{"network": "conv4", "method": "slot GS", "k": 2.0, "value": 81.8}}
	withReference(runs[:5], paperRef())
	withReference(runs[5:], other)
	g, err := Aggregate(runs, []string{KeyNetwork, KeyMethod}, []string{KeyKOrLearned}, "test_acc")
	if err != nil {
		t.Fatal(err)
	}
	if len(g.RefSources) != 1 {
		t.Errorf("sources %q, want the one source once", g.RefSources)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestReferenceFormats checks that every format shows the published value
// and the difference.
func TestReferenceFormats(t *testing.T) {
	g := refGrid(t)
	for _, tc := range []struct {
		format string
		want   []string
	}{
		{FormatMarkdown, []string{"**98.50 ± 0.71 (n=2)** (ref 98.20, Δ +0.30)", "97.00 ± 1.41 (n=2) (ref 97.10, Δ −0.10)", "ref: the published value (Aladago & Torresani 2021, Fig. 3)"}},
		{FormatASCII, []string{"98.50 ± 0.71 (n=2) * (ref 98.20, Δ +0.30)", "(ref 98.00, Δ +0.00)"}},
		{FormatLaTeX, []string{`{\scriptsize(ref 98.20, $\Delta$ +0.30)}`, `(ref 97.10, $\Delta$ $-$0.10)`, "% ref: the published value"}},
	} {
		out := render(t, g, tc.format)
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: missing %q in\n%s", tc.format, w, out)
			}
		}
	}
	recs, err := csv.NewReader(strings.NewReader(render(t, g, FormatCSV))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	h := recs[0]
	if h[len(h)-2] != "reference" || h[len(h)-1] != "diff" {
		t.Fatalf("CSV header %v", h)
	}
	found := false
	for _, r := range recs[1:] {
		if r[0] == "lenet-300-100" && r[1] == "slot GS" && r[2] == "K=16" {
			found = r[len(r)-2] == "98.2" && strings.HasPrefix(r[len(r)-1], "0.3")
			if !found {
				t.Errorf("CSV row %v: want reference 98.2, diff 0.3", r)
			}
		}
		if r[1] == "slot PS" && r[2] == "K=16" && (r[len(r)-2] != "" || r[len(r)-1] != "") {
			t.Errorf("CSV row %v has a reference; none applies", r)
		}
	}
	if !found {
		t.Error("CSV has no lenet slot GS K=16 row")
	}
}
