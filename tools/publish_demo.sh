#!/usr/bin/env bash
# Copy a demo run's results page and plots into the docs, where nbs/index.ipynb (and so README.md) includes them:
#   bash tools/publish_demo.sh [results/demo]
# The page is exactly what `freeze-align demo` wrote (results.md): no number in the README is typed by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-results/demo}"
[ -f "$src/results.md" ] || { echo "no $src/results.md: run 'freeze-align demo --out $src' first" >&2; exit 1; }
mkdir -p nbs/images
cp "$src/results.md" nbs/_demo_results.md
rm -f nbs/images/demo_*.png
for f in "$src"/*.png; do cp "$f" "nbs/images/demo_$(basename "$f")"; done
python tools/make_readme.py
echo "published $src into nbs/_demo_results.md and nbs/images/; README.md regenerated"
