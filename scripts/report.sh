#!/usr/bin/env bash
# The main job: install what it needs into ./.venv (first run only), check the bundled
# curated data and regenerate the briefing: reports/resurgence-YYYY-MM.pdf and
# reports/png/*.png. Extra arguments go to `resurgence report` (e.g. --month 2024-06,
# --data DIR, --out DIR). Safe to re-run: the same data gives the same bytes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv ""
cd "$ROOT"
"$VENV/bin/resurgence" validate
"$VENV/bin/resurgence" report "$@"
