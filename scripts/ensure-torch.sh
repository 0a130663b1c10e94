#!/usr/bin/env bash
# Makes sure PyTorch is there for `make bench-peer`: Debian's python3-torch
# with OpenBLAS (libopenblas0-pthread; without it PyTorch falls back to the
# reference BLAS and runs several times slower). As root with apt it is
# installed; otherwise this says exactly what to install.
set -euo pipefail
if [ -n "${BRN_PYTHON:-}" ] && "$BRN_PYTHON" -c 'import torch' 2>/dev/null; then exit 0; fi
if /usr/bin/python3 -c 'import torch' 2>/dev/null && dpkg -s libopenblas0-pthread >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing PyTorch from Debian's packages: python3-torch libopenblas0-pthread"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-pthread >/dev/null
  exit 0
fi
cat >&2 <<MSG
make bench-peer needs PyTorch with OpenBLAS. Install it, then run make bench-peer again:
  Debian/Ubuntu:  sudo apt-get install python3-torch libopenblas0-pthread
  elsewhere:      any python3 with torch; point BRN_PYTHON at it (e.g. BRN_PYTHON=~/venv/bin/python)
MSG
exit 1
