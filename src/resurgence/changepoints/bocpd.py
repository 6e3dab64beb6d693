r"""Bayesian online changepoint detection (Adams & MacKay 2007).

The run length :math:`r_t` is the number of time steps the current segment
has lasted before time ``t`` (:math:`r_t = 0`: a new segment starts at ``t``).
With a constant hazard ``h`` (prior probability that any given step starts a
new segment) and a conjugate model, the filtering posterior
:math:`P(r_t \mid x_{0..t})` is updated exactly in one pass:

* growth: :math:`P(r_t = r+1, x_{0..t}) = P(r_{t-1} = r, x_{0..t-1})\,(1-h)\,
  p(x_t \mid \text{run } r)`
* change: :math:`P(r_t = 0, x_{0..t}) = \sum_r P(r_{t-1} = r, x_{0..t-1})\,h\,
  p(x_t \mid \text{prior})`

where :math:`p(x_t \mid \cdot)` is the posterior predictive. Models:

``poisson`` (Poisson-Gamma)
    counts with exposure ``e``: :math:`y \sim \text{Poisson}(\lambda e)`,
    :math:`\lambda \sim \text{Gamma}(\alpha, \beta)`; the predictive is negative
    binomial. Default prior: mean = the series' overall rate, strength = one
    month of data (:math:`\beta_0 = 1`).
``normal`` (Normal-Gamma)
    unknown mean and precision; Student-t predictive. Default prior: mean = the
    median, :math:`\kappa_0 = 1`, :math:`\alpha_0 = 1`,
    :math:`\beta_0 = \hat\sigma^2` (robust scale, squared).

A missing point (NaN) carries no evidence: runs grow (a change may still
happen there, with probability ``h``) and no sufficient statistic is updated.
``p_change[t]`` = :math:`P(r_t = 0 \mid x_{0..t})`; :meth:`BOCPDResult.p_change_lag`
gives the better-informed :math:`P(r_{t+L} = L \mid x_{0..t+L})`, i.e. "a new
segment started at ``t``" judged ``L`` steps later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import gammaln, logsumexp

from ..errors import InputError, SeriesError
from .robust import robust_scale
from .signal import as_signal

__all__ = ["bocpd", "BOCPDResult"]


@dataclass
class BOCPDResult:
    """Run-length posterior of :func:`bocpd`.

    Attributes
    ----------
    run_length : numpy.ndarray, shape (n, R + 1)
        ``run_length[t, r]`` = :math:`P(r_t = r \\mid x_{0..t})`; ``R`` is
        ``n - 1`` or ``max_run_length``.
    p_change : pandas.Series
        :math:`P(r_t = 0 \\mid x_{0..t})`, indexed like the input (NaN at
        ``t = 0``, where a segment starts by definition).
    map_run_length : pandas.Series
        Most probable run length at each time.
    model, hazard, prior
        What was fitted.
    """

    run_length: np.ndarray = field(repr=False)
    p_change: pd.Series = field(repr=False)
    map_run_length: pd.Series = field(repr=False)
    model: str
    hazard: float
    prior: dict[str, float]

    def p_change_lag(self, lag: int) -> pd.Series:
        """:math:`P(r_{t+L} = L \\mid x_{0..t+L})`: a segment started at ``t``, seen ``L`` steps later.

        NaN for the last ``lag`` times (not yet seen).

        Examples
        --------
        >>> res = bocpd(np.r_[np.zeros(20), np.full(20, 6.0)] + np.tile([0.2, -0.2], 20))
        >>> round(float(res.p_change_lag(3).iloc[20]), 2)
        1.0
        """
        lag = int(lag)
        n, width = self.run_length.shape
        if not 0 <= lag < width:
            raise InputError(f"lag must be between 0 and {width - 1}")
        out = np.full(n, np.nan)
        out[: n - lag] = self.run_length[lag:, lag]
        out[0] = np.nan  # the first segment starts at 0 by definition
        return pd.Series(out, index=self.p_change.index, name=f"p_change_lag{lag}")

    def p_recent(self, k: int) -> float:
        """Probability that the current segment started within the last ``k`` + 1 steps."""
        return float(self.run_length[-1, : int(k) + 1].sum())


def _default_prior(model: str, y: np.ndarray, e: np.ndarray) -> dict[str, float]:
    obs = ~np.isnan(y)
    if model == "poisson":
        rate = float(np.sum(y[obs]) / np.sum(e[obs]))
        return {"alpha": max(rate, 0.05), "beta": 1.0}
    return {"mu": float(np.median(y[obs])), "kappa": 1.0, "alpha": 1.0,
            "beta": robust_scale(y) ** 2}


def bocpd(y: Any, *, model: str = "auto", hazard: float = 1 / 24, prior: dict | None = None,
          exposure: Any = None, max_run_length: int | None = None) -> BOCPDResult:
    """Bayesian online changepoint detection with a constant hazard.

    Parameters
    ----------
    y : array-like, pandas.Series or model-frame DataFrame
        The series (NaN = missing); as for :func:`detect_changepoints`.
    model : str
        ``"poisson"`` (Poisson-Gamma, counts with exposure), ``"normal"``
        (Normal-Gamma) or ``"auto"`` (poisson for non-negative integers or an
        exposure, else normal).
    hazard : float
        Prior probability that a step starts a new segment (1 / expected
        segment length; default one change in 24 months).
    prior : dict, optional
        ``{"alpha", "beta"}`` (poisson) or ``{"mu", "kappa", "alpha", "beta"}``
        (normal); defaults are weak and data-scaled (see the module doc).
    exposure : array-like, optional
        Exposure per point (poisson only).
    max_run_length : int, optional
        Keep run lengths ``0..max_run_length`` only (mass beyond is dropped
        and the rest renormalised): memory ``n x (max_run_length + 1)``.

    Returns
    -------
    BOCPDResult

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.r_[rng.poisson(2, 30), rng.poisson(9, 30)]
    >>> res = bocpd(y, model="poisson", hazard=1 / 30)
    >>> res.run_length.shape
    (60, 60)
    >>> int(res.p_change_lag(4).idxmax())
    30
    """
    sig = as_signal(y, exposure)
    x = sig.values
    n = len(x)
    if n == 0:
        raise SeriesError("empty series: nothing to analyse")
    if sig.n_observed == 0:
        raise SeriesError(f"all {n} values are missing (NaN): nothing to analyse")
    if not 0 < float(hazard) < 1:
        raise InputError(f"hazard must be between 0 and 1, got {hazard!r}")
    e = np.ones(n) if sig.exposure is None else sig.exposure
    obs = ~np.isnan(x)
    key = str(model).lower()
    if key == "auto":
        ints = np.all(x[obs] >= 0) and np.all(x[obs] == np.round(x[obs]))
        key = "poisson" if ints or sig.exposure is not None else "normal"
    if key not in ("poisson", "normal"):
        raise InputError(f"unknown model {model!r}: choose poisson, normal or auto")
    if key == "poisson" and np.any(x[obs] < 0):
        raise SeriesError("the poisson model needs non-negative counts")
    if key == "normal" and sig.exposure is not None:
        raise InputError("interval counts (an exposure) need model='poisson'")
    pr = _default_prior(key, x, e)
    if prior:
        unknown = set(prior) - set(pr)
        if unknown:
            raise InputError(f"unknown prior parameter(s) {sorted(unknown)} for {key}")
        pr.update({k: float(v) for k, v in prior.items()})
    width = n if max_run_length is None else min(n, int(max_run_length) + 1)
    R = np.zeros((n, width))
    lh, l1h = np.log(hazard), np.log1p(-hazard)
    if key == "poisson":
        a0, b0 = pr["alpha"], pr["beta"]
        stats = [np.array([a0]), np.array([b0])]
    else:
        m0, k0, a0, b0 = pr["mu"], pr["kappa"], pr["alpha"], pr["beta"]
        stats = [np.array([m0]), np.array([k0]), np.array([a0]), np.array([b0])]
    logp = np.array([0.0])  # log P(r_{t-1} = r, x_{0..t-1}) up to a constant; t = 0: run 0
    for t in range(n):
        if t == 0:
            if obs[0]:
                lp0 = _logpred(key, x[0], e[0], [s[:1] for s in stats])[0]
                stats = _update(key, x[0], e[0], stats)
            joint = np.array([0.0])
        else:
            prior_stats = _prior_stats(key, pr)
            if obs[t]:
                lpred = _logpred(key, x[t], e[t], stats)
                lp0 = _logpred(key, x[t], e[t], prior_stats)[0]
                grown = logp + l1h + lpred
                new = logsumexp(logp) + lh + lp0
                stats = [np.r_[p, s] for p, s in zip(_update(key, x[t], e[t], prior_stats),
                                                    _update(key, x[t], e[t], stats))]
            else:
                grown = logp + l1h
                new = logsumexp(logp) + lh
                stats = [np.r_[p, s] for p, s in zip(prior_stats, stats)]
            joint = np.r_[new, grown]
            if len(joint) > width:
                joint = joint[:width]
                stats = [s[:width] for s in stats]
        joint = joint - logsumexp(joint)
        R[t, : len(joint)] = np.exp(joint)
        logp = joint
    idx = sig.index
    pc = R[:, 0].copy()
    pc[0] = np.nan  # the first point starts the first segment by definition
    p_change = pd.Series(pc, index=idx, name="p_change")
    map_rl = pd.Series(np.argmax(R, axis=1), index=idx, name="run_length")
    return BOCPDResult(run_length=R, p_change=p_change, map_run_length=map_rl, model=key,
                       hazard=float(hazard), prior=pr)


def _prior_stats(key: str, pr: dict[str, float]) -> list[np.ndarray]:
    if key == "poisson":
        return [np.array([pr["alpha"]]), np.array([pr["beta"]])]
    return [np.array([pr["mu"]]), np.array([pr["kappa"]]), np.array([pr["alpha"]]),
            np.array([pr["beta"]])]


def _logpred(key: str, xt: float, et: float, st: list[np.ndarray]) -> np.ndarray:
    if key == "poisson":
        a, b = st
        return (gammaln(a + xt) - gammaln(a) - gammaln(xt + 1.0)
                + a * np.log(b / (b + et)) + xt * np.log(et / (b + et)))
    mu, k, a, b = st
    scale2 = b * (k + 1.0) / (a * k)
    nu = 2.0 * a
    z2 = (xt - mu) ** 2 / scale2
    return (gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(nu * np.pi * scale2)
            - (nu + 1) / 2 * np.log1p(z2 / nu))


def _update(key: str, xt: float, et: float, st: list[np.ndarray]) -> list[np.ndarray]:
    if key == "poisson":
        a, b = st
        return [a + xt, b + et]
    mu, k, a, b = st
    return [(k * mu + xt) / (k + 1.0), k + 1.0, a + 0.5, b + k * (xt - mu) ** 2 / (2.0 * (k + 1.0))]
