#!/usr/bin/env bash
# The test command of slotlab (README's second command; CI runs exactly this).
# Formatting and vet, then the unit and integration tests. `go test` also
# replays every fuzz target's seeds and its committed inputs under
# testdata/fuzz, so the gate is the same on every run; exploratory fuzzing
# (`go test -fuzz`) is scripts/fuzz.sh, run before committing a parser
# change, not here.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi

echo "== go vet"
go vet ./...

# Tests that exercise an instruction-set path record it (framework/isatest);
# the run ends with a line naming the paths exercised and those skipped
# because this CPU lacks them.
report=$(mktemp)
export SLOTLAB_ISA_REPORT=$report
isa_line() {
  awk '$1 == "exercised" { ex[$2]++ } $1 == "skipped" { sk[$2]++ }
    END {
      n = split("avx512 avx2 generic", p, " ")
      for (i = 1; i <= n; i++) {
        if (ex[p[i]]) { e = e (e ? ", " : "") p[i] " (" ex[p[i]] " tests)" }
        if (sk[p[i]]) { s = s (s ? ", " : "") p[i] " (" sk[p[i]] " tests skipped: this CPU lacks it)" }
      }
      printf "== instruction-set paths exercised: %s; skipped: %s\n", (e ? e : "none"), (s ? s : "none")
    }' "$report"
  rm -f "$report"
}
trap isa_line EXIT

echo "== go test"
go test -count=1 -timeout 20m ./...

echo "== all tests passed"
