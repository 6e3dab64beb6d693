"""Farrington-type negative-binomial threshold (Noufaily et al. 2013), for months.

The baseline is :func:`~resurgence.alerts.baseline.fit_baseline`; the threshold
is the upper ``1 - alpha`` quantile of the predictive distribution
(:mod:`~resurgence.alerts.predictive`); the score is
``(observed - expected) / (threshold - expected)`` as in R's ``surveillance``
(above 1 = above the threshold); the p-value is P(Y >= observed). A month is
flagged when the observation is above the threshold and at least ``min_count``.
"""

from __future__ import annotations

import numpy as np

from .base import Detector, Evaluation, History
from .baseline import Baseline, fit_baseline
from .predictive import predictive

__all__ = ["Farrington"]


class Farrington(Detector):
    """Improved Farrington (quasi-Poisson GLM baseline, NB threshold), monthly.

    Parameters
    ----------
    alpha : float
        False-alarm probability per month in control (one-sided).
    years : int
        Years of history in the baseline (``b``).
    half_window : int
        Months either side of the judged calendar month forming its seasonal
        reference level (``w``).
    n_periods : int
        Levels of the seasonal factor (1 = no factor).
    gap : int
        Most recent months left out of the baseline.
    reweight : {"quantile", "anscombe", False}
        Down-weight past counts whose residual (NB quantile residual, or Noufaily
        et al.'s Anscombe residual) is above ``weights_threshold``.
    weights_threshold : float
        2.58, as Noufaily et al.
    trend, p_trend
        Allow a log-linear trend, kept when significant at ``p_trend``.
    seasonal : bool
        Allow the seasonal factor (used only with 3 years of history).
    min_exposure, min_points
        Least baseline (months of exposure, counts) for a verdict.
    min_count : int
        Smallest observed count that can be flagged.

    Examples
    --------
    >>> import pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> y = pd.Series(rng.poisson(10, 60).astype(float),
    ...               index=pd.date_range("2019-01", periods=60, freq="MS"))
    >>> y.iloc[-1] = 30
    >>> ev = Farrington().evaluate(History.from_series(y, "2023-12"))
    >>> ev.flag, ev.threshold, round(ev.expected, 1)
    (True, 21.0, 11.2)
    """

    name = "farrington"

    def __init__(self, *, alpha: float = 0.005, years: int = 5, half_window: int = 1,
                 n_periods: int = 4, gap: int = 3, reweight: str | bool = "quantile",
                 weights_threshold: float = 2.58, trend: bool = True, p_trend: float = 0.05,
                 seasonal: bool = True, min_exposure: float = 12.0, min_points: int = 4,
                 min_count: int = 3) -> None:
        self.alpha = alpha
        self.years = years
        self.half_window = half_window
        self.n_periods = n_periods
        self.gap = gap
        self.reweight = reweight
        self.weights_threshold = weights_threshold
        self.trend = trend
        self.p_trend = p_trend
        self.seasonal = seasonal
        self.min_exposure = min_exposure
        self.min_points = min_points
        self.min_count = min_count

    def baseline(self, history: History) -> Baseline | str:
        """Fit the baseline for ``history.month`` (or the reason it cannot be fitted)."""
        return fit_baseline(history, years=self.years, half_window=self.half_window,
                            n_periods=self.n_periods, gap=self.gap, reweight=self.reweight,
                            weights_threshold=self.weights_threshold, trend=self.trend,
                            p_trend=self.p_trend, seasonal=self.seasonal,
                            min_exposure=self.min_exposure, min_points=self.min_points)

    def evaluate(self, history: History, *, baseline: Baseline | str | None = None) -> Evaluation:
        """Judge ``history.month`` against the Farrington threshold."""
        if np.isnan(history.observed):
            return Evaluation.insufficient(self.name, history, "no count for this month")
        base = self.baseline(history) if baseline is None else baseline
        if isinstance(base, str):
            return Evaluation.insufficient(self.name, history, base)
        pred = predictive(base)
        y = history.observed
        expected = base.expected
        upper = float(pred.threshold(self.alpha))
        p = pred.sf(y)
        denom = upper - expected
        score = (y - expected) / denom if denom > 0 else float("inf") if y > expected else 0.0
        flag = bool(y > upper and y >= self.min_count)
        if not flag:  # above 1 = flagged (a count below min_count is not)
            score = min(score, 1.0)
        what = describe(base)
        if flag:
            reason = (f"{y:g} is above the threshold {upper:g} (expected {expected:.1f}, "
                      f"p = {p:.2g}; {what})")
        elif y > upper:
            reason = f"{y:g} is above the threshold {upper:g} but below min_count={self.min_count}"
        else:
            reason = (f"{y:g} is within the threshold {upper:g} (expected {expected:.1f}, "
                      f"p = {p:.2g}; {what})")
        return Evaluation(self.name, history.month, y, expected, upper, float(score), p, flag,
                          reason, "ok", {"phi": base.phi_used, "df": base.df,
                                         "trend": base.trend, "seasonal": base.seasonal,
                                         "n_baseline": base.n_obs,
                                         "downweighted": base.downweighted})


def describe(base: Baseline) -> str:
    """A short description of a baseline for human-readable reasons.

    Examples
    --------
    >>> from resurgence.alerts.baseline import Baseline
    >>> b = Baseline(24288.0, np.log(12), 0.1, 2.5, 6, 7, 17.6, 24243.0, 24284.9, False, 1.0,
    ...              False, 0, False, np.zeros(1), np.zeros((1, 1)), 1, 4)
    >>> describe(b)
    'baseline 7 counts over 17.6 months, 2020-04 to 2023-09, dispersion 2.5'
    """
    def ym(clock: float) -> str:
        c = int(np.floor(clock + 1e-9))
        return f"{c // 12:04d}-{c % 12 + 1:02d}"

    parts = [f"baseline {base.n_obs} counts over {base.exposure:.1f} months, "
             f"{ym(base.first)} to {ym(base.last - 1e-6)}"]
    if base.zero:
        parts.append("all zero")
    else:
        parts.append(f"dispersion {base.phi_used:.2g}")
    if base.trend:
        parts.append(f"trend x{base.trend_per_year:.2f}/year")
    if base.seasonal:
        parts.append("seasonal")
    if base.downweighted:
        parts.append(f"{base.downweighted} past spike(s) down-weighted")
    return ", ".join(parts)
