package main

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeLenetTable checks that README's Lenet table is what `slotlab
// table` prints from the committed artifacts it cites
// (docs/reproduction/runs/lenet), line for line, and that the same table is
// in docs/reproduction.md: a number in the README that no committed run
// backs fails here.
func TestReadmeLenetTable(t *testing.T) {
	text, err := capture(t, func() error {
		return tableCmd([]string{repoFile("docs", "reproduction", "runs", "lenet"), "--reference", repoFile("experiments", "lenet.yaml")})
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	var rows []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "|") {
			rows = append(rows, line)
		}
	}
	if len(rows) != 5 {
		t.Fatalf("want a header, a rule and 3 rows (GS, PS, learned), got:\n%s", text)
	}
	for _, doc := range []string{repoFile("README.md"), repoFile("docs", "reproduction.md")} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		start, end := strings.Index(s, "<!-- lenet-table -->"), strings.Index(s, "<!-- /lenet-table -->")
		if start < 0 || end < start {
			t.Fatalf("%s has no <!-- lenet-table --> block", doc)
		}
		block := s[start:end]
		for _, r := range rows {
			if !strings.Contains(block, r) {
				t.Errorf("%s: the Lenet table lacks the line\n%s\nthat slotlab table prints from docs/reproduction/runs/lenet", doc, r)
			}
		}
	}
}
