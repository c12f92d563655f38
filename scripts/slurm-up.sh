#!/usr/bin/env bash
# Start a real single-node Slurm (Debian's slurmctld, slurmd, munge) for
# slotlab's integration test, with all state in one scratch directory.
#
#   eval "$(bash scripts/slurm-up.sh /tmp/slotlab-slurm)"   # prints export SLURM_CONF=...
#   ...                                                    # sbatch, squeue, sacct -c
#   bash scripts/slurm-down.sh /tmp/slotlab-slurm
#
# Needs root and the packages slurmctld slurmd slurm-client munge
# (.ci/run installs them). Follows ../shared/SLURM.md. Several can run side
# by side on one machine: each has its own munged (socket, pid and log in
# the scratch directory, the system's key) and its own free ports, so that
# slurm-down.sh stops only what this script started. The scratch directory
# must be one that the munge user can reach (not under a 0700 directory).
set -euo pipefail
dir=${1:?usage: slurm-up.sh SCRATCH_DIR}
mkdir -p "$dir"/{state,spool,log,munge}
dir=$(cd "$dir" && pwd)
node=$(hostname -s)
read -r cpus mem < <(slurmd -C | awk '/NodeName/ {for (i=1;i<=NF;i++) {split($i,a,"="); if (a[1]=="CPUs") c=a[2]; if (a[1]=="RealMemory") m=a[2]}} END {print c, m}')
mem=$(( mem * 9 / 10 ))

# Two free TCP ports, for slurmctld and slurmd.
in_use() { # PORT: is something listening on it?
  local hex
  hex=$(printf ':%04X ' "$1")
  grep -q "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
ports=()
while [ ${#ports[@]} -lt 2 ]; do
  p=$(( 20000 + RANDOM % 20000 ))
  if ! in_use "$p" && [ "${ports[0]:-}" != "$p" ]; then ports+=("$p"); fi
done

# A private munged: the socket lives in the scratch directory.
chown munge:munge "$dir/munge"
chmod 0755 "$dir/munge"
chmod a+rx "$dir"
sock="$dir/munge/munge.socket"
runuser -u munge -- munged --socket="$sock" --pid-file="$dir/munge/munged.pid" \
  --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"

cat > "$dir/slurm.conf" <<CONF
ClusterName=slotlab
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=${ports[0]}
SlurmdPort=${ports[1]}
MinJobAge=300
KillWait=10
NodeName=$node CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 100); do
  state=$(sinfo -h -o %T 2>/dev/null || true)
  if [ "$state" = "idle" ]; then
    echo "export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.2
done
echo "slurm-up: the node did not become idle (sinfo says '${state:-nothing}'); see $dir/log" >&2
exit 1
