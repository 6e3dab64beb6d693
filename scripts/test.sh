#!/usr/bin/env bash
# Run the test suite in ./.venv (created and filled on first use). Extra arguments
# go to pytest, e.g. `bash scripts/test.sh -k changepoint`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv test
cd "$ROOT"
# pytest -n auto already runs one process per core. OpenBLAS would add its own threads
# in each of them; on the small matrices of these models they mostly spin, taking CPU
# from the other worker (a single test: same wall time, 25% more CPU). One BLAS thread
# per process unless the caller says otherwise.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"
exec "$PY" -m pytest -n auto -q "$@"
