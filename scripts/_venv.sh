# Sourced by scripts/*.sh: make sure ./.venv exists and holds this checkout with the
# requested extras. Safe to re-run: it reinstalls only when pyproject.toml or the
# extras change. Usage: ensure_venv [EXTRAS]   (e.g. ensure_venv test)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${RESURGENCE_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"

ensure_venv() {
    local extras="${1:-}"
    local spec="$ROOT"
    [ -n "$extras" ] && spec="$ROOT[$extras]"
    if [ ! -x "$PY" ]; then
        echo "Creating virtual environment in $VENV" >&2
        python3 -m venv "$VENV"
    fi
    local want
    want="$( (cat "$ROOT/pyproject.toml"; echo "extras=$extras") | sha256sum | cut -c1-16)"
    local stamp="$VENV/.resurgence-stamp"
    if [ ! -f "$stamp" ] || ! grep -qx "$want" "$stamp" 2>/dev/null; then
        echo "Installing resurgence${extras:+[$extras]} into $VENV" >&2
        "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
        "$PY" -m pip install --quiet --disable-pip-version-check -e "$spec"
        echo "$want" >> "$stamp"
    fi
}
