"""Negative-binomial GLM forecaster: the seasonal count model projected forward.

Fits :func:`resurgence.seasonal_glm` (trend, calendar Fourier terms, optional
Ramadan share and steps; interval counts enter with their exposure) and
forecasts each month's count as NB2 with the fitted dispersion. Parameter
uncertainty is included: coefficients are drawn from their estimated normal
sampling distribution (``n_draws``, seeded) and the predictive distribution is
the mixture of the NB distributions over the draws. ``window`` restricts the fit
to the most recent months, which makes the model local (a level that moves).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, ModelWarning, SeriesError
from ..seasonal import seasonal_glm
from .base import Forecaster
from .distributions import CountDistribution

__all__ = ["GLMForecaster"]


class GLMForecaster(Forecaster):
    """NB GLM with trend, Fourier seasonality and optional Ramadan/steps.

    Parameters
    ----------
    trend : bool
        Log-linear trend, extrapolated.
    fourier : int
        Harmonics of the calendar year.
    ramadan : bool
        Include the Ramadan share (its future values are known from the calendar).
    interventions : mapping of str to month-like, optional
        Known steps (their future value is 1 once they have happened).
    window : int, optional
        Use only observations starting in the last ``window`` months.
    n_draws : int
        Coefficient draws for parameter uncertainty (0 = plug-in estimate).
    seed : int
        Seed of the draws.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> months = pd.date_range("2015-01-01", periods=96, freq="MS")
    >>> y = pd.Series(rng.poisson(30 * np.exp(0.4 * np.sin(2 * np.pi * months.month / 12))),
    ...               index=months)
    >>> fc = GLMForecaster(trend=False).fit(y).predict(3, level=[80])
    >>> fc.columns.tolist()
    ['month', 'mean', 'lo-80', 'hi-80']
    >>> bool((fc["lo-80"] <= fc["mean"]).all() and (fc["mean"] <= fc["hi-80"]).all())
    True
    """

    name = "glm"

    def __init__(
        self,
        *,
        trend: bool = True,
        fourier: int = 2,
        ramadan: bool = False,
        interventions: Mapping[str, Any] | None = None,
        window: int | None = None,
        n_draws: int = 100,
        seed: int = 0,
    ) -> None:
        self.trend = trend
        self.fourier = fourier
        self.ramadan = ramadan
        self.interventions = interventions
        self.window = window
        self.n_draws = n_draws
        self.seed = seed

    def _fit(self, frame: pd.DataFrame) -> None:
        if self.window is not None:
            if int(self.window) < 1:
                raise InputError(f"window must be a positive number of months, got {self.window}")
            first = self.cutoff_ - pd.offsets.MonthBegin(int(self.window))
            recent = frame[frame["start"] >= first]
            if len(recent):
                recent.attrs = dict(frame.attrs)
                frame = recent
        self.result_ = None
        try:
            self.result_ = seasonal_glm(
                frame, trend=self.trend, fourier=self.fourier, ramadan=self.ramadan,
                interventions=self.interventions, tests=False,
            )
        except SeriesError as exc:
            if frame["value"].sum() != 0:
                raise
            warnings.warn(f"glm: {exc}; forecasting zero", ModelWarning, stacklevel=3)

    def _predict_distribution(self, months: pd.DatetimeIndex) -> CountDistribution:
        res = self.result_
        if res is None:
            return CountDistribution.point_mass(0, months)
        X = res.design.monthly(months).to_numpy()
        beta = res.params.to_numpy()
        draws = beta[None, :]
        cov = res.cov.to_numpy()
        if self.n_draws and np.all(np.isfinite(cov)):
            rng = np.random.default_rng(self.seed)
            draws = rng.multivariate_normal(beta, cov, size=int(self.n_draws), method="eigh")
        eta = np.clip(X @ draws.T, -50, 25)  # guard exp() against absurd extrapolation
        return CountDistribution.negbin(np.exp(eta), res.dispersion, months)
