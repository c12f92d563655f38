#!/usr/bin/env bash
# ab-config.sh ROUNDS A B NET:STEPS...: times a whole training step of each
# experiments/NET.yaml under two config overrides A and B (e.g. winograd=f2
# and winograd=f4), interleaved A then B, ROUNDS times, with `slotlab bench
# --json` (SLOTLAB, default `go run ./cmd/slotlab` built once), and prints
# every measurement, then per network the medians and the median of the
# paired B/A ratios. Machines here are noisy: compare ratios from one run.
# PAUSE_PIDS, if set, are stopped (SIGSTOP) for the measurement and
# continued after, e.g. PAUSE_PIDS="$(pgrep -f 'slotlab run' | tr '\n' ' ')".
#
#   scripts/ab-config.sh 5 winograd=f2 winograd=f4 conv4:24 conv6:16 vgg19:6
set -euo pipefail
rounds=$1 a=$2 b=$3
shift 3
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bin=${SLOTLAB:-}
if [ -z "$bin" ]; then
  bin=$(mktemp -d)/slotlab
  go build -o "$bin" ./cmd/slotlab
fi
pause=${PAUSE_PIDS:-}
out=$(mktemp)
cleanup() {
  [ -n "$pause" ] && kill -CONT $pause 2>/dev/null || true
  rm -f "$out"
}
trap cleanup EXIT
[ -n "$pause" ] && kill -STOP $pause && sleep 2
echo "# $a (A) vs $b (B), $rounds rounds, $(date -u +%FT%TZ), $(git rev-parse --short HEAD)"
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, SLOTLAB_ISA=${SLOTLAB_ISA:-auto}"
for spec in "$@"; do
  net=${spec%%:*} steps=${spec##*:}
  for r in $(seq 1 "$rounds"); do
    for side in A B; do
      o=$a
      [ $side = B ] && o=$b
      line="$net $r $side $("$bin" bench "experiments/$net.yaml" "$o" --steps "$steps" --json)"
      echo "$line" | tee -a "$out"
    done
  done
done
python3 - "$out" "$a" "$b" <<'PY'
import json, statistics as st, sys, collections
runs = collections.defaultdict(dict)
for l in open(sys.argv[1]):
    net, r, side, js = l.split(" ", 3)
    runs[net].setdefault(r, {})[side] = json.loads(js)["samples_per_second"]
for net, rs in runs.items():
    pairs = [v for v in rs.values() if len(v) == 2]
    ratios = [v["B"] / v["A"] for v in pairs]
    print(f"{net}: {sys.argv[2]} {st.median(v['A'] for v in pairs):.1f}, {sys.argv[3]} {st.median(v['B'] for v in pairs):.1f} samples/s; "
          f"B/A median {st.median(ratios):.3f} (range {min(ratios):.3f}-{max(ratios):.3f}, {len(ratios)} pairs)")
PY
