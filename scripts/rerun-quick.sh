#!/usr/bin/env bash
# rerun-quick.sh [SLOTLAB]: reruns the quick profiles whose runs are
# committed under docs/reproduction/quick (k-sweep, k1-vs-k2, sharing,
# finetune) with the slotlab binary SLOTLAB (default: built from this
# checkout) into a temporary store, and checks that they give the same run
# IDs and, run for run, the same metrics.jsonl but for the wall time.
# Exit status 0 when every run is identical, 1 when not.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=${1:-}
if [ -z "$bin" ]; then
  (cd "$repo" && go build -o "$tmp/slotlab" ./cmd/slotlab)
  bin=$tmp/slotlab
fi
cd "$repo"
for p in k-sweep k1-vs-k2 sharing finetune; do
  "$bin" sweep "experiments/quick/$p.yaml" --out "$tmp/store" --quiet >"$tmp/$p.log" 2>&1 ||
    { cat "$tmp/$p.log"; echo "rerun-quick: sweep $p failed" >&2; exit 2; }
done
python3 - "$repo/docs/reproduction/quick" "$tmp/store" <<'PY'
import json, os, sys
base, new = sys.argv[1], sys.argv[2]
def runs(d):
    return {r for r in os.listdir(d) if os.path.isdir(os.path.join(d, r))} if os.path.isdir(d) else set()
def metrics(p):
    return [{k: v for k, v in json.loads(l).items() if k != "seconds"} for l in open(p)]
bad = 0
for prof in sorted(os.listdir(base)):
    want, got = runs(os.path.join(base, prof)), runs(os.path.join(new, prof))
    if want != got:
        print(f"{prof}: run IDs differ: missing {sorted(want - got)}, extra {sorted(got - want)}")
        bad += 1
    same = 0
    for rid in sorted(want & got):
        if metrics(os.path.join(base, prof, rid, "metrics.jsonl")) == metrics(os.path.join(new, prof, rid, "metrics.jsonl")):
            same += 1
        else:
            print(f"{prof}/{rid}: metrics differ")
            bad += 1
    print(f"{prof}: {same} of {len(want)} runs identical (run IDs and every metric but wall time)")
print("DIFFER" if bad else "ALL IDENTICAL")
sys.exit(1 if bad else 0)
PY
