#!/usr/bin/env bash
# The test command of slotlab (README's second command; CI runs exactly this).
# Formatting and vet, the unit and integration tests, then every fuzz target
# for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${SLOTLAB_FUZZTIME:-15s}

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

echo "== fuzz (${fuzztime} each)"
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "-- $pkg $target"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 2s "$pkg"
  done
done
echo "== all tests passed"
