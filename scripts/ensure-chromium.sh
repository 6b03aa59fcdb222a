#!/usr/bin/env bash
# Makes sure Playwright has a Chromium to drive.
#  - /usr/bin/chromium exists: use it (playwright.config.ts points at it).
#  - apt-get exists: install Debian's chromium. Playwright's own download is unreachable on
#    machines like that, so an apt failure is an error, not a reason to fall back.
#  - neither (a laptop): let Playwright download its own build.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: /usr/bin/chromium is missing; installing Debian's chromium with apt-get…"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
  if [ ! -x /usr/bin/chromium ]; then
    echo "ensure-chromium: apt-get finished but /usr/bin/chromium is still missing." >&2
    exit 1
  fi
  echo "ensure-chromium: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)."
  exit 0
fi

echo "ensure-chromium: no apt-get here; downloading Playwright's Chromium instead."
exec npx playwright install chromium
