r"""The predictive distribution of next month's count under the baseline.

Given the baseline's log mean :math:`\hat\eta_0` (standard error :math:`s`) and
dispersion :math:`\hat\phi` (``df`` degrees of freedom), the count is negative
binomial with mean :math:`\mu = e^{\eta}` and variance :math:`\phi\mu`
(Poisson when :math:`\phi = 1`) -- the "NB threshold" of Noufaily et al. (2013)
-- averaged over the estimation error of both parameters instead of plugging
them in: :math:`\eta \sim N(\hat\eta_0, s^2)` (7-point Gauss-Hermite) and
:math:`\phi \sim \hat\phi\,\nu/\chi^2_\nu` (5 quantile nodes), each
:math:`\max(\phi, 1)`. With a short history the plug-in threshold is too low and
raises false alarms at several times the nominal rate; the mixture keeps the
realised rate at or below nominal (``benchmarks/alerts_calibration.py``).

A zero baseline (no count in ``E`` months) has the Jeffreys predictive
:math:`NB(1/2,\ E/(E+1))`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import stats

from .baseline import Baseline

__all__ = ["Predictive", "predictive"]

_MAX_SE = 3.0  # a log-mean error beyond this (a factor of 20) carries no more information


@lru_cache(maxsize=1)
def _gh(k: int = 7) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.hermite_e.hermegauss(k)
    return x, w / w.sum()


@lru_cache(maxsize=4096)
def _phi_factors(df: int, k: int = 5) -> np.ndarray:
    if df >= 400:
        return np.ones(1)
    p = (np.arange(k) + 0.5) / k
    return df / stats.chi2.ppf(p, df)


class Predictive:
    """A finite mixture of negative binomial / Poisson distributions.

    Examples
    --------
    >>> p = Predictive(np.array([10.0]), np.array([1.0]), np.array([1.0]))
    >>> p.threshold(0.01), round(p.sf(19), 4)     # Poisson(10): P(Y >= 19)
    (18, 0.0072)
    """

    def __init__(self, mu: np.ndarray, phi: np.ndarray, weight: np.ndarray) -> None:
        self.mu = np.maximum(np.asarray(mu, float), 1e-12)
        self.phi = np.maximum(np.asarray(phi, float), 1.0)
        self.weight = np.asarray(weight, float) / np.sum(weight)
        self._pois = self.phi <= 1.0 + 1e-9
        size = self.mu / np.where(self._pois, 1.0, self.phi - 1.0)
        self._size = size
        self._p = 1.0 / self.phi

    @property
    def mean(self) -> float:
        """Mean of the mixture."""
        return float(np.sum(self.weight * self.mu))

    def _component_sf(self, y: float) -> np.ndarray:
        """P(Y >= y) per component."""
        out = np.empty(len(self.mu))
        k = np.floor(y - 1)
        nb = ~self._pois
        if nb.any():
            out[nb] = stats.nbinom.sf(k, self._size[nb], self._p[nb])
        if self._pois.any():
            out[self._pois] = stats.poisson.sf(k, self.mu[self._pois])
        return out

    def sf(self, y: float) -> float:
        """P(Y >= y): the p-value of a count ``y``."""
        if y <= 0:
            return 1.0
        return float(np.sum(self.weight * self._component_sf(y)))

    def _component_ppf(self, q: float) -> np.ndarray:
        out = np.empty(len(self.mu))
        nb = ~self._pois
        if nb.any():
            out[nb] = stats.nbinom.ppf(q, self._size[nb], self._p[nb])
        if self._pois.any():
            out[self._pois] = stats.poisson.ppf(q, self.mu[self._pois])
        return out

    def threshold(self, alpha: float) -> int:
        """Smallest integer ``u`` with P(Y > u) <= ``alpha`` (counts above it are flagged)."""
        ppf = self._component_ppf(1.0 - alpha)
        ppf = ppf[np.isfinite(ppf)]
        lo = max(int(ppf.min()) - 1, -1)  # P(Y > lo) > alpha
        hi = int(ppf.max())               # P(Y > hi) <= alpha
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.sf(mid + 1) <= alpha:
                hi = mid
            else:
                lo = mid
        return max(hi, 0)


def predictive(baseline: Baseline, *, exposure: float = 1.0, shift: float = 0.0,
               uncertainty: bool = True) -> Predictive:
    """The predictive distribution of a count over ``exposure`` months at the judged month.

    ``shift`` is added to the log mean (e.g. ``log(k)`` for an out-of-control
    alternative). With ``uncertainty=False`` the plug-in NB(:math:`\\hat\\mu`, :math:`\\hat\\phi`).
    """
    if baseline.zero:
        e = baseline.exposure / exposure
        # NB(1/2, E/(E+1)) has mean 1/(2E) and variance phi*mean with phi = 1 + 1/E
        return Predictive(np.array([0.5 / e * np.exp(shift)]), np.array([1.0 + 1.0 / e]),
                          np.array([1.0]))
    eta = baseline.eta0 + np.log(exposure) + shift
    phi_hat = baseline.phi_used if not np.isfinite(baseline.phi) else baseline.phi
    if not uncertainty:
        return Predictive(np.array([np.exp(eta)]), np.array([max(phi_hat, 1.0)]), np.array([1.0]))
    x, wx = _gh()
    fac = _phi_factors(int(max(baseline.df, 1)))
    mu = np.exp(np.clip(eta + min(baseline.se0, _MAX_SE) * x, -30.0, 30.0))
    phis = np.maximum(phi_hat * fac, 1.0)
    mu_grid, phi_grid = np.meshgrid(mu, phis, indexing="ij")
    w = np.outer(wx, np.full(len(fac), 1.0 / len(fac)))
    return Predictive(mu_grid.ravel(), phi_grid.ravel(), w.ravel())
