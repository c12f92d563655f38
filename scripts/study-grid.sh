#!/usr/bin/env bash
# Runs every line of a grid file ("NAME OVERRIDES...") as one Lenet run, all
# at once, one thread each: the reproduction study of docs/reproduction.md.
# Base: experiments/lenet.yaml with the authors' initialisation and no decay.
#
#   scripts/study-grid.sh docs/reproduction/study/grid.txt [OUT_DIR]
#
# EPOCHS and LIMIT (data.train_limit) shorten it for a trial.
set -euo pipefail
grid=$1; out=${2:-runs-study}
cd "$(dirname "$0")/.."
go build -o bin/slotlab ./cmd/slotlab
export GOMAXPROCS=1
base="initializers.weights.bound=glorot initializers.scores.bound=glorot initializers.scores.dense=1.0 train.optimizer.weight_decay=0 train.epochs=${EPOCHS:-200} data.train_limit=${LIMIT:-0}"
mkdir -p "$out/logs"
while read -r name ov; do
  [ -z "$name" ] && continue
  # shellcheck disable=SC2086
  ( bin/slotlab run experiments/lenet.yaml name="$name" $base $ov --out "$out" --quiet > "$out/logs/$name.log" 2>&1; echo "$name rc=$?" ) &
done < "$grid"
wait
