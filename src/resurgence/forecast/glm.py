"""Negative-binomial GLM forecaster: the seasonal count model projected forward.

Fits :func:`resurgence.seasonal_glm` (trend, calendar Fourier terms, optional
Ramadan share and steps; interval counts enter with their exposure) and
forecasts each month's count as NB2 with the fitted dispersion. Parameter
uncertainty is included: coefficients are drawn from their estimated normal
sampling distribution: each month's log rate is normal with variance
``v = x' cov x``, and the predictive distribution is the NB mixed over it
(Gauss-Hermite quadrature, ``n_nodes`` points), centred at ``log rate - v/2`` so
that it keeps the fitted mean (a poorly determined rate widens the distribution
instead of inflating its mean by ``exp(v/2)``).
A trend is extrapolated at most as many months beyond the data as the data span,
then held flat (warned). ``window`` restricts the fit to the most recent months,
which makes the model local (a level that moves).
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
    n_nodes : int
        Quadrature points of the parameter-uncertainty mixture (0 = plug-in
        estimate, no parameter uncertainty).

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
        n_nodes: int = 20,
    ) -> None:
        self.trend = trend
        self.fourier = fourier
        self.ramadan = ramadan
        self.interventions = interventions
        self.window = window
        self.n_nodes = n_nodes

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
        self.fit_frame_ = frame
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
        X = res.design.monthly(months)
        if res.design.trend:
            X["trend"] = np.minimum(X["trend"].to_numpy(), self._trend_limit(months))
        X = X.to_numpy()
        eta = X @ res.params.to_numpy()
        cov = res.cov.to_numpy()
        if not self.n_nodes or not np.all(np.isfinite(cov)):
            return CountDistribution.negbin(np.exp(np.clip(eta, -50, 25)), res.dispersion, months)
        # Each month's count depends on the coefficients only through its log rate, whose
        # sampling distribution is N(eta, v), v = x' cov x: integrate the NB over it by
        # Gauss-Hermite quadrature. Centring at eta - v/2 keeps the fitted mean instead of
        # inflating it by exp(v/2): the exact posterior of a Poisson rate, Gamma(sum y,
        # exposure), has mean sum(y)/exposure and E log(mu) = psi(sum y) - log(exposure),
        # about log(mean) - v/2 with v = 1/sum(y).
        v = np.clip(np.einsum("ij,jk,ik->i", X, cov, X), 0, None)
        t, w = np.polynomial.hermite.hermgauss(int(self.n_nodes))
        z = np.sqrt(2.0) * t
        log_mu = (eta - v / 2)[:, None] + np.sqrt(v)[:, None] * z[None, :]
        return CountDistribution.negbin(np.exp(np.clip(log_mu, -50, 25)), res.dispersion,
                                        months, weights=w / np.sqrt(np.pi))

    def _trend_limit(self, months: pd.DatetimeIndex) -> float:
        """Trend value (years) beyond which it is held flat: ``span`` months after the data.

        A log-linear trend seen over ``span`` months is extrapolated for at most
        another ``span`` months (warned when a forecast goes further).
        """
        frame = self.fit_frame_
        first = frame["month"].iloc[0]
        span = (self.cutoff_.year - first.year) * 12 + self.cutoff_.month - first.month
        limit = self.cutoff_ + pd.offsets.MonthBegin(span - 1)
        if months[-1] > limit:
            warnings.warn(
                f"glm: trend held flat after {limit:%Y-%m}: a trend seen over {span} months is "
                f"not extrapolated more than {span} months beyond the data",
                ModelWarning, stacklevel=4,
            )
        origin = self.result_.design.origin
        return ((limit.year * 12 + limit.month - 1) - origin) / 12.0
