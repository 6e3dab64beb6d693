#!/usr/bin/env python3
"""Regenerate the PDF briefing and its PNGs: a thin wrapper over ``resurgence report``.

    python scripts/make_reports.py [--data DIR] [--month YYYY-MM] [--out reports/]

Runs from a source checkout without installing (it puts ``src/`` on the path);
``bash scripts/report.sh`` installs into ./.venv and runs the same command.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from resurgence.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["report", *sys.argv[1:]]))
