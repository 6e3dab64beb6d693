"""Seasonal naive forecast: next March looks like the last observed March.

The point forecast for a month is the most recent observed count of the same
calendar month. Its predictive distribution, as for the naive method, is normal
on a variance-stabilised scale, discretised to counts: ``N(z_same_month, s_k^2)``
where ``k`` is how many years back that observation is and ``s_k^2`` the mean
squared change over ``k`` years in the training data (the empirical seasonal
naive error), or ``k s_1^2`` (the seasonal random walk of FPP3, 5.5) when fewer
than ``MIN_PAIRS`` pairs are ``k`` years apart; ``s_1^2`` comes from the observed
year-on-year changes of each calendar month (a change across ``k`` years
counting as ``k`` steps). A calendar month never observed uses the naive
forecast; a series without any year-on-year pair falls back to the naive method
with a ``ModelWarning``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import InputError, ModelWarning
from .base import TRANSFORMS, Forecaster
from .distributions import CountDistribution
from .naive import NaiveForecaster, _month_no, lag_spread, observed_months

__all__ = ["SeasonalNaiveForecaster"]


class SeasonalNaiveForecaster(Forecaster):
    """Same month last year, with seasonal random-walk intervals.

    Parameters
    ----------
    transform : {"log1p", "sqrt"}
        Scale of the seasonal random walk.
    period : int
        Season length in months.

    Examples
    --------
    >>> months = pd.date_range("2022-01-01", periods=24, freq="MS")
    >>> y = pd.Series(np.tile([5.0, 20.0], 12), index=months)
    >>> SeasonalNaiveForecaster(period=2).fit(y).predict(2)["mean"].tolist()
    [5.0, 20.0]
    """

    name = "seasonal_naive"

    def __init__(self, *, transform: str = "log1p", period: int = 12) -> None:
        self.transform = transform
        self.period = period

    def _fit(self, frame: pd.DataFrame) -> None:
        if self.transform not in TRANSFORMS:
            raise InputError(f"transform must be 'log1p' or 'sqrt', got {self.transform!r}")
        if int(self.period) < 1:
            raise InputError(f"period must be positive, got {self.period}")
        p = int(self.period)
        obs = observed_months(frame, "seasonal naive")
        g = TRANSFORMS[self.transform][0]
        pos = _month_no(obs.index)
        z = g(obs.to_numpy())
        sq, steps = [], []
        for phase in range(p):
            sel = np.flatnonzero(pos % p == phase)
            if len(sel) >= 2:
                sq.append(np.diff(z[sel]) ** 2)
                steps.append(np.diff(pos[sel]) // p)
        self.naive_ = NaiveForecaster(transform=self.transform).fit(frame)
        if sq:
            self.sigma_ = float(np.sqrt(np.mean(np.concatenate(sq) / np.concatenate(steps))))
            self.fallback_ = False
        else:
            warnings.warn(
                f"seasonal naive: no calendar month observed twice ({len(obs)} observations); "
                "using the naive forecast",
                ModelWarning, stacklevel=3,
            )
            self.fallback_ = True
        self.obs_ = obs

    def _predict_distribution(self, months: pd.DatetimeIndex) -> CountDistribution:
        naive = self.naive_._predict_distribution(months)
        if self.fallback_:
            return naive
        p = int(self.period)
        g = TRANSFORMS[self.transform][0]
        pos = _month_no(self.obs_.index)
        values = self.obs_.to_numpy()
        target = _month_no(months)
        loc = np.full(len(months), np.nan)
        point = np.full(len(months), np.nan)
        scale = np.full(len(months), np.nan)
        z = self.naive_.z_
        for j, t in enumerate(target):
            same = np.flatnonzero(pos % p == t % p)
            if len(same):
                i = same[-1]
                loc[j], point[j] = g(values[i]), values[i]
                years = (t - pos[i]) // p
                direct = lag_spread(z, int(years * p))
                scale[j] = direct if np.isfinite(direct) else self.sigma_ * np.sqrt(years)
        seasonal = CountDistribution.transformed_normal(
            np.nan_to_num(loc), np.nan_to_num(scale, nan=1.0), months,
            transform=self.transform,
        )
        missing = np.isnan(loc)
        if not missing.any():
            seasonal.point = point
            return seasonal
        # Calendar months never observed: take the naive forecast for those rows.
        size = max(seasonal.cdf.shape[1], naive.cdf.shape[1])
        pad = lambda c: np.pad(c, ((0, 0), (0, size - c.shape[1])), constant_values=1.0)  # noqa: E731
        cdf = np.where(missing[:, None], pad(naive.cdf), pad(seasonal.cdf))
        return CountDistribution(cdf, months, np.where(missing, naive.forecast(), point),
                                 truncated=naive.truncated or seasonal.truncated)
