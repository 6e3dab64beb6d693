#!/usr/bin/env bash
# The main job: install what it needs into ./.venv (first run only) and regenerate the
# outputs from the bundled curated data. Safe to re-run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv ""
cd "$ROOT"
"$VENV/bin/resurgence" validate
"$VENV/bin/resurgence" series --list "$@"
