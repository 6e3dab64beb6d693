"""Model frames and calendar covariates for interval counts.

Every model in :mod:`resurgence.seasonal` and :mod:`resurgence.forecast` works on
a *model frame*: one row per observed count with columns ``start``, ``end``
(half-open interval), ``month`` (its first month), ``months`` (exposure in
calendar months) and ``value``. A monthly series is the special case of one row
per observed month with ``months == 1``; NaN months have no row (missing is not
zero).

Calendar covariates (trend, Fourier terms of the calendar year, the Ramadan
share, intervention steps) are defined per month. An interval that covers several
months gets the exposure-weighted average of its months' covariates (weights
from :func:`resurgence.months.month_fractions`). Under a log-linear rate this is
an approximation, ``sum_m w_m exp(x_m b) ~ exp(sum_m w_m x_m b)`` (Jensen's
inequality), exact for one-month rows and close whenever the rate changes little
within an interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, SeriesError
from .months import (as_monthly_series, format_month, month_fractions, month_numbers,
                     month_range, months_from_numbers, to_month)
from .ramadan import ramadan_share

__all__ = ["as_model_frame", "frame_to_monthly", "CalendarDesign", "FRAME_COLUMNS"]

FRAME_COLUMNS = ["start", "end", "month", "months", "value"]


def as_model_frame(y: Any) -> pd.DataFrame:
    """Turn a monthly series or a model frame into a clean model frame.

    Parameters
    ----------
    y : pandas.Series or pandas.DataFrame
        A monthly series (NaN months are dropped: they carry no observation) or a
        frame with at least ``start``, ``end`` and ``value`` columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``start, end, month, months, value`` sorted by ``start``, with
        ``attrs["cutoff"]``: the first month after the data, where forecasts
        start. For a series that is the month after its last index (even if that
        month is NaN); for a frame, the month after the last month an interval
        touches, or a later ``y.attrs["cutoff"]`` if the frame carries one.

    Raises
    ------
    SeriesError
        If there is no observed value (an empty series or frame, or only NaN
        months), intervals overlap, values are negative or missing, or columns
        are absent.

    Examples
    --------
    >>> y = pd.Series([3.0, None, 5.0], index=["2024-01", "2024-02", "2024-03"])
    >>> f = as_model_frame(y)
    >>> f[["month", "months", "value"]].astype(str).values.tolist()
    [['2024-01-01', '1.0', '3.0'], ['2024-03-01', '1.0', '5.0']]
    >>> f.attrs["cutoff"]
    Timestamp('2024-04-01 00:00:00')
    """
    if isinstance(y, pd.Series):
        s = as_monthly_series(y)
        if len(s) == 0:
            raise SeriesError("empty series: no observed values, nothing to model")
        cutoff = s.index[-1] + pd.offsets.MonthBegin(1)
        n_months = len(s)
        s = s.dropna()
        if len(s) == 0:
            raise SeriesError(
                f"no observed values: all {n_months} months of the series are missing "
                "(NaN), so there is nothing to model"
            )
        frame = pd.DataFrame(
            {
                "start": s.index,
                "end": s.index + pd.offsets.MonthBegin(1),
                "month": s.index,
                "months": 1.0,
                "value": s.to_numpy(dtype=float),
            }
        )
    elif isinstance(y, pd.DataFrame):
        missing = {"start", "end", "value"} - set(y.columns)
        if missing:
            raise SeriesError(f"model frame lacks columns: {', '.join(sorted(missing))}")
        frame = pd.DataFrame(
            {
                "start": pd.to_datetime(y["start"]),
                "end": pd.to_datetime(y["end"]),
                "value": pd.to_numeric(y["value"], errors="coerce").astype(float),
            }
        )
        if not frame["start"].is_monotonic_increasing:
            frame = frame.sort_values("start", kind="stable")
        frame = frame.reset_index(drop=True)
        if frame["start"].dt.tz is not None or frame["end"].dt.tz is not None:
            raise SeriesError("model frame start and end must be dates without a time zone")
        start, end = frame["start"].to_numpy(), frame["end"].to_numpy()
        if np.isnan(frame["value"].to_numpy()).any():
            raise SeriesError("model frame has missing or non-numeric values")
        if len(frame) == 0:
            raise SeriesError("empty model frame: no observed values, nothing to model")
        if (end <= start).any():
            raise SeriesError("model frame has an interval whose end is not after its start")
        if (start[1:] < end[:-1]).any():
            raise SeriesError("model frame intervals overlap: give one non-overlapping set")
        number = month_numbers(frame["start"])
        month = months_from_numbers(number)
        whole = (start == month.to_numpy()) & (end == months_from_numbers(number + 1).to_numpy())
        months = np.ones(len(frame))
        odd = np.flatnonzero(~whole)  # only odd intervals need the day arithmetic
        months[odd] = [float(month_fractions(a, b).sum())
                       for a, b in zip(frame["start"].iloc[odd], frame["end"].iloc[odd])]
        frame = pd.DataFrame({"start": frame["start"], "end": frame["end"],
                              "month": month, "months": months,
                              "value": frame["value"]})
        cutoff = to_month(frame["end"].max() - pd.Timedelta(days=1)) + pd.offsets.MonthBegin(1)
        if y.attrs.get("cutoff") is not None:  # e.g. a backtest origin after a gap
            cutoff = max(cutoff, to_month(y.attrs["cutoff"]))
    else:
        raise SeriesError("expected a monthly pandas Series or a model frame DataFrame")
    if (frame["value"] < 0).any():
        raise SeriesError("counts must be non-negative (a negative revision cannot be modelled)")
    frame = frame.reset_index(drop=True)
    frame.attrs["cutoff"] = pd.Timestamp(cutoff)
    return frame


def frame_to_monthly(frame: pd.DataFrame) -> pd.Series:
    """The one-month observations of a model frame as a monthly series (others NaN).

    Models that need a regular monthly series (naive, state space) use only the
    rows that are exactly one calendar month; coarser intervals are left to the
    count GLM, which handles exposure. The series runs to the month before
    ``frame.attrs["cutoff"]``.

    Examples
    --------
    >>> f = pd.DataFrame({"start": ["2024-01-01", "2024-02-01"],
    ...                   "end": ["2024-02-01", "2024-05-01"], "value": [3, 9]})
    >>> frame_to_monthly(as_model_frame(f)).tolist()
    [3.0, nan, nan, nan]
    """
    whole = (frame["months"] == 1.0) & (frame["start"] == frame["month"])
    cutoff = frame.attrs.get("cutoff")
    last = (cutoff - pd.offsets.MonthBegin(1)) if cutoff is not None else frame["month"].max()
    idx = month_range(frame["month"].min(), last)
    s = pd.Series(np.nan, index=idx, dtype=float)
    s.loc[frame.loc[whole, "month"].to_numpy()] = frame.loc[whole, "value"].to_numpy()
    s.index.freq = "MS"
    return s


def _month_number(months: pd.DatetimeIndex) -> np.ndarray:
    return (months.year * 12 + months.month - 1).to_numpy(dtype=float)


@dataclass
class CalendarDesign:
    """Build the covariate matrix of a log-linear monthly rate model.

    Parameters
    ----------
    trend : bool
        A linear trend in years (log-rate scale).
    fourier : int
        Number of harmonics of the calendar year (0 for no seasonality).
    ramadan : bool
        The share of the month's days in Ramadan.
    interventions : mapping of str to month-like
        Named steps: 0 before the month, 1 from it on.
    origin : float
        Month number (``year * 12 + month - 1``) where the trend is zero; fixed at
        fit time so predictions use the same scale.

    Examples
    --------
    >>> d = CalendarDesign(trend=True, fourier=1, ramadan=False, origin=24288.0)
    >>> d.columns
    ['const', 'trend', 'sin1', 'cos1']
    """

    trend: bool = True
    fourier: int = 2
    ramadan: bool = True
    interventions: Mapping[str, Any] = field(default_factory=dict)
    origin: float = 0.0

    def __post_init__(self) -> None:
        if not 0 <= int(self.fourier) <= 6:
            raise InputError(f"fourier must be between 0 and 6 harmonics, got {self.fourier}")
        self.fourier = int(self.fourier)
        steps = {}
        for name, month in dict(self.interventions or {}).items():
            if not str(name).isidentifier():
                raise InputError(f"intervention name {name!r} must be a plain identifier")
            steps[str(name)] = to_month(month)
        self.interventions = steps

    @property
    def columns(self) -> list[str]:
        cols = ["const"]
        if self.trend:
            cols.append("trend")
        for k in range(1, self.fourier + 1):
            cols += [f"sin{k}", f"cos{k}"]
        if self.ramadan:
            cols.append("ramadan")
        cols += list(self.interventions)
        return cols

    def monthly(self, months: pd.DatetimeIndex) -> pd.DataFrame:
        """Covariates of whole calendar months."""
        months = pd.DatetimeIndex(months)
        out = {"const": np.ones(len(months))}
        if self.trend:
            out["trend"] = (_month_number(months) - self.origin) / 12.0
        angle = 2 * np.pi * (months.month.to_numpy() - 0.5) / 12.0
        for k in range(1, self.fourier + 1):
            out[f"sin{k}"] = np.sin(k * angle)
            out[f"cos{k}"] = np.cos(k * angle)
        if self.ramadan:
            out["ramadan"] = ramadan_share(months).to_numpy() if len(months) else np.array([])
        for name, month in self.interventions.items():
            out[name] = (months >= month).astype(float)
        return pd.DataFrame(out, index=months)[self.columns]

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Exposure-weighted covariates of each row of a model frame."""
        whole = ((frame["months"] == 1.0) & (frame["start"] == frame["month"])).to_numpy()
        X = np.empty((len(frame), len(self.columns)))
        if whole.any():
            X[whole] = self.monthly(pd.DatetimeIndex(frame.loc[whole, "month"])).to_numpy()
        odd = np.flatnonzero(~whole)
        if len(odd):  # one covariate table for every month the odd intervals touch
            starts, ends = frame["start"].to_numpy(), frame["end"].to_numpy()
            weights = [month_fractions(starts[i], ends[i]) for i in odd]
            table = self.monthly(pd.DatetimeIndex(np.concatenate(
                [w.index.to_numpy() for w in weights]))).to_numpy()
            at = 0
            for i, w in zip(odd, weights):
                x = table[at:at + len(w)]
                at += len(w)
                X[i] = (w.to_numpy()[:, None] * x).sum(axis=0) / w.sum()
        return pd.DataFrame(X, columns=self.columns, index=frame.index)

    def describe(self) -> str:
        parts = ["trend" if self.trend else "no trend", f"{self.fourier} harmonics"]
        if self.ramadan:
            parts.append("Ramadan")
        parts += [f"step {n} at {format_month(m)}" for n, m in self.interventions.items()]
        return ", ".join(parts)
