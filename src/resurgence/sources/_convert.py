"""Typed columns from an export's text, and pandera failures, each named by line and column.

:class:`Converter` works on categorical columns (a million rows hold a few
thousand distinct dates or names), converting each distinct value once and
mapping the result back through the codes. :func:`schema_failures` turns a
pandera model's lazy failures into the failure table of
:mod:`resurgence.validation`; :func:`raise_if_failed` raises it.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..errors import DataValidationError
from ..readers import _failure
from ..validation import _MESSAGES, _check_name, _failure_table
from ._csv import Export

__all__ = ["Converter", "parse_iso_dates", "schema_failures", "raise_if_failed", "show",
           "today", "not_in_future"]


def show(value: object) -> object:
    """A cell value as a person reads it: ``2.5``, not ``np.float64(2.5)``; ``3``, not ``3.0``.

    Examples
    --------
    >>> show(np.float64(2.5)), show(np.float64(3.0)), show("x"), show(pd.Timestamp("2030-01-01"))
    (2.5, 3, 'x', '2030-01-01')
    """
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isfinite(value) and value == int(value):
        return int(value)
    return value


def today() -> pd.Timestamp:
    """Today's date at midnight: the latest day an event may be dated."""
    return pd.Timestamp(_dt.date.today())


def not_in_future(dates: pd.Series) -> pd.Series:
    """True where a date is empty or not after today (a pandera check body)."""
    return dates.isna() | (dates <= today())


class Converter:
    """Turn an export's columns into typed arrays, recording a failure per bad cell.

    A column is numbers (read as such), categories (each distinct value is
    converted once and mapped back through the codes) or plain strings (ids).
    Empty cells are NaN or code -1.
    """

    def __init__(self, export: Export) -> None:
        self.export = export
        self.frame = export.frame
        self.bad: set[tuple[int, str]] = set()
        self._cache: dict[str, tuple[pd.Index, np.ndarray]] = {}

    def _cats(self, col: str) -> tuple[pd.Index, np.ndarray]:
        """Distinct values of ``col`` (trimmed; blank = empty) and each row's code (-1 = empty).

        Values pandas already read as numbers stay numbers (no round trip through text).
        """
        if col not in self._cache:
            s = self.frame[col]
            if not isinstance(s.dtype, pd.CategoricalDtype):
                s = s.astype("category")
            cats = s.cat.categories
            codes = s.cat.codes.to_numpy().astype(np.int64)
            if cats.dtype.kind in "iuf":
                self._cache[col] = (pd.Index(cats, dtype=object), codes)
            else:
                stripped = pd.Index(cats.astype(str)).str.strip()
                remap, uniques = pd.factorize(stripped)
                uniques = pd.Index(uniques, dtype=object)
                blank = np.flatnonzero(uniques == "")
                if len(blank):
                    remap = np.where(remap == blank[0], -1, remap)
                if len(remap):
                    codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
                self._cache[col] = (uniques, codes)
        return self._cache[col]

    def _report_rows(self, rows: np.ndarray, col: str, check: str, values,
                     message: Callable[[object], str]) -> None:
        rows = np.asarray(rows)
        if not len(rows):
            return
        self.bad.update((int(i), col) for i in rows)
        self.export.fail(rows, col, check, values, message)

    def _report(self, codes: np.ndarray, bad_cats: np.ndarray, cats: pd.Index, col: str,
                check: str, message: Callable[[object], str]) -> None:
        if not bad_cats.any():
            return
        rows = np.flatnonzero((codes >= 0) & bad_cats[np.maximum(codes, 0)])
        self._report_rows(rows, col, check, cats[codes[rows]], message)

    def _required(self, empty_rows: np.ndarray, col: str) -> None:
        rows = np.flatnonzero(empty_rows)
        self._report_rows(rows, col, "required", [""] * len(rows), lambda v: f"{col} is required")

    def text(self, col: str, *, required: bool = False) -> pd.Categorical:
        """Trimmed text as a categorical; empty cells are NaN (a failure if ``required``)."""
        cats, codes = self._cats(col)
        if required:
            self._required(codes < 0, col)
        # unused categories are kept: dropping them costs a pass over every row
        return pd.Categorical.from_codes(codes, categories=cats.astype(str), validate=False)

    def ids(self, col: str) -> np.ndarray:
        """Identifiers as strings (exports never pad them); empty cells fail ``required``."""
        values = self.frame[col].to_numpy(dtype=object)
        empty = pd.isna(values)
        self._required(empty, col)
        return np.where(empty, "", values).astype(object)

    def number(self, col: str, *, required: bool = False, integer: bool = False,
               missing: Sequence[float] = ()) -> np.ndarray:
        """Numbers as float (NaN = empty, or one of the ``missing`` codes)."""
        s = self.frame[col]
        if s.dtype.kind == "f":
            out = s.to_numpy(dtype=float, copy=True)
        else:
            cats, codes = self._cats(col)
            values = pd.to_numeric(pd.Series(cats, dtype=object), errors="coerce").to_numpy(
                dtype=float, copy=True)
            self._report(codes, np.isnan(values), cats, col, "numeric",
                         lambda v: f"{v!r} is not a number")
            out = np.full(len(codes), np.nan)
            out[codes >= 0] = values[codes[codes >= 0]]
        if integer:
            frac = np.flatnonzero(~np.isnan(out) & (out != np.round(out)))
            self._report_rows(frac, col, "integer_valued", [show(v) for v in out[frac]],
                              lambda v: f"{v} is not a whole number")
        if required:
            empty = np.isnan(out)
            if s.dtype.kind != "f":
                empty &= self._cats(col)[1] < 0
            self._required(empty, col)
        if missing:
            out[np.isin(out, list(missing))] = np.nan
        return out

    def date(self, col: str, parse: Callable[[pd.Index], pd.DatetimeIndex], *,
             required: bool = True, expected: str = "YYYY-MM-DD") -> np.ndarray:
        """Dates via ``parse`` (applied to the distinct values); unparseable cells fail."""
        cats, codes = self._cats(col)
        parsed = parse(pd.Index(cats.astype(str)))
        self._report(codes, np.asarray(parsed.isna()), cats, col,
                     "iso_date" if expected == "YYYY-MM-DD" else "date",
                     lambda v: f"{v!r} is not a valid date ({expected})")
        if required:
            self._required(codes < 0, col)
        values = parsed.to_numpy(dtype="datetime64[ns]")
        out = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
        ok = codes >= 0
        out[ok] = values[codes[ok]]
        return out


_ISO_STAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                        r"(?:Z|[+-]\d{2}:?\d{2})?)?$")


def parse_iso_dates(values: pd.Index) -> pd.DatetimeIndex:
    """``YYYY-MM-DD``, also with a time of day (``2019-11-26 00:00:00.000``, ``...T00:00:00Z``).

    The date part is used: event datasets record days, and files published with
    timestamps carry midnight.

    Examples
    --------
    >>> days = pd.Index(["2019-11-26", "2019-11-26T00:00:00Z", "2019-02-30", "x"])
    >>> parse_iso_dates(days).tolist()
    [Timestamp('2019-11-26 00:00:00'), Timestamp('2019-11-26 00:00:00'), NaT, NaT]
    """
    day = pd.Series(values, dtype=object).astype(str).str.extract(_ISO_STAMP, expand=False)
    return pd.DatetimeIndex(pd.to_datetime(day, format="%Y-%m-%d", errors="coerce"))


# --------------------------------------------------------------------------------------
# pandera failures -> the failure table; raising.
# --------------------------------------------------------------------------------------

_EXTRA_MESSAGES = {
    "non_negative": "counts cannot be negative",
    "unique": "duplicate event id; must be unique within a file",
    "date_order": "date_end is before date_start",
}
#: Checks on a cell's value that a column-specific explanation (``messages``) replaces.
_VALUE_CHECKS = ("isin", "non_negative", "greater_than_or_equal_to", "less_than_or_equal_to",
                 "greater_than", "less_than", "in_range", "positive")
_BOUNDS = {"greater_than_or_equal_to": "at least", "less_than_or_equal_to": "at most",
           "greater_than": "more than", "less_than": "less than"}


def _explain(raw: str, column: str) -> str | None:
    """A sentence for pandera's built-in value checks (``less_than_or_equal_to(12)``)."""
    m = re.fullmatch(r"(\w+)\((.*)\)", str(raw).strip())
    if not m:
        return None
    name, arg = m.groups()
    if name in _BOUNDS:
        bound = arg[:-2] if arg.endswith(".0") else arg
        return f"{column} must be {_BOUNDS[name]} {bound}"
    if name == "isin":
        values = [v.strip().removesuffix(".0") for v in arg.strip("[]").split(",")]
        return f"{column} must be one of {', '.join(values)}"
    return None


def _future_message(value: object) -> str:
    return (f"{value} is after today ({today():%Y-%m-%d}): an event cannot be dated in the "
            "future")


def schema_failures(model: type[pa.DataFrameModel], typed: pd.DataFrame, export: Export, *,
                    skip: set[tuple[int, str]] = frozenset(),
                    blame: dict[str, Sequence[str]] | None = None,
                    messages: Mapping[str, str] | None = None) -> None:
    """Validate ``typed`` (row ``i`` = export row ``i``) against ``model``; record failures.

    Cells in ``skip`` already failed to convert and are not reported twice;
    ``blame`` names the columns a frame-level check is reported against;
    ``messages`` explains a column's allowed values (``"imonth must be 0 (unknown)
    to 12"``) for its range and code checks.
    """
    try:
        model.validate(typed, lazy=True)
        return
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    blame = blame or {}
    messages = messages or {}
    for case in cases.itertuples(index=False):
        check = _check_name(case.check)
        idx = case.index
        if idx is None or (isinstance(idx, float) and np.isnan(idx)):
            # a whole-column problem (a dtype): the reader's conversion is at fault, say so
            export.failures.append(_failure(export.name, None, str(case.column), check,
                                            case.failure_case, "column has the wrong type"))
            continue
        idx = int(idx)
        columns = blame.get(check, (case.column,) if isinstance(case.column, str) else ())
        for column in columns:
            if (idx, column) in skip:
                continue
            value = show(typed.at[idx, column] if column in typed.columns else case.failure_case)
            if check == "not_in_future":
                message = _future_message(value)
            elif check in _VALUE_CHECKS and column in messages:
                message = messages[column]
            else:
                message = (_EXTRA_MESSAGES.get(check) or _explain(case.check, column)
                           or _MESSAGES.get(check) or f"fails the check {check!r}")
            export.failures.append(_failure(export.name, int(export.lines[idx]), column, check,
                                            value, message))


def raise_if_failed(exports: Sequence[Export], what: str) -> None:
    """Raise one :class:`DataValidationError` for every failure in ``exports``."""
    failures = [f for e in exports for f in e.failures]
    if not failures:
        return
    table = _failure_table(failures)
    nfiles = table["file"].nunique()
    raise DataValidationError(
        f"{len(table)} problem(s) in {nfiles} {what} file(s); nothing was imported", table)
