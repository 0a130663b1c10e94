#!/usr/bin/env bash
# Makes sure `jupyter nbconvert` (with nbclient) and `jupyter notebook` are available. Jupyter comes
# from the system, not from pip: as root with apt, Debian's packages are
# installed; otherwise this says exactly what to install.
set -euo pipefail
if jupyter nbconvert --version >/dev/null 2>&1 && jupyter notebook --version >/dev/null 2>&1; then
  exit 0
fi
packages="jupyter-notebook jupyter-nbconvert python3-nbclient"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Jupyter from Debian's packages: $packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $packages >/dev/null
  jupyter nbconvert --version >/dev/null
  jupyter notebook --version >/dev/null
  exit 0
fi
cat >&2 <<MSG
Jupyter Notebook and nbconvert are needed to open and run the notebooks, and were not found.
Install it, then run make again:
  Debian/Ubuntu:  sudo apt-get install $packages
  elsewhere:      install Jupyter Notebook with nbconvert and nbclient (e.g. conda install notebook nbconvert nbclient)
MSG
exit 1
