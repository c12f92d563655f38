#!/usr/bin/env bash
# ab-bench.sh OLD NEW ROUNDS REGEX BENCHTIME: times framework/nn's
# benchmarks matching REGEX at two commits, interleaved (OLD then NEW, ROUNDS
# times), each binary built by `go test -c` in a temporary worktree, and
# prints every round's samples/s, the paired new/old ratios and their
# medians. Machines here are noisy: compare ratios from one run, never
# numbers from two. PAUSE_PIDS, if set, are stopped (SIGSTOP) for the
# measurement and continued after, e.g. PAUSE_PIDS="$(pgrep -f 'slotlab run')".
#
#   scripts/ab-bench.sh 0acaa46 0098b56 5 'Architectures/(conv4|conv6|vgg19)/slot' 12x
set -euo pipefail
old=$1 new=$2 rounds=$3 re=$4 bt=$5
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
pause=${PAUSE_PIDS:-}
cleanup() {
  [ -n "$pause" ] && kill -CONT $pause 2>/dev/null || true
  for c in old new; do git -C "$repo" worktree remove --force "$tmp/$c" >/dev/null 2>&1 || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
for c in old new; do
  rev=$old; [ $c = new ] && rev=$new
  git -C "$repo" worktree add --detach -q "$tmp/$c" "$rev"
  (cd "$tmp/$c" && go test -c -o "$tmp/$c.test" ./framework/nn)
done
[ -n "$pause" ] && kill -STOP $pause && sleep 2
echo "# $old (old) vs $new (new), $rounds rounds, -test.bench '$re' -test.benchtime $bt, $(date -u +%FT%TZ)"
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, SLOTLAB_ISA=${SLOTLAB_ISA:-auto}"
for r in $(seq 1 "$rounds"); do
  for c in old new; do
    (cd "$repo/framework/nn" && "$tmp/$c.test" -test.run XXX -test.bench "$re" -test.benchtime "$bt") |
      awk -v r="$r" -v c="$c" '/^Benchmark/{for(i=1;i<=NF;i++) if($(i+1)=="samples/s") print r, c, $1, $i}'
  done
done | tee "$tmp/rows"
echo "## new/old per round, median"
awk '{v[$3" "$1" "$2]=$4; n[$3]=1; R=($1>R?$1:R)} END{for(k in n){s=k; for(r=1;r<=R;r++) s=s" "sprintf("%.3f", v[k" "r" new"]/v[k" "r" old"]); print s}}' "$tmp/rows" | sort |
  while read -r name rest; do
    m=$(printf "%s\n" $rest | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
    echo "$name $rest median $m"
  done
