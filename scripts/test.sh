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

echo "== go test"
go test -count=1 -timeout 20m ./...

echo "== all tests passed"
