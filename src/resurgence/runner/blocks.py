"""Input of the panel runner -> blocks of series, the unit of work an executor runs.

Three inputs are accepted:

* a :class:`resurgence.Panel` (curated tallies, event data): each series is its
  model frame (calendar months and coarser interval counts with their exposure)
  rebuilt from the intervals that had ended by the end of the month judged, as
  :func:`resurgence.evaluate_month` does;
* a long DataFrame ``series_id, month, value`` (the panel's own shape, one row per
  series and month; NaN or an absent row is a missing month, never zero);
* a wide DataFrame indexed by month, one column per series.

Long and wide inputs become *dense* blocks: one ``(series, months)`` array on a
shared month axis, which the vectorised kernels take as it is. A block is plain
data (ids, arrays, frames), so it pickles to a process or a Dask worker cheaply.
Blocks hold series in sorted id order, so the work and its result never depend
on the input's row order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..months import format_month, month_range, to_month

__all__ = ["Block", "make_blocks", "latest_month", "BLOCK_SIZE"]

#: Series per block. Fixed (not derived from the number of workers), so the same
#: input is cut the same way whichever executor runs it.
BLOCK_SIZE = 256


@dataclass
class Block:
    """Some series of the panel, in the shape the kernels take.

    Attributes
    ----------
    ids : list of str
        Series ids, sorted.
    month : pandas.Timestamp
        The month judged; no data after it is in the block.
    months : pandas.DatetimeIndex or None
        Dense blocks: the month axis of ``values`` (ending at ``month``).
    values : numpy.ndarray or None
        Dense blocks: shape ``(len(ids), len(months))``, NaN = missing.
    frames : list of pandas.DataFrame or None
        Frame blocks: each series' model frame (``start, end, month, months, value``).
    judged : list of bool
        Whether each series has a calendar-month figure for ``month`` (alerts
        judge those only).
    """

    ids: list[str]
    month: pd.Timestamp
    months: pd.DatetimeIndex | None = None
    values: np.ndarray | None = None
    frames: list[pd.DataFrame] | None = None
    judged: list[bool] = field(default_factory=list)

    @property
    def dense(self) -> bool:
        return self.values is not None

    def __len__(self) -> int:
        return len(self.ids)


def latest_month(data: Any) -> pd.Timestamp:
    """The default month judged: the latest month with a calendar-month figure.

    Examples
    --------
    >>> long = pd.DataFrame({"series_id": ["a", "a", "b"], "month": ["2024-01", "2024-02",
    ...                      "2024-03"], "value": [1.0, 2.0, float("nan")]})
    >>> format_month(latest_month(long))
    '2024-02'
    """
    if hasattr(data, "monthly"):
        stated = data.monthly.loc[data.monthly["value"].notna(), "month"]
        if len(stated):
            return to_month(stated.max())
        raise InputError("the panel holds no calendar-month figure: give the month to judge")
    months, ids, values = _dense(data)
    has = np.flatnonzero(~np.isnan(values).all(axis=0))
    if not len(has):
        raise InputError("every value is missing: nothing to run")
    return months[has[-1]]


def make_blocks(data: Any, month: pd.Timestamp, *, block_size: int = BLOCK_SIZE,
                series: list[str] | None = None) -> list[Block]:
    """Cut the input into blocks of at most ``block_size`` series, data up to ``month``."""
    if block_size < 1:
        raise InputError(f"block_size must be at least 1, got {block_size}")
    if hasattr(data, "intervals"):
        return _frame_blocks(data, month, block_size, series)
    months, ids, values = _dense(data)
    keep = months <= month
    months, values = months[keep], values[:, keep]
    if series is not None:
        wanted = set(series)
        rows = [i for i, s in enumerate(ids) if s in wanted]
        ids, values = [ids[i] for i in rows], values[rows]
    have = np.any(~np.isnan(values), axis=1)
    ids, values = [s for s, h in zip(ids, have) if h], values[have]
    t = len(months) - 1
    judged = (~np.isnan(values[:, t])).tolist() if len(months) and months[t] == month else \
        [False] * len(ids)
    return [Block(ids[k:k + block_size], month, months, values[k:k + block_size],
                  judged=judged[k:k + block_size]) for k in range(0, len(ids), block_size)]


def _frame_blocks(panel: Any, month: pd.Timestamp, size: int,
                  series: list[str] | None) -> list[Block]:
    from ..panel import _is_calendar_month, model_frame

    iv = panel.intervals
    nxt = month + pd.offsets.MonthBegin(1)
    known = iv[(iv["end"] <= nxt) & (iv["status"] == "ok")]
    if series is not None:
        known = known[known["series_id"].isin(set(series))]
    this = known[(known["start"] == month) & (known["derivation"] == "period")
                 & _is_calendar_month(known["start"], known["end"])]
    stated = set(this["series_id"])
    items = [(sid, model_frame(g, sid)) for sid, g in known.groupby("series_id", sort=True)]
    return [Block([s for s, _ in chunk], month, frames=[f for _, f in chunk],
                  judged=[s in stated for s, _ in chunk])
            for chunk in (items[k:k + size] for k in range(0, len(items), size))]


def _dense(data: Any) -> tuple[pd.DatetimeIndex, list[str], np.ndarray]:
    """Month axis, sorted ids and the ``(series, months)`` array of a long or wide table."""
    if not isinstance(data, pd.DataFrame):
        raise InputError("run_panel() takes a Panel, a long DataFrame (series_id, month, value) "
                         f"or a wide DataFrame indexed by month; got {type(data).__name__}")
    if {"series_id", "month", "value"} <= set(data.columns):
        return _from_long(data)
    return _from_wide(data)


def _months_of(values: Any, what: str) -> pd.DatetimeIndex:
    raw = pd.Series(values)
    if isinstance(raw.dtype, pd.PeriodDtype):
        ts = pd.DatetimeIndex(raw.dt.to_timestamp())
    else:
        ts = pd.DatetimeIndex(pd.to_datetime(raw.astype(str) if raw.dtype == object else raw,
                                             errors="coerce"))
    bad = ts.isna()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"{what}: row {i + 1}: {values[i]!r} is not a month (YYYY-MM or a date)")
    off = (ts.day != 1) | (ts.normalize() != ts)
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise InputError(f"{what}: row {i + 1}: {values[i]!r} is not the first day of a month")
    return ts


def _from_long(frame: pd.DataFrame) -> tuple[pd.DatetimeIndex, list[str], np.ndarray]:
    if frame.empty:
        raise InputError("the table has no rows: nothing to run")
    months = _months_of(frame["month"].to_numpy(), "column 'month'")
    try:
        value = pd.to_numeric(frame["value"], errors="raise").to_numpy(dtype=float)
    except (ValueError, TypeError):
        raise InputError("column 'value' must be numeric (NaN for a missing month)") from None
    ids = frame["series_id"].astype(str).to_numpy()
    sid = pd.Categorical(ids)
    axis = month_range(months.min(), months.max())
    col = ((months.year - axis[0].year) * 12 + (months.month - axis[0].month)).to_numpy()
    row = sid.codes
    key = row.astype(np.int64) * len(axis) + col
    dup = pd.Series(key).duplicated().to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(f"row {i + 1}: series {ids[i]!r} has two values for "
                         f"{format_month(months[i])} (rule: one row per series and month)")
    values = np.full((len(sid.categories), len(axis)), np.nan)
    values[row, col] = value
    return axis, [str(c) for c in sid.categories], values


def _from_wide(frame: pd.DataFrame) -> tuple[pd.DatetimeIndex, list[str], np.ndarray]:
    if frame.shape[1] == 0 or frame.shape[0] == 0:
        raise InputError("the table has no series: nothing to run")
    months = _months_of(np.asarray(frame.index), "index")
    if months.has_duplicates:
        raise InputError(f"index: {format_month(months[months.duplicated()][0])} appears twice "
                         "(rule: one row per month)")
    ids = [str(c) for c in frame.columns]
    if len(set(ids)) != len(ids):
        raise InputError("two columns have the same series id")
    try:
        num = frame.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
    except (ValueError, TypeError):
        raise InputError("every column must be numeric (NaN for a missing month)") from None
    axis = month_range(months.min(), months.max())
    pos = ((months.year - axis[0].year) * 12 + (months.month - axis[0].month)).to_numpy()
    values = np.full((len(ids), len(axis)), np.nan)
    values[:, pos] = num.T
    order = np.argsort(ids, kind="stable")
    return axis, [ids[i] for i in order], values[order]
