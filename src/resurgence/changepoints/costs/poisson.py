r"""Poisson segment cost with exposure offsets.

Within a segment the counts are Poisson with mean :math:`\lambda e_i` (``e`` is
the exposure, e.g. months covered by an interval count). With
:math:`Y = \sum y_i` and :math:`E = \sum e_i` over the segment's observed
points, the MLE is :math:`\hat\lambda = Y/E` and the cost is

.. math:: C = -2 \max_\lambda \ell = 2\,[Y - Y \log(Y/E)]
          + 2 \sum_i [\log y_i! - y_i \log e_i],

a closed form of cumulative sums (the last sum is per point, so it never
changes which segmentation is best). It satisfies
:math:`C(a,b) + C(b,c) \le C(a,c)`, so PELT prunes exactly with K = 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import gammaln, xlogy

from ..base import BatchTerms, Cost, cumsum0
from ._counts import CountSums, check_counts

__all__ = ["PoissonCost"]


class PoissonCost(CountSums, Cost):
    """Poisson change in rate, with exposure.

    Examples
    --------
    >>> c = PoissonCost().fit(np.array([2.0, 4.0, 3.0, 30.0, 28.0]))
    >>> bool(c.error(0, 3) + c.error(3, 5) < c.error(0, 5))
    True
    >>> c.rate(0, 3)
    3.0
    """

    model = "poisson"
    min_size = 1
    n_params = 1
    family = "count"

    def fit(self, signal: Any, exposure: Any = None) -> "PoissonCost":
        super().fit(signal, exposure)
        y, e, obs = self.signal_, self.exposure_, self.observed_
        check_counts(y, e, self.model)
        yy = np.where(obs, y, 0.0)
        ee = np.where(obs, e, 0.0)
        self._y = cumsum0(yy)
        self._e = cumsum0(ee)
        with np.errstate(divide="ignore", invalid="ignore"):
            k = np.where(obs, 2.0 * (gammaln(yy + 1.0) - xlogy(yy, np.where(obs, e, 1.0))), 0.0)
        self._k = cumsum0(k)
        return self

    def errors(self, starts: Any, ends: Any) -> np.ndarray:
        s, e = np.asarray(starts), np.asarray(ends)
        return self.segment_cost((self._y[e] - self._y[s], self._e[e] - self._e[s],
                                  self._k[e] - self._k[s]), ())

    def batch_terms(self) -> BatchTerms:
        return BatchTerms((self._y, self._e, self._k), ())

    @staticmethod
    def segment_cost(sums: tuple[np.ndarray, ...], params: tuple[Any, ...]) -> np.ndarray:
        Y, E, K = sums
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 log 0 = 0, as in negbin
            ll = np.where(E > 0, Y - Y * np.log(np.maximum(Y, 1e-300) / E), 0.0)
        return 2.0 * ll + K
