#!/usr/bin/env bash
# Makes sure a headless Chromium is available for the browser test (src/browser/browser.test.ts):
# as root with apt, Debian's chromium is installed; otherwise this says exactly what to install.
# (BRN_CHROMIUM names another Chromium-family browser.)
set -euo pipefail
for b in "${BRN_CHROMIUM:-}" chromium chromium-browser google-chrome; do
  if [ -n "$b" ] && command -v "$b" >/dev/null 2>&1; then exit 0; fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium from Debian's packages (for the browser test): chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
cat >&2 <<MSG
The browser test needs a headless Chromium, and none was found.
Install it, then run make test again:
  Debian/Ubuntu:  sudo apt-get install chromium
  elsewhere:      install Chromium or Chrome and set BRN_CHROMIUM to its command
MSG
exit 1
