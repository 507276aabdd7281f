#!/usr/bin/env bash
# Browser check of the built docs: open the home page and the CKA page in headless Chromium and assert, on the DOM the
# browser built (scripts run), that the demo results table (the header row of the first table in
# nbs/_demo_results.md, pulled in by an include) and linear_cka's show_doc signature are there and not hidden.
# A screenshot of each page is saved next to the dumped DOM, for a human look.
#
#   bash tools/check_docs.sh [SITE]    SITE: _docs (nbconvert render, the default) or _proc/_docs (Quarto's site)
#
# Needs Chromium (Debian: `apt-get install -y chromium`; google-chrome also works; $CHROMIUM picks one). Without a
# browser it prints SKIPPED and exits 0, unless FREEZE_ALIGN_REQUIRE_BROWSER=1 (CI as root, the deploy workflow).
# Output goes to $FREEZE_ALIGN_DOCS_CHECK (default /tmp/freeze_align_docs_check).
set -euo pipefail
cd "$(dirname "$0")/.."
site="${1:-_docs}"
out="${FREEZE_ALIGN_DOCS_CHECK:-/tmp/freeze_align_docs_check}"
py="${PYTHON:-python}"

browser=""
for b in "${CHROMIUM:-}" chromium chromium-browser google-chrome-stable google-chrome; do
  if [ -n "$b" ] && command -v "$b" >/dev/null 2>&1; then browser="$(command -v "$b")"; break; fi
done
if [ -z "$browser" ]; then
  msg="no Chromium found (as root: apt-get install -y chromium; or set CHROMIUM=/path/to/chrome)"
  if [ "${FREEZE_ALIGN_REQUIRE_BROWSER:-0}" = 1 ]; then echo "browser check FAILED: $msg" >&2; exit 1; fi
  echo "browser check SKIPPED: $msg"; exit 0
fi
for p in index.html cka.html; do
  [ -f "$site/$p" ] || { echo "browser check FAILED: no $site/$p (build the docs first: python tools/build_docs.py)" >&2; exit 1; }
done
mkdir -p "$out"

# one fresh profile per browser run; no network, no first-run work, no sandbox (containers run as root)
chrome() {
  local profile rc=0
  profile="$(mktemp -d)"
  timeout 180 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" --virtual-time-budget=10000 "$@" \
    2>>"$out/chromium.log" || rc=$?
  rm -rf "$profile"
  return "$rc"
}

status=0
check() {  # check PAGE ARGS...: dump the DOM, take a screenshot, check the DOM with build_docs.py --check-dom
  local page="$1"; shift
  local url="file://$(realpath "$site/$page")" dom="$out/${page%.html}.dom.html" png="$out/${page%.html}.png"
  if ! chrome --dump-dom "$url" >"$dom" || [ ! -s "$dom" ]; then
    echo "browser check FAILED: $browser could not render $site/$page (see $out/chromium.log)" >&2; status=1; return
  fi
  chrome --window-size=1280,2400 --screenshot="$png" "$url" >/dev/null || echo "(no screenshot of $page)"
  "$py" tools/build_docs.py --check-dom "$dom" "$@" || status=1
}

echo "browser check of $site/ with $("$browser" --version 2>/dev/null | head -1)"
check index.html --table-from nbs/_demo_results.md
check cka.html --code 'linear_cka('
if [ "$status" = 0 ]; then echo "browser check passed (DOM dumps and screenshots in $out/)"; fi
exit "$status"
