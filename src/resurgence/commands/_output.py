"""Render a result table as an aligned text table, CSV or JSON for the CLI."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..atomic import atomic_write_text
from ..errors import InputError

FORMATS = ("table", "csv", "json")


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if value is pd.NaT:
        return None
    return value


def render(frame: pd.DataFrame, fmt: str) -> str:
    """Render ``frame`` in ``fmt`` (``table``, ``csv`` or ``json``); NaN stays empty/null."""
    if fmt == "csv":
        buf = io.StringIO()
        frame.to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue()
    if fmt == "json":
        records = [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dict("records")]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if fmt == "table":
        if frame.empty:
            return "(no rows)\n"
        return frame.to_string(index=False, na_rep="") + "\n"
    raise InputError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def emit(text: str, out: str | None = None) -> None:
    """Write ``text`` to ``out`` atomically, or to standard output."""
    if out:
        atomic_write_text(Path(out), text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
