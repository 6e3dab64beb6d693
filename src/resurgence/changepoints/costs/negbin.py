r"""Negative-binomial segment cost with exposure and a once-per-series dispersion.

Model: a count over exposure ``e`` months is the sum of ``e`` monthly counts,
each negative binomial with mean :math:`\lambda` and size :math:`\theta`
(NB is closed under such sums), i.e. :math:`y_i \sim NB(\text{size}=\theta
e_i,\ p)` with :math:`p = \theta/(\theta+\lambda)` constant in the segment and
:math:`\mathrm{Var}(y_i) = \lambda e_i (1 + \lambda/\theta)`.

:math:`\theta` is estimated **once per series** by
:func:`~resurgence.changepoints.robust.nb_dispersion` (trimmed moments of
consecutive pairs, so level shifts and outliers do not inflate it) and then
treated as known. The segment MLE is then still :math:`\hat\lambda = Y/E` and
the cost a closed form of sums (:math:`Y=\sum y`, :math:`E=\sum e`):

.. math:: C = -2\,\big[\theta E \log\tfrac{\theta E}{\theta E + Y}
          + Y \log\tfrac{Y}{\theta E + Y}\big] - 2\sum_i \big[\log\Gamma(y_i+\theta e_i)
          - \log\Gamma(\theta e_i) - \log y_i!\big].

It is ``-2`` times a profile log-likelihood of independent points, hence
:math:`C(a,b)+C(b,c) \le C(a,c)` and PELT prunes exactly with K = 0. When
the data show no extra-Poisson variation (:math:`\hat\theta = \infty`) the
cost is the Poisson cost.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import gammaln, xlogy

from ..base import Cost, cumsum0
from ..robust import nb_dispersion
from ._counts import check_counts

__all__ = ["NegativeBinomialCost"]


class NegativeBinomialCost(Cost):
    """Negative-binomial change in rate (overdispersed counts), with exposure.

    Parameters
    ----------
    dispersion : "robust" or float
        The NB size :math:`\\theta` (larger = closer to Poisson), or
        ``"robust"`` to estimate it once from the series (default).

    Attributes
    ----------
    theta_ : float
        The size used (``inf`` means the Poisson limit).

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> y = rng.negative_binomial(4, 4 / (4 + 10.0), size=200).astype(float)
    >>> c = NegativeBinomialCost().fit(y)
    >>> 2 < c.theta_ < 8
    True
    >>> c2 = NegativeBinomialCost(dispersion=4.0).fit(y)
    >>> c2.theta_
    4.0
    """

    model = "negbin"
    min_size = 1
    n_params = 1
    family = "count"

    def __init__(self, *, dispersion: float | str = "robust") -> None:
        self.dispersion = dispersion

    def __repr__(self) -> str:
        return f"NegativeBinomialCost(dispersion={self.dispersion!r})"

    def fit(self, signal: Any, exposure: Any = None) -> "NegativeBinomialCost":
        super().fit(signal, exposure)
        y, e, obs = self.signal_, self.exposure_, self.observed_
        check_counts(y, e, self.model)
        if isinstance(self.dispersion, str):
            theta = nb_dispersion(y, e)
        else:
            theta = float(self.dispersion)
            if not theta > 0:
                raise ValueError("dispersion must be positive")
        self.theta_ = theta
        yy = np.where(obs, y, 0.0)
        ee = np.where(obs, e, 0.0)
        self._y = cumsum0(yy)
        self._e = cumsum0(ee)
        if np.isinf(theta):
            k = 2.0 * (gammaln(yy + 1.0) - xlogy(yy, np.where(obs, e, 1.0)))
        else:
            te = theta * np.where(obs, e, 1.0)
            k = -2.0 * (gammaln(yy + te) - gammaln(te) - gammaln(yy + 1.0))
        self._k = cumsum0(np.where(obs, k, 0.0))
        return self

    def errors(self, starts: Any, ends: Any) -> np.ndarray:
        s, e = np.asarray(starts), np.asarray(ends)
        Y = self._y[e] - self._y[s]
        E = self._e[e] - self._e[s]
        K = self._k[e] - self._k[s]
        with np.errstate(divide="ignore", invalid="ignore"):
            if np.isinf(self.theta_):
                ll = np.where(E > 0, Y - xlogy(Y, Y / E), 0.0)
                return 2.0 * ll + K
            tE = self.theta_ * E
            tot = tE + Y
            ll = np.where(E > 0, xlogy(tE, tE / tot) + xlogy(Y, Y / tot), 0.0)
        return -2.0 * ll + K

    def error(self, start: int, end: int) -> float:
        return float(self.errors(start, end))

    def rate(self, start: int, end: int) -> float:
        """MLE rate per unit exposure of ``[start, end)``."""
        return float((self._y[end] - self._y[start]) / (self._e[end] - self._e[start]))

    def sums(self, start: int, end: int) -> tuple[float, float]:
        """Total count and total exposure of ``[start, end)``."""
        return (float(self._y[end] - self._y[start]), float(self._e[end] - self._e[start]))
