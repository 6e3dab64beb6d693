r"""Gaussian change in mean and variance (Killick & Eckley, R ``changepoint``).

:math:`C = n \log(2\pi\hat\sigma^2) + \mathrm{SS}/\hat\sigma^2`, with
:math:`\hat\sigma^2 = \max(\mathrm{SS}/n,\ \text{floor})` over the segment's
``n`` observed points: ``-2`` times the Gaussian log-likelihood maximised
over the mean and a variance of at least the floor (equal to
:math:`n[\log(2\pi\hat\sigma^2)+1]` above the floor).
A segment needs at least 2 points (``min_size = 2``). The variance floor
stops a short run of equal values (ties in rounded data) from having
:math:`-\infty` cost: by default it is ``1e-4`` times the robust global
variance (:func:`~resurgence.changepoints.robust.robust_scale` squared), so a
segment may be up to 100 times less noisy (in SD) than the series before the
floor binds, and never below the rounding error of the data,
:math:`\delta^2/12` for values on a grid of step :math:`\delta`
(:func:`~resurgence.changepoints.robust.resolution`; 1/12 for integers): a run
of tied integers is rounding, not a segment of zero variance. Being a
constrained profile likelihood the cost stays
sub-additive, so PELT prunes exactly with K = 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import BatchTerms, Cost, cumsum0
from ._gaussian import GaussianSums
from ..robust import resolution, robust_scale

__all__ = ["NormalMeanVarCost"]

_LOG_2PI = float(np.log(2 * np.pi))


class NormalMeanVarCost(GaussianSums, Cost):
    """Gaussian change in mean and variance.

    Parameters
    ----------
    var_floor : "auto" or float
        Smallest segment variance; ``"auto"`` is ``1e-4 x`` the robust global
        variance or the rounding variance ``resolution**2 / 12``, whichever is larger.

    Examples
    --------
    >>> c = NormalMeanVarCost().fit(np.array([0.0, 2.0, 0.0, 2.0]))
    >>> round(c.error(0, 4), 4)  # 4 * (log(2 pi * 1) + 1)
    11.3515
    """

    model = "normal_meanvar"
    min_size = 2
    n_params = 2
    family = "gaussian"

    def __init__(self, *, var_floor: float | str = "auto") -> None:
        self.var_floor = var_floor

    def __repr__(self) -> str:
        return f"NormalMeanVarCost(var_floor={self.var_floor!r})"

    def fit(self, signal: Any, exposure: Any = None) -> "NormalMeanVarCost":
        super().fit(signal, exposure)
        y, obs = self.signal_, self.observed_
        if isinstance(self.var_floor, str):
            self.floor_ = max(1e-4 * robust_scale(y) ** 2, resolution(y) ** 2 / 12.0, 1e-300)
        else:
            self.floor_ = float(self.var_floor)
        self._center = float(np.median(y[obs])) if obs.any() else 0.0
        yc = np.where(obs, y - self._center, 0.0)
        self._s1 = cumsum0(yc)
        self._s2 = cumsum0(yc * yc)
        return self

    def errors(self, starts: Any, ends: Any) -> np.ndarray:
        s, e = np.asarray(starts), np.asarray(ends)
        return self.segment_cost((self._ncum[e] - self._ncum[s], self._s1[e] - self._s1[s],
                                  self._s2[e] - self._s2[s]), (self.floor_,))

    def batch_terms(self) -> BatchTerms:
        return BatchTerms((self._ncum, self._s1, self._s2), (self.floor_,))

    @staticmethod
    def segment_cost(sums: tuple[np.ndarray, ...], params: tuple[Any, ...]) -> np.ndarray:
        n, S, S2 = sums
        (floor,) = params
        with np.errstate(divide="ignore", invalid="ignore"):
            ss = np.maximum(S2 - np.where(n > 0, S * S / n, 0.0), 0.0)
            var = np.maximum(np.where(n > 0, ss / n, 1.0), floor)
            return np.where(n > 0, n * (np.log(var) + _LOG_2PI) + ss / var, 0.0)

    def sum_squares(self, start: int, end: int) -> float:
        """Sum of squared deviations from the segment mean."""
        n = self._ncum[end] - self._ncum[start]
        S = self._s1[end] - self._s1[start]
        return float(max((self._s2[end] - self._s2[start]) - S * S / n, 0.0))
