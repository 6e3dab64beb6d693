#!/usr/bin/env bash
# Run the test suite in ./.venv (created and filled on first use). Extra arguments
# go to pytest, e.g. `bash scripts/test.sh -k changepoint`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv test
cd "$ROOT"
exec "$PY" -m pytest -n auto -q "$@"
