#!/usr/bin/env bash
# Exploratory fuzzing: run every fuzz target of the module with `go test
# -fuzz` for a while (FUZZTIME, default 2m each) and report what it finds.
# Run it before committing a change to a parser or decoder; fix each find
# and commit the input Go writes to the package's testdata/fuzz as a seed.
# CI does not run this: `go test` (scripts/test.sh) replays every target's
# seeds and committed inputs, a deterministic gate.
#
#   bash scripts/fuzz.sh                           # every target, 2 minutes each
#   FUZZTIME=5m bash scripts/fuzz.sh ./framework/config   # one package
#   FUZZPARALLEL=1 bash scripts/fuzz.sh            # one fuzzing worker (default: GOMAXPROCS)
#
# The log goes to stdout; exit status 1 if any target found a failing input.
set -uo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-2m}
parallel=${FUZZPARALLEL:-}
pkgs=("$@")
[ ${#pkgs[@]} = 0 ] && pkgs=(./...)

echo "# scripts/fuzz.sh: $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)'), $(go version | cut -d' ' -f3-)"
echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; FUZZTIME=$fuzztime${parallel:+ FUZZPARALLEL=$parallel}"

found=()
for pkg in $(go list "${pkgs[@]}"); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "== $pkg $target"
    marker=$(mktemp)
    log=$(mktemp)
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" ${parallel:+-parallel "$parallel"} "$pkg" >"$log" 2>&1
    rc=$?
    # Keep the coordinator's last progress line and the outcome, not every tick.
    grep -E '^fuzz: elapsed' "$log" | tail -n 1
    grep -vE '^fuzz: elapsed|^fuzz: minimizing' "$log"
    new=""
    [ -d "$dir/testdata/fuzz/$target" ] && new=$(find "$dir/testdata/fuzz/$target" -type f -newer "$marker")
    if [ -n "$new" ]; then
      echo "FOUND: $new"
      found+=("$target")
    elif [ "$rc" != 0 ]; then
      # Go 1.26's coordinator can stop at its deadline with a bare "context
      # deadline exceeded" and no input (golang/go#75804): not a find, but
      # said so.
      if tail -n 5 "$log" | grep -q 'context deadline exceeded'; then
        echo "-- stopped by Go's deadline race (golang/go#75804), no failing input"
      else
        found+=("$target")
      fi
    fi
    rm -f "$marker" "$log"
  done
done
if [ ${#found[@]} -gt 0 ]; then
  echo "# finds in: ${found[*]}"
  exit 1
fi
echo "# no finds"
