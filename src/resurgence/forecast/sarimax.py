"""SARIMAX forecaster on a variance-stabilised scale (statsmodels state space).

The one-month counts are transformed (``log1p`` by default, or ``sqrt``), and a
regression on calendar Fourier terms with ARIMA errors is fitted by the Kalman
filter, which skips missing months natively. The Gaussian forecast on the
transformed scale is turned back into a count distribution with a continuity
correction, ``P(Y <= k) = Phi((g(k + 0.5) - m) / s)``: quantiles are back-
transformed integers and the reported mean is the mean of that distribution
(so it includes the back-transformation bias correction).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..covariates import CalendarDesign, frame_to_monthly
from ..errors import InputError, ModelError, ModelWarning
from .base import TRANSFORMS, Forecaster
from .distributions import CountDistribution
from .naive import NaiveForecaster

__all__ = ["SarimaxForecaster"]

#: Observed months needed for the ARIMA part; fewer falls back to the naive method.
MIN_OBS = 12
#: Observed months needed per Fourier harmonic before seasonality is estimated.
MIN_OBS_PER_HARMONIC = 12


class SarimaxForecaster(Forecaster):
    """Regression on Fourier terms with ARIMA errors, on the ``log1p`` (or sqrt) scale.

    Parameters
    ----------
    order : tuple of int
        ARIMA ``(p, d, q)`` of the errors; with ``d == 0`` a constant is included.
    fourier : int
        Harmonics of the calendar year (reduced, with a warning, for short series).
    transform : {"log1p", "sqrt"}
        Variance-stabilising transform of the counts.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> months = pd.date_range("2015-01-01", periods=84, freq="MS")
    >>> y = pd.Series(rng.poisson(40, 84), index=months).astype(float)
    >>> y.iloc[[10, 50]] = np.nan  # skipped by the Kalman filter
    >>> fc = SarimaxForecaster().fit(y).predict(2, level=[95])
    >>> bool(((fc["lo-95"] >= 0) & (fc["lo-95"] < 40) & (fc["hi-95"] > 40)).all())
    True
    """

    name = "sarimax"

    def __init__(self, *, order: tuple[int, int, int] = (1, 0, 0), fourier: int = 2,
                 transform: str = "log1p") -> None:
        self.order = order
        self.fourier = fourier
        self.transform = transform

    def _fit(self, frame: pd.DataFrame) -> None:
        from statsmodels.tools import sm_exceptions as sme
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        if self.transform not in TRANSFORMS:
            raise InputError(f"transform must be 'log1p' or 'sqrt', got {self.transform!r}")
        order = tuple(int(v) for v in self.order)
        if len(order) != 3 or min(order) < 0:
            raise InputError(f"order must be three non-negative integers, got {self.order}")
        y = frame_to_monthly(frame)
        n_obs = int(y.notna().sum())
        self.fallback_ = None
        if n_obs < MIN_OBS:
            warnings.warn(
                f"sarimax: {n_obs} observed months (needs {MIN_OBS}); using the naive forecast",
                ModelWarning, stacklevel=3,
            )
            self.fallback_ = NaiveForecaster(transform=self.transform).fit(frame)
            return
        k = min(int(self.fourier), n_obs // (2 * MIN_OBS_PER_HARMONIC))
        if k < int(self.fourier):
            warnings.warn(
                f"sarimax: {k} Fourier harmonics instead of {self.fourier} ({n_obs} observed months)",
                ModelWarning, stacklevel=3,
            )
        self.design_ = CalendarDesign(trend=False, fourier=k, ramadan=False)
        exog = self._exog(y.index)
        z = TRANSFORMS[self.transform][0](y.to_numpy(dtype=float))
        trend = "c" if order[1] == 0 else "n"
        with warnings.catch_warnings():
            for w in (sme.ConvergenceWarning, UserWarning, RuntimeWarning):
                warnings.simplefilter("ignore", w)
            try:
                model = SARIMAX(z, exog=exog, order=order, trend=trend)
                self.result_ = model.fit(disp=False, maxiter=200)
            except (np.linalg.LinAlgError, ValueError) as exc:
                raise ModelError(f"sarimax could not be fitted: {exc}") from None
        if not np.all(np.isfinite(self.result_.params)):
            raise ModelError("sarimax fit gave non-finite parameters")

    def _exog(self, months: pd.DatetimeIndex) -> np.ndarray | None:
        X = self.design_.monthly(months).drop(columns="const")
        return X.to_numpy() if X.shape[1] else None

    def _predict_distribution(self, months: pd.DatetimeIndex) -> CountDistribution:
        if self.fallback_ is not None:
            return self.fallback_._predict_distribution(months)
        # The training series runs to the month before the cutoff, so the state space
        # forecast starts exactly at the first requested month.
        fc = self.result_.get_forecast(len(months), exog=self._exog(months))
        mean, se = np.asarray(fc.predicted_mean), np.asarray(fc.se_mean)
        return CountDistribution.transformed_normal(
            mean, se, months, transform=self.transform
        )
