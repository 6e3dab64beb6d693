"""Proper scoring rules: CRPS (discrete, Gaussian, sample-based) and pinball loss.

The continuous ranked probability score of a forecast CDF ``F`` at outcome ``y``
is ``CRPS(F, y) = integral (F(x) - 1{y <= x})^2 dx``; lower is better and it has
the units of the data, so it compares probabilistic and point forecasts (for a
point forecast it is the absolute error).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from ..errors import InputError

__all__ = ["crps", "crps_discrete", "crps_normal", "crps_sample", "pinball_loss"]


def crps_discrete(cdf: np.ndarray, y: Any) -> np.ndarray:
    """Exact CRPS of distributions on the integers ``0..K`` given by their CDFs.

    The CDF is a step function, constant on ``[k, k + 1)``, so the integral is a
    finite sum; for an integer ``y`` it is ``sum_k (F(k) - 1{y <= k})^2``. Any
    real ``y`` is handled exactly (the step containing ``y`` is split).

    Parameters
    ----------
    cdf : numpy.ndarray
        Shape ``(n, K + 1)`` (or ``(K + 1,)``): ``P(Y <= k)``, last column 1.
    y : array-like
        ``n`` outcomes; NaN gives NaN.

    Examples
    --------
    >>> crps_discrete(np.array([0.0, 1.0]), 1)  # point mass at 1
    array([0.])
    >>> crps_discrete(np.array([0.5, 1.0]), 0)  # fair coin on {0, 1}
    array([0.25])
    """
    F = np.atleast_2d(np.asarray(cdf, dtype=float))
    y = np.broadcast_to(np.asarray(y, dtype=float), (F.shape[0],))
    n_k = F.shape[1]
    k = np.arange(n_k, dtype=float)
    # Share of each step [k, k+1) lying at or above y (where the indicator is 1).
    above = np.clip(k[None, :] + 1 - y[:, None], 0.0, 1.0)
    body = (above * (F - 1.0) ** 2 + (1.0 - above) * F**2).sum(axis=1)
    below_zero = np.clip(-y, 0.0, None)  # F = 0 on [y, 0) when y < 0
    beyond = np.clip(y - n_k, 0.0, None)  # F = 1 on [K + 1, y) when y > K + 1
    out = body + below_zero + beyond
    return np.where(np.isnan(y), np.nan, out)


def crps_normal(mu: Any, sigma: Any, y: Any) -> np.ndarray:
    """Closed-form CRPS of a normal forecast (Gneiting & Raftery 2007).

    Examples
    --------
    >>> float(crps_normal(0.0, 1.0, 0.0).round(4))
    0.2337
    """
    mu, sigma, y = (np.asarray(a, dtype=float) for a in (mu, sigma, y))
    if np.any(sigma <= 0):
        raise InputError("sigma must be positive")
    z = (y - mu) / sigma
    return sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))


def crps_sample(samples: Any, y: Any) -> np.ndarray:
    """CRPS of an ensemble in the energy form ``E|X - y| - E|X - X'| / 2``.

    Parameters
    ----------
    samples : array-like
        Draws along the last axis; leading axes broadcast against ``y``.
    y : array-like
        Outcomes.

    Examples
    --------
    >>> float(crps_sample([0.0, 1.0], 0.0))
    0.25
    """
    x = np.sort(np.asarray(samples, dtype=float), axis=-1)
    y = np.asarray(y, dtype=float)
    m = x.shape[-1]
    term1 = np.abs(x - y[..., None]).mean(axis=-1)
    # E|X - X'| from sorted draws in O(m log m): sum_i (2i - m + 1) x_(i) * 2 / m^2.
    i = np.arange(m)
    term2 = (x * (2 * i - m + 1)).sum(axis=-1) * 2 / m**2
    return term1 - term2 / 2


def pinball_loss(pred: Any, y: Any, q: float) -> np.ndarray:
    """Quantile (pinball) loss of a ``q``-quantile forecast.

    Examples
    --------
    >>> pinball_loss([10.0], [12.0], 0.9).tolist(), pinball_loss([10.0], [8.0], 0.9).tolist()
    ([1.8], [0.2])
    """
    pred, y = np.asarray(pred, dtype=float), np.asarray(y, dtype=float)
    diff = y - pred
    return np.maximum(q * diff, (q - 1) * diff)


def crps(forecast: Any, y: Any) -> np.ndarray:
    """CRPS of a forecast at outcomes ``y``, exact where the forecast allows it.

    Parameters
    ----------
    forecast : CountDistribution, scipy frozen normal, or array of samples
        A :class:`~resurgence.forecast.CountDistribution` (exact discrete sum), a
        frozen ``scipy.stats.norm`` (closed form), or draws along the last axis
        (energy form).
    y : array-like
        Observed values, one per forecast.

    Examples
    --------
    >>> from scipy import stats
    >>> float(crps(stats.norm(0, 1), 0.0).round(4))
    0.2337
    """
    if hasattr(forecast, "cdf") and isinstance(getattr(forecast, "cdf"), np.ndarray):
        return crps_discrete(forecast.cdf, y)
    dist = getattr(forecast, "dist", None)
    if dist is not None and getattr(dist, "name", "") == "norm":
        loc, scale = forecast.mean(), forecast.std()
        return crps_normal(loc, scale, y)
    if isinstance(forecast, (list, tuple, np.ndarray)):
        return crps_sample(forecast, y)
    raise InputError(
        "crps() takes a CountDistribution, a frozen scipy.stats.norm, or an array of samples"
    )
