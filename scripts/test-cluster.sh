#!/usr/bin/env bash
# make test-cluster: a real single-node Slurm (scripts/slurm-local.sh, as root) runs the quick
# profile's baseline experiment (every trained variant, 2 seeds) as a job array through
# `brn submit --slurm`; every job is then held against the committed quick reference, and Slurm
# is stopped (also on failure). The last line is `cluster: A of B jobs match the committed reference`;
# the exit code is 0 only when A = B > 0.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/cluster
brn() { node dist/cli.js "$@"; }
rm -rf "$dir"
mkdir -p "$dir"
scripts/slurm-local.sh start
trap 'scripts/slurm-local.sh stop >"$dir/slurm-stop.log" 2>&1 || true' EXIT
export "$(scripts/slurm-local.sh env)"
brn submit quick baseline --slurm --time 0:30:00 --runs-dir "$dir/runs"
for _ in $(seq 1 900); do
  [ -z "$(squeue --noheader --name=brn-quick 2>/dev/null)" ] && break
  sleep 2
done
brn status quick baseline --runs-dir "$dir/runs" | tail -1
status=0
brn check --quick baseline --runs-dir "$dir/runs" >"$dir/check.txt" || status=$?
sed '$d' "$dir/check.txt"
scripts/slurm-local.sh stop >"$dir/slurm-stop.log" 2>&1
trap - EXIT
if pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null; then
  echo "a Slurm daemon is still running after stop" >&2
  status=1
fi
tail -1 "$dir/check.txt" | sed 's/^reproduction:/cluster:/'
exit "$status"
