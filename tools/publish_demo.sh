#!/usr/bin/env bash
# Copy a demo run's table and plots into the docs, where nbs/index.ipynb (and so README.md) includes them:
#   bash tools/publish_demo.sh [results/demo]
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-results/demo}"
[ -f "$src/results.md" ] || { echo "no $src/results.md: run 'freeze-align demo --out $src' first" >&2; exit 1; }
mkdir -p nbs/images
cp "$src/results.md" nbs/_demo_results.md
for f in cka_vs_retrieval cka_heatmap zeroshot; do [ -f "$src/$f.png" ] && cp "$src/$f.png" "nbs/images/demo_$f.png"; done
python tools/make_readme.py
echo "published $src into nbs/_demo_results.md and nbs/images/; README.md regenerated"
