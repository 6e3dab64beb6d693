"""Where ``forecast`` and ``backtest`` get their series: the panel or a CSV file."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..months import to_month
from .series import add_data_argument

MODEL_CHOICES = ("auto", "glm", "glm_local", "sarimax", "seasonal_naive", "naive")


def add_series_arguments(p: argparse.ArgumentParser) -> None:
    """``--series ID`` (panel) or ``--csv FILE --column NAME [--date-column NAME]``."""
    add_data_argument(p)
    p.add_argument("--series", dest="series_id", metavar="ID", action="append",
                   help="series id from the panel (repeatable; default: every series with "
                   "at least --min-months one-month counts)")
    p.add_argument("--min-months", type=int, default=24, metavar="N",
                   help="without --series, only series with N or more one-month counts (default 24)")
    p.add_argument("--csv", metavar="FILE", help="read monthly series from a CSV file instead")
    p.add_argument("--column", metavar="NAME", action="append",
                   help="value column of --csv (repeatable: one series per column)")
    p.add_argument("--date-column", metavar="NAME", default="month",
                   help="month column of --csv (YYYY-MM or dates; default 'month')")


def read_csv_series(path: str, columns: list[str], date_column: str) -> dict[str, pd.Series]:
    """Monthly series from columns of a CSV file (empty cells are missing months)."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"no such file: {path}")
    try:
        table = pd.read_csv(file, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read {path} as CSV: {exc}") from None
    for c in [date_column, *columns]:
        if c not in table.columns:
            raise InputError(f"{path} has no column {c!r}; columns: {', '.join(table.columns)}")
    try:
        months = [to_month(v) for v in table[date_column]]
    except InputError as exc:
        raise InputError(f"{path}, column {date_column!r}: {exc}") from None
    out = {}
    for c in columns:
        values = pd.to_numeric(table[c].str.strip().replace("", None), errors="coerce")
        bad = table[c].str.strip().ne("") & values.isna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise InputError(f"{path}, row {row}, column {c!r}: not a number: {table[c][bad].iloc[0]!r}")
        out[c] = pd.Series(values.to_numpy(dtype=float), index=pd.DatetimeIndex(months), name=c)
    return out


def check_horizon_argument(args: argparse.Namespace) -> None:
    """``--horizon`` within ``1..MAX_HORIZON``, checked before any data is read or fitted."""
    from ..forecast.base import check_horizon

    check_horizon(args.horizon, "--horizon")


def load_series(args: argparse.Namespace) -> dict[str, pd.Series | pd.DataFrame]:
    """The series named on the command line: monthly series (CSV) or model frames (panel)."""
    if args.min_months < 0:
        raise InputError(f"--min-months must be 0 or more, got {args.min_months}")
    if args.csv:
        if args.series_id:
            raise InputError("give either --series (panel) or --csv, not both")
        if not args.column:
            raise InputError("--csv needs --column NAME (the value column)")
        return read_csv_series(args.csv, args.column, args.date_column)
    if args.column:
        raise InputError("--column needs --csv FILE")
    from ..panel import load_panel

    panel = load_panel(args.data)
    ids = args.series_id
    if not ids:
        table = panel.series
        ids = table.loc[table["months_observed"] >= args.min_months, "series_id"].tolist()
        if not ids:
            raise InputError(f"no series has {args.min_months} one-month counts; "
                             "lower --min-months or name one with --series")
    return {sid: panel.frame(sid) for sid in ids}


def make_model(name: str):
    """A forecaster by its command-line name."""
    from ..forecast import AutoForecaster, default_candidates

    if name == "auto":
        return AutoForecaster()
    cands = default_candidates()
    if name not in cands:
        raise InputError(f"unknown model {name!r}: choose from {', '.join(MODEL_CHOICES)}")
    return cands[name]
