#!/usr/bin/env bash
# Start a real single-node Slurm (Debian's slurmctld, slurmd, munge) for
# slotlab's integration test, with all state in one scratch directory.
#
#   eval "$(bash scripts/slurm-up.sh /tmp/slotlab-slurm)"   # prints export SLURM_CONF=...
#   ...                                                    # sbatch, squeue, sacct -c
#   bash scripts/slurm-down.sh /tmp/slotlab-slurm
#
# Needs root and the packages slurmctld slurmd slurm-client munge
# (.ci/run installs them). Follows ../shared/SLURM.md.
set -euo pipefail
dir=${1:?usage: slurm-up.sh SCRATCH_DIR}
mkdir -p "$dir"/{state,spool,log}
dir=$(cd "$dir" && pwd)
node=$(hostname -s)
read -r cpus mem < <(slurmd -C | awk '/NodeName/ {for (i=1;i<=NF;i++) {split($i,a,"="); if (a[1]=="CPUs") c=a[2]; if (a[1]=="RealMemory") m=a[2]}} END {print c, m}')
mem=$(( mem * 9 / 10 ))
cat > "$dir/slurm.conf" <<CONF
ClusterName=slotlab
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
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
SlurmctldPort=6817
SlurmdPort=6818
MinJobAge=300
NodeName=$node CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
mkdir -p /run/munge
chown munge:munge /run/munge 2>/dev/null || true
if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- munged
fi
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
