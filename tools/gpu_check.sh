#!/usr/bin/env bash
# The GPU check: every notebook test with its `#| gpu` cells switched on, then the GPU benchmarks (benchmarks/gpu.py),
# printed as one table with the GPU's name. Run it on a CUDA machine (Colab, a lent GPU) from the repository root:
#
#   bash tools/gpu_check.sh              # about 5-8 minutes on one GPU
#   bash tools/gpu_check.sh --dry-run    # on a CPU: collects the notebook tests and runs the benchmark code at toy sizes
#
# Extra arguments go to benchmarks/gpu.py (e.g. `--only train_cached cka`, `--score-n 200000`).
# Exits non-zero if a notebook test or a benchmark failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 FREEZE_ALIGN_NO_PROGRESS=1
export PYTHONWARNINGS=ignore::DeprecationWarning
dry=0
if [ "${1:-}" = "--dry-run" ]; then dry=1; shift; fi
t0=$(date +%s)

if [ "$dry" = 1 ]; then
  # the same pytest command, collection only: a CPU cannot run the CUDA cells
  FREEZE_ALIGN_TEST_FLAGS=gpu python -m pytest tests/test_notebooks.py -q --collect-only 2>&1 | tail -1
  tests=${PIPESTATUS[0]}
  OMP_NUM_THREADS=1 python benchmarks/gpu.py --dry-run "$@"
  bench=$?
else
  python -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 'no CUDA GPU is visible: on a CPU, run bash tools/gpu_check.sh --dry-run')" || exit 1
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || true
  workers=""
  if python -c "import xdist" 2>/dev/null; then workers="-n 4"; fi   # four notebooks at a time share the GPU
  echo "=== notebook tests with the gpu cells ($(( $(date +%s) - t0 ))s)"
  FREEZE_ALIGN_TEST_FLAGS=gpu OMP_NUM_THREADS=2 python -m pytest tests/test_notebooks.py -q $workers 2>&1 | tail -40
  tests=${PIPESTATUS[0]}
  echo "=== benchmarks ($(( $(date +%s) - t0 ))s)"
  python benchmarks/gpu.py "$@"
  bench=$?
fi

echo "=== done in $(( $(date +%s) - t0 ))s: notebook tests exit $tests, benchmarks exit $bench"
[ "$tests" = 0 ] && [ "$bench" = 0 ]
