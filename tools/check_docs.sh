#!/usr/bin/env bash
# Render one docs page in headless Chromium and save a screenshot, to check that _docs/ pages display in a browser.
#   bash tools/check_docs.sh [page.html] [out.png]      (needs Debian's `chromium`: apt-get install chromium)
set -euo pipefail
page="${1:-_docs/core.html}"; out="${2:-/tmp/freeze_align_docs.png}"
[ -f "$page" ] || { echo "no such page: $page (run python tools/build_docs.py first)" >&2; exit 1; }
profile="$(mktemp -d)"
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" \
  --window-size=1280,1600 --screenshot="$out" "file://$(realpath "$page")" 2>/dev/null
rm -rf "$profile"
[ -s "$out" ] && echo "screenshot of $page: $out"
