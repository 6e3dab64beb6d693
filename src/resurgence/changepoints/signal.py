"""Input normalisation: arrays, monthly Series and interval counts -> one :class:`Signal`.

* an array or list: positions are the index; NaN is a missing point;
* a ``pandas.Series``: NaN is a missing month; a month-like index (dates on
  the first of a month, monthly periods, ``YYYY-MM`` strings) is normalised with
  :func:`resurgence.months.as_monthly_series`, so absent months become NaN
  (missing, never zero); any other index is kept as it is;
* interval counts: a DataFrame with ``value`` and ``months`` columns (the
  project's model frame: ``start, end, month, months, value``), each row a count
  over ``months`` months of exposure; or any array/Series with ``exposure=``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SeriesError
from ..months import as_monthly_series

__all__ = ["Signal", "as_signal"]


@dataclass(frozen=True)
class Signal:
    """A normalised series.

    Attributes
    ----------
    values : numpy.ndarray
        Float values, NaN where missing.
    exposure : numpy.ndarray or None
        Exposure of each point (None: every point has exposure 1).
    index : pandas.Index
        Label of each position (months for monthly series and model frames).
    name : str or None
        Series name, if any.
    """

    values: np.ndarray
    exposure: np.ndarray | None
    index: pd.Index
    name: str | None = None

    @property
    def n_observed(self) -> int:
        """Number of non-missing points."""
        return int(np.sum(~np.isnan(self.values)))

    @property
    def is_monthly(self) -> bool:
        """Whether the index holds months."""
        return isinstance(self.index, pd.DatetimeIndex)


def _monthlike(index: pd.Index) -> bool:
    if isinstance(index, pd.PeriodIndex):
        return index.freqstr.startswith("M")
    if isinstance(index, pd.DatetimeIndex):
        return len(index) > 0 and bool(np.all(index.day == 1)) and bool(
            np.all(index.normalize() == index))
    if (index.dtype == object or pd.api.types.is_string_dtype(index.dtype)) and len(index) > 0:
        return all(isinstance(v, str) and len(v) == 7 and v[4] == "-" for v in index)
    return False


def _numeric(values: Any, what: str) -> np.ndarray:
    try:
        arr = np.asarray(pd.to_numeric(pd.Series(np.asarray(values).ravel()), errors="raise"),
                         dtype=float)
    except (ValueError, TypeError):
        raise SeriesError(f"{what} must be numeric (NaN for missing)") from None
    return arr


def as_signal(y: Any, exposure: Any = None) -> Signal:
    """Normalise any supported input to a :class:`Signal`.

    Raises
    ------
    SeriesError
        For non-numeric, non-1-D or infinite values, or an exposure that does
        not match the series.

    Examples
    --------
    >>> s = as_signal(pd.Series([3, 5], index=["2024-01", "2024-03"]))
    >>> s.values.tolist(), [m.strftime("%Y-%m") for m in s.index]
    ([3.0, nan, 5.0], ['2024-01', '2024-02', '2024-03'])
    >>> frame = pd.DataFrame({"month": ["2024-01", "2024-02"], "months": [1.0, 6.0],
    ...                       "value": [4, 30]})
    >>> as_signal(frame).exposure.tolist()
    [1.0, 6.0]
    """
    name = None
    if isinstance(y, pd.DataFrame):
        if "value" not in y.columns:
            raise SeriesError("a DataFrame input needs a 'value' column (and 'months' for "
                              f"exposure); it has {', '.join(map(str, y.columns))}")
        values = _numeric(y["value"], "'value'")
        if exposure is None and "months" in y.columns:
            exposure = y["months"].to_numpy()
        if "month" in y.columns:
            index = pd.DatetimeIndex(pd.to_datetime(y["month"].astype(str)), name="month")
        elif "start" in y.columns:
            index = pd.DatetimeIndex(pd.to_datetime(y["start"]), name="start")
        else:
            index = y.index
        name = y.attrs.get("series_id")
    elif isinstance(y, pd.Series):
        name = None if y.name is None else str(y.name)
        if _monthlike(y.index) and (exposure is None or isinstance(exposure, pd.Series)):
            ms = as_monthly_series(y)
            if isinstance(exposure, pd.Series):
                exposure = as_monthly_series(exposure).reindex(ms.index).to_numpy()
            values, index = ms.to_numpy(dtype=float), ms.index
        else:
            values, index = _numeric(y, "series values"), y.index
    else:
        arr = np.asarray(y, dtype=object)
        if arr.ndim == 2 and 1 in arr.shape:
            arr = arr.ravel()
        if arr.ndim != 1:
            raise SeriesError(f"expected a 1-D series, got an array of shape {arr.shape}")
        values = _numeric(arr, "series values")
        index = pd.RangeIndex(len(values))
    if np.any(np.isinf(values)):
        raise SeriesError("series contains infinite values; use NaN for missing points")
    e = None
    if exposure is not None:
        e = _numeric(exposure, "exposure")
        if len(e) != len(values):
            raise SeriesError(f"exposure has {len(e)} values, the series {len(values)}")
        bad = ~np.isnan(values) & ~(np.isfinite(e) & (e > 0))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise SeriesError(f"exposure must be positive where a value is observed; "
                              f"position {i} has {e[i]!r}")
    return Signal(values=values, exposure=e, index=index, name=name)
