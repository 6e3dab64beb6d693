r"""Gaussian change-in-mean cost with a robust, once-per-series noise scale.

:math:`C = \sum_i (y_i - \bar y)^2 / \sigma^2` over the segment's observed
points: ``-2`` log-likelihood up to a per-point constant.

With ``scale="robust"`` (default) the series is first made robust, once:

* ``seasonal="auto"``: a calendar cycle (12, 4 or 7 points) that pays for its
  parameters by BIC is estimated around a running median and subtracted
  (:func:`~resurgence.changepoints.robust.seasonal_component`), so a seasonal
  swing is neither segmented nor mistaken for autocorrelation; segment levels
  are then seasonally adjusted means;
* noise scale :math:`s` = robust (trimmed) SD of first differences over :math:`\sqrt 2`
  (:func:`~resurgence.changepoints.robust.robust_scale`): level shifts and
  outliers barely move it, so the default penalty is scale-free;
* ``winsorize=3.0``: points further than :math:`3s` from a 5-point running
  median are pulled back to :math:`3s` (:func:`~resurgence.changepoints.robust.winsorize_local`),
  so a lone outlier cannot buy itself a segment, while steps (which the
  running median follows) are untouched;
* ``dependence=True``: :math:`\sigma^2` is the long-run variance
  :math:`s^2 (1+\rho)/(1-\rho)^2` under AR(1) noise, with :math:`\rho` from
  :func:`~resurgence.changepoints.robust.lag1_autocorrelation` (0 for
  independent noise), so autocorrelated wiggles are not read as changes.

With ``scale=1.0`` and ``winsorize=None`` the cost is the plain sum of squares
(ruptures' ``l2``; ``cost="l2"``), so the same penalty gives the same
breakpoints.
Computed from cumulative sums of the median-centred signal (fewer rounding
errors on large values).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import BatchTerms, Cost, cumsum0
from ._gaussian import GaussianSums
from ..robust import (
    SEASONAL_PERIODS,
    lag1_autocorrelation,
    robust_scale,
    seasonal_component,
    winsorize_local,
)

__all__ = ["NormalMeanCost"]


class NormalMeanCost(GaussianSums, Cost):
    """Gaussian change in mean (known, robustly estimated variance).

    Parameters
    ----------
    scale : "robust" or float
        Noise standard deviation, or ``"robust"`` to estimate it once.
    winsorize : float or None
        Winsorize at this many robust SDs around a running median (None: off).
    dependence : bool
        With ``scale="robust"``, use the long-run variance under AR(1) noise.
    seasonal : "auto", int or None
        With ``scale="robust"``, remove a calendar seasonal cycle that pays for
        itself (``"auto"``: periods 12, 4 or 7; an int: only that period;
        None: never).

    Attributes
    ----------
    sigma_ : float
        The noise scale used by the cost (long-run, if ``dependence``).
    rho_ : float
        Estimated lag-1 autocorrelation (0 if not estimated).
    values_ : numpy.ndarray
        The (seasonally adjusted, winsorized) values the cost uses.
    period_ : int
        Seasonal period removed (0: none).
    seasonal_ : numpy.ndarray
        The seasonal component subtracted (zeros if none).

    Examples
    --------
    >>> c = NormalMeanCost(scale=1.0, winsorize=None).fit(np.array([1.0, 2.0, 3.0]))
    >>> c.error(0, 3)
    2.0
    """

    model = "normal_mean"
    min_size = 1
    n_params = 1
    family = "gaussian"

    def __init__(self, *, scale: float | str = "robust", winsorize: float | None = 3.0,
                 dependence: bool = True, seasonal: str | int | None = "auto") -> None:
        self.scale = scale
        self.winsorize = winsorize
        self.dependence = dependence
        self.seasonal = seasonal
        if not isinstance(scale, str) and float(scale) == 1.0 and winsorize is None:
            self.model = "l2"

    def __repr__(self) -> str:
        return (f"NormalMeanCost(scale={self.scale!r}, winsorize={self.winsorize!r}, "
                f"dependence={self.dependence!r}, seasonal={self.seasonal!r})")

    def fit(self, signal: Any, exposure: Any = None) -> "NormalMeanCost":
        super().fit(signal, exposure)
        y, obs = self.signal_, self.observed_
        self.rho_ = 0.0
        self.period_, self.seasonal_ = 0, np.zeros(len(y))
        if isinstance(self.scale, str) and self.seasonal is not None:
            periods = SEASONAL_PERIODS if self.seasonal == "auto" else (int(self.seasonal),)
            self.period_, self.seasonal_ = seasonal_component(y, periods=periods)
            y = y - self.seasonal_
        s = robust_scale(y)
        if isinstance(self.scale, str):
            if self.dependence:
                self.rho_ = lag1_autocorrelation(y)
            # s^2 estimates sigma_marg^2 (1 - rho); long-run = sigma_marg^2 (1+rho)/(1-rho)
            self.sigma_ = s * np.sqrt(1 + self.rho_) / (1 - self.rho_)
        else:
            self.sigma_ = float(self.scale)
            if not self.sigma_ > 0:
                raise ValueError("scale must be positive")
        if self.winsorize is not None:
            y = winsorize_local(y, s / np.sqrt(1 - self.rho_), k=float(self.winsorize))
        self.values_ = y
        self._center = float(np.median(y[obs])) if obs.any() else 0.0
        yc = np.where(obs, y - self._center, 0.0)
        self._s1 = cumsum0(yc)
        self._s2 = cumsum0(yc * yc)
        self._inv_var = 1.0 / self.sigma_**2
        return self

    def errors(self, starts: Any, ends: Any) -> np.ndarray:
        s, e = np.asarray(starts), np.asarray(ends)
        return self.segment_cost((self._ncum[e] - self._ncum[s], self._s1[e] - self._s1[s],
                                  self._s2[e] - self._s2[s]), (self._inv_var,))

    def batch_terms(self) -> BatchTerms:
        return BatchTerms((self._ncum, self._s1, self._s2), (self._inv_var,))

    @staticmethod
    def segment_cost(sums: tuple[np.ndarray, ...], params: tuple[Any, ...]) -> np.ndarray:
        n, S, S2 = sums
        (inv_var,) = params
        with np.errstate(divide="ignore", invalid="ignore"):
            ss = S2 - np.where(n > 0, S * S / n, 0.0)
        ss = np.maximum(ss, 0.0)
        return ss * inv_var  # 1.0 (the l2 cost) leaves every value unchanged

    def sum_squares(self, start: int, end: int) -> float:
        """Sum of squared deviations from the segment mean (unscaled)."""
        return float(self.errors(start, end) / self._inv_var)
