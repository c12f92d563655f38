#!/usr/bin/env bash
# Stop the Slurm started by slurm-up.sh and remove its scratch directory.
# Everything is stopped through scontrol or by the pid files in the scratch
# directory, never by name, so another Slurm on the machine is left alone.
set -uo pipefail
dir=${1:?usage: slurm-down.sh SCRATCH_DIR}
export SLURM_CONF="$dir/slurm.conf"
alive() { local pid; pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }
if [ -f "$SLURM_CONF" ]; then
  # Cancel what is still queued or running and let it end before stopping.
  jobs=$(squeue -h -o %A 2>/dev/null | sort -u)
  if [ -n "$jobs" ]; then
    scancel --full $jobs >/dev/null 2>&1 || true
    for _ in $(seq 1 150); do
      [ -z "$(squeue -h 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
  scontrol shutdown >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do
    alive "$dir/slurmctld.pid" || alive "$dir/slurmd.pid" || break
    sleep 0.1
  done
  # Whatever did not stop by itself is stopped by its pid file.
  for pidfile in "$dir/slurmctld.pid" "$dir/slurmd.pid"; do
    if alive "$pidfile"; then kill -KILL "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || true; fi
  done
fi
# This Slurm's own munged, by its pid file.
if alive "$dir/munge/munged.pid"; then
  kill -TERM "$(cat "$dir/munge/munged.pid" 2>/dev/null)" 2>/dev/null || true
  for _ in $(seq 1 50); do
    alive "$dir/munge/munged.pid" || break
    sleep 0.1
  done
fi
rm -rf "$dir"
