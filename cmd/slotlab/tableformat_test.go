package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/results"
)

// A table format added in one file: tab-separated row labels and means.
// The init below is all a format needs to be named by --format and listed
// in `slotlab table --help`.
func init() {
	results.RegisterTableFormat(results.TableFormat{Name: "tsv", Summary: "row labels and cell means, tab-separated", Write: writeTSV})
}

func writeTSV(w io.Writer, g *results.Grid) error {
	for i, row := range g.Cells {
		fields := []string{g.Rows[i].Label()}
		for _, c := range row {
			if c != nil && c.N > 0 {
				fields = append(fields, fmt.Sprintf("%.2f", c.Mean))
			}
		}
		if _, err := fmt.Fprintln(w, strings.Join(fields, "\t")); err != nil {
			return err
		}
	}
	return nil
}

// TestTableFormatInOneFile checks that the format this file registers
// renders the committed Lenet runs through `slotlab table --format tsv`
// and is listed, with its summary, in `slotlab table --help`.
func TestTableFormatInOneFile(t *testing.T) {
	out, err := capture(t, func() error {
		return tableCmd([]string{repoFile("docs", "reproduction", "runs", "lenet"), "--format", "tsv"})
	})
	if err != nil || !strings.Contains(out, "lenet-300-100 slot GS\t") {
		t.Fatalf("slotlab table --format tsv (%v):\n%s", err, out)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stderr
	os.Stderr = w
	_ = tableCmd([]string{"--help"})
	os.Stderr = old
	w.Close()
	help, _ := io.ReadAll(r)
	if !strings.Contains(string(help), "tsv    row labels and cell means, tab-separated") {
		t.Fatalf("slotlab table --help does not list the format:\n%s", help)
	}
}
