#!/usr/bin/env bash
# Verify the CUDA path on whatever GPU this machine has: run the tests that need CUDA (they skip
# elsewhere) and print a speed table, GPU against CPU (benchmarks/bench_gpu.py; also written to
# benchmarks/results/bench_gpu.md). On a machine without CUDA it says so in one line and exits 0:
# there is nothing to check there (the CPU tests run in scripts/test.sh).
# Exit status: 0 checked (or no CUDA), 1 a CUDA test or the benchmark failed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
if ! "$PY" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  echo "gpu_check: no CUDA device here (torch.cuda.is_available() is False); nothing to check."
  exit 0
fi
"$PY" -c 'import torch; print("gpu_check:", torch.cuda.get_device_name(0), "| torch", torch.__version__, "| CUDA", torch.version.cuda)'
# The CUDA tests: every test whose name mentions cuda (they skip without a device), and the
# device choice (auto picks CUDA here).
"$PY" -m pytest -q -p no:cacheprovider -k "cuda or device" tests/test_train.py tests/test_cli.py tests/test_gpu.py
"$PY" -m benchmarks.bench_gpu "$@"
