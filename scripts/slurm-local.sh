#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for `make test-cluster`.
#
#   scripts/slurm-local.sh start   as root: install Debian's slurmctld slurmd slurm-client munge when
#                                  missing, write a single-node slurm.conf from `slurmd -C` under
#                                  build/slurm (the system's /etc/slurm is left alone), start munged,
#                                  slurmctld and slurmd, and wait until sinfo shows the node idle
#   scripts/slurm-local.sh stop    stop exactly the daemons `start` started, by pid
#   scripts/slurm-local.sh env     print the SLURM_CONF line the clients (sbatch, squeue) need
#
# Everything it writes (config, state, logs, pids) is under build/slurm.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/build/slurm"
conf="$dir/slurm.conf"

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "slurm-local.sh $1 needs root (it starts munged, slurmctld and slurmd); run it with sudo" >&2
    exit 1
  fi
}

start() {
  need_root start
  if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    echo "Installing Slurm from Debian's packages: slurmctld slurmd slurm-client munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
  fi
  if [ -f "$dir/pids" ]; then
    echo "a local Slurm started from $dir seems to be running (see $dir/pids); run '$0 stop' first" >&2
    exit 1
  fi
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  local node cpus memory
  node="$(hostname)"
  cpus="$(slurmd -C | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' | head -1)"
  memory="$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -1)"
  cat >"$conf.tmp" <<CONF
# Written by scripts/slurm-local.sh: a single-node cluster for the kit's tests.
ClusterName=brn-local
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
MaxArraySize=100000
NodeName=$node CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
  mv "$conf.tmp" "$conf"
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown -R munge:munge /var/log/munge /run/munge /var/lib/munge /etc/munge
  local started=()
  if ! pgrep -x munged >/dev/null; then
    runuser -u munge -- munged
    for _ in $(seq 1 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
    started+=("munged:$(cat /run/munge/munged.pid)")
  fi
  export SLURM_CONF="$conf"
  slurmctld -f "$conf"
  slurmd -f "$conf"
  for _ in $(seq 1 60); do
    [ -f "$dir/slurmctld.pid" ] && [ -f "$dir/slurmd.pid" ] && break
    sleep 0.5
  done
  started+=("slurmctld:$(cat "$dir/slurmctld.pid")" "slurmd:$(cat "$dir/slurmd.pid")")
  printf '%s\n' "${started[@]}" >"$dir/pids"
  for _ in $(seq 1 60); do
    if sinfo --noheader --format=%t 2>/dev/null | grep -q '^idle'; then
      echo "local Slurm up: node $node idle ($cpus CPUs); export SLURM_CONF=$conf"
      return 0
    fi
    sleep 1
  done
  echo "local Slurm did not become idle within a minute; see $dir/log" >&2
  stop
  exit 1
}

stop() {
  need_root stop
  if [ ! -f "$dir/pids" ]; then
    echo "no local Slurm started from $dir"
    return 0
  fi
  while IFS=: read -r name pid; do
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      echo "stopped $name ($pid)"
    fi
  done <"$dir/pids"
  rm -f "$dir/pids"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) echo "SLURM_CONF=$conf" ;;
  *)
    echo "usage: $0 start|stop|env" >&2
    exit 2
    ;;
esac
