"""Shared helpers for the report tests: tiny user-style data folders."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def report_env(**extra: str) -> dict[str, str]:
    """Environment for a ``resurgence report`` child process running this checkout."""
    env = {**os.environ, "CI": "true", "MPLBACKEND": "Agg", **extra}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


def bundled_rows() -> pd.DataFrame:
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False)
              for p in sorted((ROOT / "data" / "series").glob("*.csv"))]
    return pd.concat(frames, ignore_index=True)


def write_rows(folder: Path, rows: pd.DataFrame, name: str = "mine.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows.to_csv(folder / name, index=False)
    return folder


def tiny_folder(folder: Path) -> Path:
    """A user's small folder: CEP central-Syria attacks and combatants, 2023-2024, monthly."""
    rows = bundled_rows()
    keep = ((rows["source"] == "cep") & (rows["area"] == "central_syria")
            & rows["measure"].isin(["attacks", "combatants"]) & (rows["use"] == "primary")
            & (rows["start"] >= "2023-01-01") & (rows["start"] < "2024-07-01"))
    return write_rows(folder, rows[keep])


def single_folder(folder: Path) -> Path:
    """The smallest possible input: one figure."""
    rows = bundled_rows()
    return write_rows(folder, rows[rows["obs_id"] == "sohr-m-025-attacks"])
