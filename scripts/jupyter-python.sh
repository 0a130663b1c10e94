#!/usr/bin/env bash
# Runs a Python script with the Python that Jupyter runs on (Debian's, with nbclient and nbconvert),
# whatever python3 comes first on PATH, and the project's kernel through JUPYTER_PATH.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="$(head -1 "$(command -v jupyter)" | sed 's/^#! *//')"
case "$python" in */python*) ;; *) python=python3 ;; esac
export JUPYTER_PATH="$here/../build/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
exec "$python" "$@"
