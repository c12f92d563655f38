#!/usr/bin/env bash
# verify-at.sh COMMIT RUN_DIR [EPOCHS]: does the code at COMMIT make the
# committed run in RUN_DIR? Builds slotlab at COMMIT in a temporary
# worktree, reruns RUN_DIR/config.yaml from scratch in a temporary store
# (the full run's schedule) until EPOCHS epochs (default 1) are written,
# stops it, and compares those lines of metrics.jsonl with the committed
# ones, every field but the wall time. For runs older than `slotlab
# verify`, or that main no longer makes; SLOTLAB_ISA and SLOTLAB_DATA pass
# through (a run recorded with "gemm": "go-avx2" reruns under
# SLOTLAB_ISA=avx2). Exit status 0 when identical, 1 when not.
set -euo pipefail
commit=$1 run=$(cd "$2" && pwd) epochs=${3:-1}
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; git -C "$repo" worktree remove --force "$tmp/src" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git -C "$repo" worktree add --detach -q "$tmp/src" "$commit"
(cd "$tmp/src" && go build -o "$tmp/slotlab" ./cmd/slotlab)
"$tmp/slotlab" run "$run/config.yaml" --out "$tmp/store" --quiet >"$tmp/log" 2>&1 &
pid=$!
metrics=""
while kill -0 $pid 2>/dev/null; do
  metrics=$(find "$tmp/store" -name metrics.jsonl 2>/dev/null | head -1 || true)
  if [ -n "$metrics" ] && [ "$(wc -l <"$metrics")" -ge "$epochs" ]; then
    kill -INT $pid; wait $pid || true
    break
  fi
  sleep 2
done
[ -n "$metrics" ] || { cat "$tmp/log"; echo "verify-at: the rerun wrote no metrics" >&2; exit 2; }
python3 - "$run/metrics.jsonl" "$metrics" "$epochs" "$commit" "$run" <<'PY'
import json, sys
want = [json.loads(l) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
n, commit, run = int(sys.argv[3]), sys.argv[4], sys.argv[5]
for i in range(n):
    for k in want[i]:
        if k != "seconds" and want[i][k] != got[i].get(k):
            print(f"DIFFERENT {run} at {commit}: epoch {i+1}: {k} {want[i][k]!r} committed, {got[i].get(k)!r} rerun")
            sys.exit(1)
print(f"same      {run} at {commit}: first {n} epochs identical")
PY
