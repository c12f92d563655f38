// Package isatest lets tests say which instruction-set path (avx512, avx2,
// generic: framework/internal/isa's names) they exercise, so that a test run can end with a line naming the paths
// it covered: a test that needs a path this CPU or build lacks is skipped
// with t.Skip, visibly, and the skip is recorded too.
//
// The record goes to the file named by $SLOTLAB_ISA_REPORT, one line per
// call ("exercised avx512 TestName" or "skipped avx512 TestName"), appended
// by every test process of the run; scripts/test.sh sets it and prints the
// summary as the run's last line. Without the variable
// nothing is recorded.
package isatest

import (
	"fmt"
	"os"
	"testing"
)

// EnvReport names the file the records are appended to.
const EnvReport = "SLOTLAB_ISA_REPORT"

// Path records that test t exercises path l when has is true; otherwise
// it records the skip and skips t, saying which path is missing. Call it
// before the work, in a test or subtest of its own per path.
func Path(t testing.TB, l fmt.Stringer, has bool) {
	t.Helper()
	if !has {
		record(t, "skipped", l)
		t.Skipf("this CPU (or build) has no %s path: not exercised here", l)
	}
	record(t, "exercised", l)
}

func record(t testing.TB, what string, l fmt.Stringer) {
	p := os.Getenv(EnvReport)
	if p == "" {
		return
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatalf("$%s: %v", EnvReport, err)
	}
	defer f.Close()
	// One short write per line: appends from concurrent test processes
	// do not interleave.
	if _, err := fmt.Fprintf(f, "%s %s %s\n", what, l, t.Name()); err != nil {
		t.Fatalf("$%s: %v", EnvReport, err)
	}
}
