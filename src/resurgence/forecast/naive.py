"""Naive forecast: next month looks like the last observed month.

The point forecast is the last observed one-month count. So that its CRPS can be
compared fairly with the count models, it also gets a predictive distribution,
normal on a variance-stabilised scale (``log1p`` by default) and discretised to
counts with a continuity correction
(:meth:`CountDistribution.transformed_normal`): a month ``d`` months after the
last observation gets ``N(z_last, s_d^2)``, where ``s_d^2`` is the mean squared
change over ``d`` months seen in the training data itself (the empirical
``d``-step naive error: on a stationary series it levels off at twice the
variance instead of growing without bound). When fewer than ``MIN_PAIRS`` pairs
of observed months are ``d`` apart it falls back to the random-walk scaling
``d s_1^2`` (Hyndman & Athanasopoulos, *FPP3*, 5.5), with ``s_1^2`` estimated from
consecutive observed months (a change across a gap of ``g`` months counts as
``g`` steps).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..covariates import frame_to_monthly
from ..errors import InputError, ModelWarning, SeriesError
from .base import TRANSFORMS, Forecaster
from .distributions import CountDistribution

__all__ = ["NaiveForecaster", "MIN_PAIRS", "lag_spread"]

#: Pairs of observed months needed to estimate the spread at one lag directly.
MIN_PAIRS = 8


def _month_no(idx: pd.DatetimeIndex) -> np.ndarray:
    return (idx.year * 12 + idx.month - 1).to_numpy()


def observed_months(frame: pd.DataFrame, name: str) -> pd.Series:
    """The one-month observations of the training frame (no NaN); error if none."""
    obs = frame_to_monthly(frame).dropna()
    if obs.empty:
        raise SeriesError(
            f"{name} needs at least one one-month observation; coarser intervals are "
            "used by the GLM forecaster only"
        )
    return obs


def lag_spread(z: pd.Series, lag: int) -> float:
    """Root mean squared change over ``lag`` months of a monthly series (NaN if too few pairs).

    Examples
    --------
    >>> z = pd.Series([0.0, 1.0, 0.0, 1.0] * 3, index=pd.date_range("2020-01-01", periods=12, freq="MS"))
    >>> lag_spread(z, 1), lag_spread(z, 2)
    (1.0, 0.0)
    """
    v = z.to_numpy(dtype=float)
    if lag >= len(v):
        return np.nan
    d = v[lag:] - v[:-lag]
    d = d[np.isfinite(d)]
    return float(np.sqrt(np.mean(d**2))) if len(d) >= MIN_PAIRS else np.nan


class NaiveForecaster(Forecaster):
    """Last observed value, with random-walk intervals on a variance-stabilised scale.

    Parameters
    ----------
    transform : {"log1p", "sqrt"}
        Scale of the random walk.

    Examples
    --------
    >>> y = pd.Series([10, 12, 9, 11, 14, 12.0],
    ...               index=pd.date_range("2024-01-01", periods=6, freq="MS"))
    >>> NaiveForecaster().fit(y).predict(2, level=[80])
    ...                                     # doctest: +NORMALIZE_WHITESPACE
           month  mean  lo-80  hi-80
    0 2024-07-01  12.0      9     16
    1 2024-08-01  12.0      8     18
    """

    name = "naive"

    def __init__(self, *, transform: str = "log1p") -> None:
        self.transform = transform

    def _fit(self, frame: pd.DataFrame) -> None:
        if self.transform not in TRANSFORMS:
            raise InputError(f"transform must be 'log1p' or 'sqrt', got {self.transform!r}")
        obs = observed_months(frame, "naive")
        g = TRANSFORMS[self.transform][0]
        z = g(obs.to_numpy())
        pos = _month_no(obs.index)
        self.last_value_ = float(obs.iloc[-1])
        self.last_month_ = obs.index[-1]
        full = pd.Series(np.nan, index=pd.date_range(obs.index[0], obs.index[-1], freq="MS"))
        full.loc[obs.index] = z
        self.z_ = full
        if len(z) >= 2:
            self.sigma_ = float(np.sqrt(np.mean(np.diff(z) ** 2 / np.diff(pos))))
        else:
            warnings.warn("naive: one observation, so the spread is Poisson around it",
                          ModelWarning, stacklevel=3)
            self.sigma_ = np.nan

    def _predict_distribution(self, months: pd.DatetimeIndex) -> CountDistribution:
        point = np.full(len(months), self.last_value_)
        if not np.isfinite(self.sigma_):
            return CountDistribution.negbin(point, 0.0, months, point=point)
        steps = _month_no(months) - _month_no(pd.DatetimeIndex([self.last_month_]))[0]
        g = TRANSFORMS[self.transform][0]
        loc = np.full(len(months), g(self.last_value_))
        scale = np.array([lag_spread(self.z_, int(d)) for d in steps])
        scale = np.where(np.isfinite(scale), scale, self.sigma_ * np.sqrt(steps))
        return CountDistribution.transformed_normal(
            loc, scale, months, transform=self.transform, point=point
        )
