package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/results"
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

// TestReadmeConv4PSSeeds checks that the CONV-4 PS mean ± std over seeds
// quoted in README and docs/reproduction.md is what `slotlab table` prints
// from the committed runs of the authors' setup
// (docs/reproduction/runs/conv4-official), and that it is over 3 seeds.
func TestReadmeConv4PSSeeds(t *testing.T) {
	text, err := capture(t, func() error {
		return tableCmd([]string{repoFile("docs", "reproduction", "runs", "conv4-official"), "--reference", repoFile("experiments", "conv4.yaml")})
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if !strings.Contains(text, "n = 3 runs") {
		t.Fatalf("want 3 seeds of CONV-4 PS, got:\n%s", text)
	}
	cell := regexp.MustCompile(`slot PS \| +([0-9.]+ ± [0-9.]+) \(ref 79\.50`).FindStringSubmatch(text)
	if cell == nil {
		t.Fatalf("no CONV-4 PS cell beside the paper's 79.5 in:\n%s", text)
	}
	for _, doc := range []string{repoFile("README.md"), repoFile("docs", "reproduction.md")} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), cell[1]) {
			t.Errorf("%s does not quote %s, the CONV-4 PS mean ± std that slotlab table prints from docs/reproduction/runs/conv4-official", doc, cell[1])
		}
	}
}

// cifarTableArgs is the command of README's CIFAR-10 table: every CIFAR-10
// run committed under docs/reproduction/runs, rows by network, method,
// rate and schedule, columns by epochs (the budget runs and the paper's
// schedule), each cell beside the paper's number. A directory of
// docs/reproduction/runs is CIFAR-10's if its runs are.
func cifarTableArgs(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob(repoFile("docs", "reproduction", "runs", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, d := range dirs {
		runs, err := results.Scan(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) > 0 && runs[0].Result.Dataset == "cifar10" {
			args = append(args, d)
		}
	}
	return append(args, "--rows", "network,method,train.optimizer.learning_rate,train.schedule.type", "--cols", "train.epochs")
}

// TestReadmeCIFARTable checks README's CIFAR-10 table in both directions:
// every line of the table in its <!-- cifar-table --> block is a line that
// `slotlab table` prints from the committed runs (no number without a
// run), and every line it prints is in the block (no committed run left
// out). Every run directory under docs/reproduction/runs but Lenet's is
// read, so a new CIFAR-10 run is in the table or fails here.
func TestReadmeCIFARTable(t *testing.T) {
	text, err := capture(t, func() error { return tableCmd(cifarTableArgs(t)) })
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	printed := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "|") {
			printed[line] = true
		}
	}
	b, err := os.ReadFile(repoFile("README.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	start, end := strings.Index(s, "<!-- cifar-table -->"), strings.Index(s, "<!-- /cifar-table -->")
	if start < 0 || end < start {
		t.Fatal("README.md has no <!-- cifar-table --> block")
	}
	inBlock := map[string]bool{}
	for _, line := range strings.Split(s[start:end], "\n") {
		if strings.HasPrefix(line, "|") {
			inBlock[line] = true
			if !printed[line] {
				t.Errorf("README's CIFAR-10 table has the line\n%s\nwhich slotlab table does not print from the committed runs", line)
			}
		}
	}
	for line := range printed {
		if !inBlock[line] {
			t.Errorf("slotlab table prints the line\n%s\nfrom the committed runs, but README's CIFAR-10 table lacks it", line)
		}
	}
}
