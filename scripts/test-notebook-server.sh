#!/usr/bin/env bash
# The test of `make notebook` (run by `make test`): start it as `make notebook`
# does, fetch the notebook list over HTTP with its token (and be refused
# without it), check that it listens on 127.0.0.1 only, stop it, and check
# that nothing is left listening. As root it does this twice: as root
# (--allow-root) and as an unprivileged user (`nobody`).
set -euo pipefail
cd "$(dirname "$0")/.."
kit="$PWD"
command -v ss >/dev/null || { echo "test-notebook-server: needs ss (Debian's iproute2)"; exit 1; }
command -v curl >/dev/null || { echo "test-notebook-server: needs curl"; exit 1; }

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"; }

serve_and_check() { # $1: user to run as ('' for this one)
  local user="$1" port token home log pid code list
  port="$(free_port)"
  token="$(node -e "process.stdout.write(require('crypto').randomBytes(16).toString('hex'))")"
  home="$(mktemp -d)"
  log="$home/server.log"
  local env=(env HOME="$home" JUPYTER_RUNTIME_DIR="$home/runtime" JUPYTER_CONFIG_DIR="$home/config"
    JUPYTER_DATA_DIR="$home/data" BRN_JUPYTER_PORT="$port" BRN_JUPYTER_TOKEN="$token" DISPLAY= WAYLAND_DISPLAY=)
  if [ -n "$user" ]; then
    chown -R "$user" "$home"
    setsid runuser -u "$user" -- "${env[@]}" "$kit/scripts/notebook.sh" >"$log" 2>&1 &
  else
    setsid "${env[@]}" "$kit/scripts/notebook.sh" >"$log" 2>&1 &
  fi
  pid=$!
  # On any exit: the server's process group, the kernels it started (their connection files are under
  # $home/runtime), and the scratch home.
  trap 'kill -- -'"$pid"' 2>/dev/null; pkill -f "'"$home"'/runtime" 2>/dev/null; rm -rf "'"$home"'"' EXIT
  code=000
  for _ in $(seq 1 60); do
    code="$(curl -s -o "$home/list.json" -w '%{http_code}' "http://127.0.0.1:$port/api/contents?token=$token" || true)"
    [ "$code" = 200 ] && break
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 1
  done
  local who="${user:-$(id -un)}"
  if [ "$code" != 200 ]; then
    echo "notebook server as $who: no answer on 127.0.0.1:$port (HTTP $code)"; cat "$log"; return 1
  fi
  list="$(node -e "const l=require('$home/list.json').content.map(c=>c.name).filter(n=>n.endsWith('.ipynb')).sort();process.stdout.write(l.join(' '))")"
  case "$list" in 00-index.ipynb*08-ask.ipynb*) ;; *) echo "notebook server as $who lists: $list"; return 1 ;; esac
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/contents" || true)"
  if [ "$code" != 403 ]; then echo "notebook server as $who answers without the token (HTTP $code)"; return 1; fi
  local listening
  listening="$(ss -Hltn "sport = :$port" | awk '{print $4}')"
  if [ -z "$listening" ]; then echo "notebook server as $who answers but ss shows no listener on :$port"; return 1; fi
  if echo "$listening" | grep -qv '^127\.0\.0\.1:'; then
    echo "notebook server as $who listens beyond 127.0.0.1: $listening"; return 1
  fi
  # The token is not on the server's command line, where any local user could read it.
  if pgrep -af 'jupyter[- ]notebook' | grep -q -- "$token"; then echo "notebook server as $who shows its token in ps"; return 1; fi
  # The project's kernel: the server finds tslab's kernelspec and starts it.
  local kernel
  kernel="$(curl -s -X POST -H "Authorization: token $token" -d '{"name":"tslab"}' "http://127.0.0.1:$port/api/kernels" |
    node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{try{process.stdout.write(JSON.parse(s).id||'')}catch{}})")"
  if [ -z "$kernel" ]; then echo "notebook server as $who could not start the tslab kernel"; cat "$log"; return 1; fi
  curl -s -X DELETE -H "Authorization: token $token" "http://127.0.0.1:$port/api/kernels/$kernel" >/dev/null
  kill -- -"$pid"; wait "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do ss -Hltn "sport = :$port" | grep -q . || break; sleep 0.5; done
  if ss -Hltn "sport = :$port" | grep -q .; then echo "notebook server as $who still listens after it was stopped"; return 1; fi
  if pgrep -f "$home/runtime" >/dev/null; then echo "notebook server as $who left a kernel running"; return 1; fi
  echo "notebook server as $who: served $(echo "$list" | wc -w) notebooks and the tslab kernel on 127.0.0.1:$port with its token, refused without it, stopped"
  rm -rf "$home"
  trap - EXIT
}

serve_and_check ""
if [ "$(id -u)" = 0 ]; then
  # nobody can serve only a checkout it can read (not one under a directory private to root, as mktemp -d makes)
  if runuser -u nobody -- test -r "$PWD/notebooks/00-index.ipynb" 2>/dev/null; then
    serve_and_check nobody
  else
    echo "notebook server as nobody: skipped: nobody cannot read $PWD (the checkout is in a directory private to root)"
  fi
fi
