"""Predictive distributions of counts: one discrete distribution per forecast month.

Every forecaster returns a :class:`CountDistribution`: for each month a CDF on the
support ``0, 1, ..., K``. Quantiles are therefore integers >= 0, intervals are
count-aware, and CRPS is exact (a finite sum, see :mod:`resurgence.forecast.scoring`).
``K`` is where the upper tail mass falls below ``TAIL`` (capped at ``MAX_SUPPORT``);
the little mass beyond it is put on ``K``. When the cap is reached the lumped mass
may not be little: ``truncated`` says when more than ``TRUNCATION`` of a month's
probability lies above the cap (upper bounds at the cap are then only lower
bounds) and the forecasters warn: a model predicting 100,000 events a month is
extrapolating beyond anything it has seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import gammaln

from ..errors import InputError
from .scoring import crps_discrete

__all__ = ["CountDistribution", "TAIL", "MAX_SUPPORT", "TRUNCATION"]

#: Upper-tail probability left off the support.
TAIL = 1e-6
#: Largest support size (counts above it are lumped at the top).
MAX_SUPPORT = 100_000
#: Probability above ``MAX_SUPPORT - 1`` that marks a distribution as truncated.
TRUNCATION = 1e-3

_TRANSFORMS = {
    "log1p": (np.log1p, np.expm1),
    "sqrt": (np.sqrt, np.square),
}


def _support_size(upper: float) -> int:
    if not np.isfinite(upper):
        return MAX_SUPPORT
    return int(min(max(upper, 1.0), MAX_SUPPORT - 1)) + 1


def _truncated(cdf: np.ndarray) -> bool:
    """Whether more than ``TRUNCATION`` of some row's mass lies beyond the support."""
    return bool(cdf.shape[1] >= MAX_SUPPORT and np.max(1.0 - cdf[:, -1]) > TRUNCATION)


@dataclass
class CountDistribution:
    """Discrete predictive distributions on ``0..K`` for consecutive months.

    Parameters
    ----------
    cdf : numpy.ndarray
        Shape ``(h, K + 1)``: ``cdf[j, k] = P(Y_j <= k)``, non-decreasing, last
        column 1.
    months : pandas.DatetimeIndex
        The ``h`` forecast months.
    point : numpy.ndarray, optional
        A model's own point forecast (e.g. the last value for the naive method);
        defaults to the distribution mean.
    truncated : bool
        True when more than ``TRUNCATION`` of a month's probability lay above
        ``MAX_SUPPORT - 1`` and was lumped there.

    Examples
    --------
    >>> d = CountDistribution.negbin([4.0], alpha=0.0, months=pd.DatetimeIndex(["2024-01-01"]))
    >>> d.quantile(0.5).tolist(), round(float(d.mean()[0]), 6)
    ([4], 4.0)
    """

    cdf: np.ndarray
    months: pd.DatetimeIndex
    point: np.ndarray | None = None
    truncated: bool = False

    def __post_init__(self) -> None:
        cdf = np.atleast_2d(np.asarray(self.cdf, dtype=float))
        cdf = np.clip(np.maximum.accumulate(cdf, axis=1), 0.0, 1.0)
        cdf[:, -1] = 1.0
        self.cdf = cdf
        self.months = pd.DatetimeIndex(self.months)
        if len(self.months) != cdf.shape[0]:
            raise InputError("one forecast month per CDF row is required")

    @property
    def h(self) -> int:
        return self.cdf.shape[0]

    # -- constructors ------------------------------------------------------
    @classmethod
    def negbin(cls, mu, alpha: float, months, *, weights=None, point=None) -> "CountDistribution":
        """NB2 (Poisson if ``alpha == 0``) with means ``mu``; a 2-D ``mu`` of shape
        ``(h, draws)`` gives the equal- (or ``weights``-) weighted mixture over draws.

        The point forecast defaults to the exact mixture mean ``sum_j w_j mu_j``
        (the support omits up to ``TAIL`` of the probability, which for a very
        overdispersed NB can hold a visible part of the mean)."""
        mu = np.asarray(mu, dtype=float)
        mu = mu[:, None] if mu.ndim == 1 else mu
        mu = np.clip(mu, 1e-12, None)
        w = np.full(mu.shape[1], 1.0 / mu.shape[1]) if weights is None else np.asarray(weights)
        w = w / w.sum()
        # Support: the mixture's upper tail sum_j w_j P_j(Y > K) is below TAIL when each
        # component's is below TAIL / (J w_j); components with tiny weights need little.
        tail = TAIL / (len(w) * np.maximum(w, 1e-300))
        need = tail < 1
        top = mu.max(axis=0)[need]
        if alpha > 0:
            r = 1.0 / alpha
            upper = float(np.max(stats.nbinom.ppf(1 - tail[need], r, 1.0 / (1.0 + alpha * top))))
        else:
            upper = float(np.max(stats.poisson.ppf(1 - tail[need], top)))
        k = np.arange(_support_size(upper), dtype=float)
        # Log pmf on the whole support at once; the draws share alpha, so only the
        # terms in mu vary by draw (much faster than scipy's cdf via betainc).
        if alpha > 0:
            base = gammaln(k + r) - gammaln(r) - gammaln(k + 1)
            log_p = -r * np.log1p(alpha * mu)  # r log p, p = 1 / (1 + alpha mu)
            log_q = np.log(alpha * mu) - np.log1p(alpha * mu)  # log(1 - p)
        else:
            base = -gammaln(k + 1)
            log_p, log_q = -mu, np.log(mu)
        cdf = np.empty((mu.shape[0], len(k)))
        for j in range(mu.shape[0]):
            logpmf = base[None, :] + log_p[j][:, None] + k[None, :] * log_q[j][:, None]
            cdf[j] = np.cumsum(w @ np.exp(logpmf))
        if point is None:  # the exact mean, including the tail beyond the support
            point = mu @ w
        return cls(cdf, months, point, truncated=_truncated(cdf))

    @classmethod
    def transformed_normal(cls, loc, scale, months, *, transform: str = "log1p",
                           point=None) -> "CountDistribution":
        """Counts whose transform is normal, discretised with a continuity correction:
        ``P(Y <= k) = Phi((g(k + 0.5) - loc) / scale)``, ``g`` = ``log1p`` or ``sqrt``."""
        if transform not in _TRANSFORMS:
            raise InputError(f"transform must be 'log1p' or 'sqrt', got {transform!r}")
        g, g_inv = _TRANSFORMS[transform]
        loc = np.asarray(loc, dtype=float)
        scale = np.maximum(np.asarray(scale, dtype=float), 1e-9)
        top = np.max(loc + stats.norm.isf(TAIL) * scale)
        upper = g_inv(min(top, g(float(MAX_SUPPORT))))
        k = np.arange(_support_size(upper))
        cdf = stats.norm.cdf((g(k[None, :] + 0.5) - loc[:, None]) / scale[:, None])
        return cls(cdf, months, point, truncated=_truncated(cdf))

    @classmethod
    def mixture(cls, parts: list["CountDistribution"], weights) -> "CountDistribution":
        """Linear pool of distributions over the same months.

        Its point forecast is the weighted mean of the parts' point forecasts.
        """
        w = np.asarray(weights, dtype=float)
        w = w / w.sum()
        size = max(p.cdf.shape[1] for p in parts)
        cdf = sum(wi * np.pad(p.cdf, ((0, 0), (0, size - p.cdf.shape[1])), constant_values=1.0)
                  for wi, p in zip(w, parts))
        point = sum(wi * p.forecast() for wi, p in zip(w, parts))
        return cls(cdf, parts[0].months, point,
                   truncated=any(p.truncated for wi, p in zip(w, parts) if wi > 0))

    @classmethod
    def point_mass(cls, value: float, months) -> "CountDistribution":
        """All mass on one count (e.g. a series that has only ever been zero)."""
        size = int(round(max(value, 0))) + 1
        cdf = np.zeros((len(months), size))
        cdf[:, -1] = 1.0
        return cls(cdf, months)

    # -- summaries ---------------------------------------------------------
    def mean(self) -> np.ndarray:
        """Mean of each month's distribution, ``sum_k P(Y > k)``."""
        return (1.0 - self.cdf[:, :-1]).sum(axis=1)

    def forecast(self) -> np.ndarray:
        """The point forecast: the model's own (``point``) or else the mean."""
        return self.mean() if self.point is None else np.asarray(self.point, dtype=float)

    def quantile(self, q: float) -> np.ndarray:
        """Smallest count ``k`` with ``P(Y <= k) >= q`` for each month."""
        if not 0 < q < 1:
            raise InputError(f"quantile level must be in (0, 1), got {q}")
        return (self.cdf < q - 1e-12).sum(axis=1).astype(int)

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Central ``level``% interval; integer bounds cover at least ``level``%."""
        a = (1 - level / 100) / 2
        return self.quantile(a), self.quantile(1 - a)

    def crps(self, y) -> np.ndarray:
        """Exact CRPS of each month's distribution at the observed counts ``y``."""
        return crps_discrete(self.cdf, y)

    def to_frame(self, level=(80, 95)) -> pd.DataFrame:
        """``month, mean, lo-L, hi-L, ...``: the forecaster ``predict`` table."""
        out = {"month": self.months, "mean": self.forecast()}
        for lv in level:
            lo, hi = self.interval(lv)
            out[f"lo-{_fmt(lv)}"] = lo
            out[f"hi-{_fmt(lv)}"] = hi
        return pd.DataFrame(out)


def _fmt(level: float) -> str:
    return f"{level:g}"


def check_levels(level) -> tuple[float, ...]:
    """Validate interval levels given in percent."""
    levels = (level,) if np.isscalar(level) else tuple(level)
    for lv in levels:
        if not 0 < float(lv) < 100:
            raise InputError(f"interval level must be a percentage in (0, 100), got {lv}")
    return tuple(float(lv) for lv in levels)
