package isatest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/slotlab/slotlab/framework/internal/isa"
	"github.com/slotlab/slotlab/framework/isatest"
)

// TestRecordAndSummary records a path exercised and one skipped into a
// report file and checks the lines scripts/test.sh reads.
func TestRecordAndSummary(t *testing.T) {
	report := filepath.Join(t.TempDir(), "isa")
	t.Setenv(isatest.EnvReport, report)
	t.Run("has", func(t *testing.T) { isatest.Path(t, isa.Generic, true) })
	t.Run("lacks", func(t *testing.T) {
		isatest.Path(t, isa.AVX512, false)
		t.Fatal("Path did not skip a missing path")
	})
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	want := "exercised generic TestRecordAndSummary/has\nskipped avx512 TestRecordAndSummary/lacks\n"
	if string(b) != want {
		t.Fatalf("report %q, want %q", b, want)
	}
}
