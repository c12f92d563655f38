#!/usr/bin/env bash
# Stop the Slurm started by slurm-up.sh and remove its scratch directory.
set -uo pipefail
dir=${1:?usage: slurm-down.sh SCRATCH_DIR}
export SLURM_CONF="$dir/slurm.conf"
if [ -f "$SLURM_CONF" ]; then
  # Cancel what is still queued or running and let it end before stopping.
  jobs=$(squeue -h -o %A 2>/dev/null | sort -u)
  if [ -n "$jobs" ]; then
    scancel --full $jobs >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do
      [ -z "$(squeue -h 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
  scontrol shutdown >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do
    { [ -f "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; } || break
    sleep 0.1
  done
fi
# munged is stopped by its pid file, never by name.
for pidfile in /run/munge/munged.pid; do
  if [ -f "$pidfile" ]; then kill -TERM "$(cat "$pidfile")" 2>/dev/null || true; fi
done
rm -rf "$dir"
