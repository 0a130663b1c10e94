#!/usr/bin/env bash
# Makes sure Fashion-MNIST is installed: Debian's dataset-fashion-mnist package
# puts the four gzip-compressed IDX files under /usr/share/datasets/fashion-mnist.
# As root with apt it is installed; otherwise this says exactly what to install.
# (BRN_FASHION_MNIST_DIR points the kit at a copy elsewhere.)
set -euo pipefail
dir="${BRN_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
if [ -f "$dir/train-images-idx3-ubyte.gz" ] || [ -f "$dir/train-images-idx3-ubyte" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Fashion-MNIST from Debian's packages: dataset-fashion-mnist"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends dataset-fashion-mnist >/dev/null
  exit 0
fi
cat >&2 <<MSG
Fashion-MNIST was not found in $dir.
Install it, then run make again:
  Debian/Ubuntu:  sudo apt-get install dataset-fashion-mnist
  elsewhere:      put the four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
                  t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) in a directory and set
                  BRN_FASHION_MNIST_DIR to it. Everything on MNIST works without it.
MSG
exit 1
