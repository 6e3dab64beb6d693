"""Month arithmetic shared by every part of the package.

A month is represented as the ``pandas.Timestamp`` of its first day (frequency
``"MS"``); text input and output use ``YYYY-MM``. Monthly series are
``pandas.Series`` indexed by such timestamps, with every month between the first
and the last present (missing months are NaN, never dropped and never zero).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, SeriesError

__all__ = [
    "parse_month",
    "to_month",
    "format_month",
    "month_range",
    "month_numbers",
    "months_from_numbers",
    "month_fractions",
    "interval_months",
    "exposure_months",
    "as_monthly_series",
]

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> pd.Timestamp:
    """Parse ``YYYY-MM`` into the timestamp of the month's first day.

    Parameters
    ----------
    text : str
        A month such as ``"2024-01"``.

    Returns
    -------
    pandas.Timestamp

    Raises
    ------
    InputError
        If ``text`` is not a valid ``YYYY-MM`` month.

    Examples
    --------
    >>> parse_month("2024-01")
    Timestamp('2024-01-01 00:00:00')
    """
    m = _MONTH_RE.match(str(text).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError(f"invalid month {text!r}: expected YYYY-MM, e.g. 2024-01")
    try:
        return pd.Timestamp(year=int(m.group(1)), month=int(m.group(2)), day=1)
    except (ValueError, OverflowError):  # year 0, or outside the range of timestamps
        raise InputError(f"invalid month {text!r}: year {m.group(1)} is out of range (expected "
                         "YYYY-MM with a year from 1678 to 2261)") from None


def to_month(value: Any) -> pd.Timestamp:
    """Return the first day of the month containing ``value``.

    Accepts timestamps, dates, periods and strings (``YYYY-MM`` or ISO dates).

    Examples
    --------
    >>> to_month("2024-01-17")
    Timestamp('2024-01-01 00:00:00')
    >>> to_month(pd.Period("2023-11", freq="M"))
    Timestamp('2023-11-01 00:00:00')
    """
    if isinstance(value, pd.Period):
        return value.asfreq("M").to_timestamp(how="start")
    if isinstance(value, str) and _MONTH_RE.match(value.strip()):
        return parse_month(value)
    ts = pd.Timestamp(value)
    if ts is pd.NaT:
        raise InputError(f"invalid month {value!r}")
    if ts.tzinfo is not None:
        ts = ts.tz_convert(None)
    return pd.Timestamp(year=ts.year, month=ts.month, day=1)


def format_month(value: Any) -> str:
    """Format a month as ``YYYY-MM``.

    Examples
    --------
    >>> format_month(pd.Timestamp("2024-01-01"))
    '2024-01'
    """
    return to_month(value).strftime("%Y-%m")


def month_range(start: Any, end: Any) -> pd.DatetimeIndex:
    """All months from ``start`` to ``end`` inclusive, as month-start timestamps.

    Examples
    --------
    >>> list(month_range("2023-11", "2024-01").strftime("%Y-%m"))
    ['2023-11', '2023-12', '2024-01']
    """
    return pd.date_range(to_month(start), to_month(end), freq="MS")


_MONTH_DTYPE = month_range("1970-01", "1970-01").dtype


def month_numbers(values: Any) -> np.ndarray:
    """Months since 1970-01 of each timestamp's calendar month: :func:`to_month`, vectorised.

    Examples
    --------
    >>> month_numbers(pd.to_datetime(["1970-01-31", "2024-01-17"])).tolist()
    [0, 648]
    """
    stamps = pd.DatetimeIndex(values)
    if stamps.tz is not None:
        stamps = stamps.tz_convert(None)  # as to_month does
    return stamps.to_numpy().astype("datetime64[M]").astype(np.int64)


def months_from_numbers(numbers: Any) -> pd.DatetimeIndex:
    """Month starts from :func:`month_numbers`, in the unit :func:`month_range` gives.

    Examples
    --------
    >>> list(months_from_numbers([648, 649]).strftime("%Y-%m"))
    ['2024-01', '2024-02']
    """
    months = np.asarray(numbers, dtype=np.int64).astype("datetime64[M]")
    return pd.DatetimeIndex(months.astype(_MONTH_DTYPE))


def month_fractions(start: Any, end: Any) -> pd.Series:
    """How much of each calendar month the half-open interval ``[start, end)`` covers.

    The exposure of an interval in months is the sum of these fractions, so a
    whole calendar month counts exactly 1 whatever its length in days.

    Parameters
    ----------
    start, end : date-like
        Interval bounds; ``end`` is exclusive and must be after ``start``.

    Returns
    -------
    pandas.Series
        Indexed by month (first day), values in ``(0, 1]``.

    Examples
    --------
    >>> month_fractions("2024-01-01", "2024-02-01").round(3).tolist()
    [1.0]
    >>> month_fractions("2024-01-17", "2024-02-15").round(3).tolist()
    [0.484, 0.483]
    """
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    if not e > s:
        raise InputError(f"interval end {e.date()} is not after start {s.date()}")
    months = month_range(s, e - pd.Timedelta(days=1))
    out = []
    for m in months:
        nxt = m + pd.offsets.MonthBegin(1)
        lo, hi = max(s, m), min(e, nxt)
        out.append((hi - lo) / (nxt - m))
    return pd.Series(np.asarray(out, dtype=float), index=months, name="fraction")


def _month_clock(t: pd.Series) -> np.ndarray:
    """Months since year 0 at time ``t``, linear within each calendar month."""
    t = pd.to_datetime(t)
    first = t.dt.to_period("M").dt.start_time
    days = t.dt.days_in_month.to_numpy(dtype=float)
    within = (t - first).dt.total_seconds().to_numpy() / (days * 86400.0)
    return (t.dt.year.to_numpy() * 12 + t.dt.month.to_numpy() - 1) + within


def exposure_months(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Vectorised :func:`interval_months` for many ``[start, end)`` intervals.

    Examples
    --------
    >>> exposure_months(pd.Series(pd.to_datetime(["2024-01-17", "2024-01-01"])),
    ...                 pd.Series(pd.to_datetime(["2024-02-15", "2025-01-01"]))).round(3).tolist()
    [0.967, 12.0]
    """
    return _month_clock(pd.Series(end).reset_index(drop=True)) - _month_clock(
        pd.Series(start).reset_index(drop=True))


def interval_months(start: Any, end: Any) -> float:
    """Length of ``[start, end)`` in calendar months (its exposure).

    Examples
    --------
    >>> interval_months("2024-01-01", "2025-01-01")
    12.0
    """
    return float(month_fractions(start, end).sum())


def as_monthly_series(y: Any, *, name: str | None = None) -> pd.Series:
    """Normalise a monthly series: month-start index, no gaps, float values.

    Accepts a ``pandas.Series`` indexed by months (``DatetimeIndex``,
    ``PeriodIndex`` or ``YYYY-MM`` strings). Months between the first and last
    that are absent become NaN: a missing month is missing, not zero.

    Raises
    ------
    SeriesError
        If the index has duplicate months, cannot be read as months, or the
        values are not numeric.

    Examples
    --------
    >>> y = pd.Series([3, 5], index=["2024-01", "2024-03"])
    >>> as_monthly_series(y).tolist()
    [3.0, nan, 5.0]
    """
    if not isinstance(y, pd.Series):
        raise SeriesError("expected a pandas Series indexed by month")
    if pd.api.types.is_numeric_dtype(y.index.dtype) and len(y.index):
        raise SeriesError("series index cannot be read as months: it holds numbers "
                          f"({y.index[0]}, ...); index by month (dates, monthly periods or "
                          "YYYY-MM strings)")
    if (isinstance(y.index, pd.DatetimeIndex) and y.index.tz is None and len(y)
            and bool((y.index == y.index.to_period("M").to_timestamp()).all())):
        idx = pd.DatetimeIndex(y.index.as_unit("us"), name=None)  # month starts: no parsing
    else:
        try:
            idx = pd.DatetimeIndex([to_month(v) for v in y.index])
        except (InputError, ValueError, TypeError) as exc:
            raise SeriesError(f"series index cannot be read as months: {exc}") from None
    if idx.has_duplicates:
        dup = sorted({format_month(v) for v in idx[idx.duplicated()]})
        raise SeriesError(f"duplicate months in series: {', '.join(dup)}")
    try:
        values = pd.to_numeric(pd.Series(np.asarray(y.values), index=idx), errors="raise")
    except (ValueError, TypeError):
        raise SeriesError("series values must be numeric (NaN for missing months)") from None
    values = values.astype(float).sort_index()
    if len(values) == 0:
        return pd.Series([], index=pd.DatetimeIndex([], freq="MS"), dtype=float, name=name or y.name)
    full = month_range(values.index[0], values.index[-1])
    out = values.reindex(full)
    out.index.freq = "MS"
    out.name = name if name is not None else y.name
    return out
