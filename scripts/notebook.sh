#!/usr/bin/env bash
# make notebook: Jupyter Notebook on notebooks/ with the project's TypeScript
# kernel (build/jupyter, through JUPYTER_PATH), listening on 127.0.0.1 only,
# with a token, opening at the index. As root it adds --allow-root; without a
# display it opens no browser and prints the URL. Ctrl-C twice stops it (this
# script execs Jupyter, so the server is the process make started).
#
#   BRN_JUPYTER_PORT  port (default 8888; Jupyter tries the next ones if taken)
#   BRN_JUPYTER_TOKEN token (default: a fresh random one)
#   BRN_JUPYTER_IP    address to listen on (default 127.0.0.1; anything else is your choice to expose it)
set -euo pipefail
cd "$(dirname "$0")/.."
port="${BRN_JUPYTER_PORT:-8888}"
token="${BRN_JUPYTER_TOKEN:-$(node -e "process.stdout.write(require('crypto').randomBytes(24).toString('hex'))")}"
ip="${BRN_JUPYTER_IP:-127.0.0.1}"
# The token goes through the environment, not the command line, where any local user could read it.
export JUPYTER_TOKEN="$token"
args=(
  --ip="$ip" --port="$port"
  --notebook-dir="$PWD/notebooks" --NotebookApp.default_url=/notebooks/00-index.ipynb
)
if [ "$(id -u)" = 0 ]; then args+=(--allow-root); fi
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then args+=(--no-browser); fi
echo "make notebook: Jupyter on $ip:$port, notebooks/ with the TypeScript (tslab) kernel."
echo "Open http://$ip:$port/notebooks/00-index.ipynb?token=$token (Jupyter prints the URL it settles on)."
echo "Stop it with Ctrl-C twice (or Ctrl-C, then y)."
export JUPYTER_PATH="$PWD/build/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
exec jupyter notebook "${args[@]}"
