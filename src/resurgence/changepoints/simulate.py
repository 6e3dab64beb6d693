"""Simulated series with known changepoints, and the scores used to judge detections.

The families cover what real series do to a changepoint detector: clean steps,
heavy tails, outliers, autocorrelation, trends, Poisson and overdispersed
counts, missing months, and the same noises with no change at all. Tests
assert minimum detection rates on them and ``docs/changepoints.md`` reports
them (``python benchmarks/changepoint_quality.py``). They are our own data:
defaults are tuned on these, never on an external benchmark's annotations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import InputError

__all__ = ["FAMILIES", "simulate", "f1_score"]

FAMILIES = (
    "gauss_steps", "heavy_steps", "outlier_steps", "ar1_steps", "trend_steps",
    "poisson_steps", "nb_steps", "nb_steps_nan",
    "gauss_null", "heavy_null", "ar1_null", "trend_null", "nb_null", "nb_ar_null",
)


def _breaks(rng: np.random.Generator, n: int, k: int, gap: int) -> list[int]:
    for _ in range(1000):
        b = np.sort(rng.choice(np.arange(gap, n - gap + 1), k, replace=False))
        if k == 0 or np.all(np.diff(np.r_[0, b, n]) >= gap):
            return b.tolist()
    return []


def _levels(rng: np.random.Generator, k: int, lo: float, hi: float) -> np.ndarray:
    """k + 1 levels whose consecutive differences are lo..hi in absolute size."""
    steps = rng.uniform(lo, hi, k) * rng.choice([-1.0, 1.0], k)
    return np.r_[0.0, np.cumsum(steps)]


def _piecewise(levels: np.ndarray, bkps: list[int], n: int) -> np.ndarray:
    out = np.empty(n)
    for v, a, b in zip(levels, [0, *bkps], [*bkps, n]):
        out[a:b] = v
    return out


def simulate(family: str, n: int = 200, seed: int = 0) -> tuple[np.ndarray, list[int]]:
    """One series of ``family`` and its true changepoints (0-based starts of new segments).

    Examples
    --------
    >>> y, truth = simulate("nb_steps", n=120, seed=3)
    >>> len(y), all(0 < b < 120 for b in truth)
    (120, True)
    """
    if family not in FAMILIES:
        raise InputError(f"unknown family {family!r}: choose one of {', '.join(FAMILIES)}")
    rng = np.random.default_rng(seed)
    null = family.endswith("_null")
    k = 0 if null else int(rng.integers(1, 5))
    gap = max(n // 12, 8)
    bkps = _breaks(rng, n, k, gap)
    if family.startswith(("poisson", "nb")):
        base = rng.uniform(np.log(2.0), np.log(40.0))
        logr = base + _levels(rng, k, np.log(2.0), np.log(3.5))
        mu = np.exp(_piecewise(logr, bkps, n))
        if family == "nb_ar_null":  # log-rate wanders as AR(1): rho 0.6, sd 0.35
            z = np.empty(n)
            z[0] = rng.normal(0, 0.35)
            for t in range(1, n):
                z[t] = 0.6 * z[t - 1] + rng.normal(0, 0.35 * 0.8)
            mu = mu * np.exp(z)
        if family.startswith("poisson"):
            y = rng.poisson(mu).astype(float)
        else:
            theta = rng.uniform(3.0, 10.0)
            y = rng.negative_binomial(theta, theta / (theta + mu)).astype(float)
        if family.endswith("nan"):
            y[rng.random(n) < 0.15] = np.nan
        return y, bkps
    scale = 10 ** rng.uniform(-2, 3)
    offset = rng.normal(0, 50) * scale
    mean = _piecewise(_levels(rng, k, 2.0, 4.0), bkps, n)
    if family.startswith("heavy"):
        noise = rng.standard_t(3, n) / np.sqrt(3.0)
    elif family.startswith("ar1"):
        rho, e = 0.5, rng.normal(0, np.sqrt(1 - 0.25), n)
        noise = np.empty(n)
        noise[0] = rng.normal()
        for t in range(1, n):
            noise[t] = rho * noise[t - 1] + e[t]
        mean = mean * 1.5  # same power as white noise of the long-run variance 3
    else:
        noise = rng.normal(0, 1, n)
    y = mean + noise
    if family.startswith("outlier"):
        hit = rng.random(n) < 0.03
        y[hit] += rng.choice([-1, 1], hit.sum()) * rng.uniform(5, 10, hit.sum())
    if family.startswith("trend"):
        y = y + np.linspace(0, rng.uniform(-6, 6), n)
    return offset + scale * y, bkps


def f1_score(pred: Sequence[int], truth: Sequence[int], margin: int = 5) -> tuple[float, float, float]:
    """Precision, recall and F1 of detected changepoints within ``margin`` positions.

    Each true changepoint can be matched once. With no true changepoint,
    precision is 1 only if nothing is detected (recall is then 1); with no
    detection, precision is 1.

    Examples
    --------
    >>> f1_score([50, 120], [52, 100])
    (0.5, 0.5, 0.5)
    >>> f1_score([], [])
    (1.0, 1.0, 1.0)
    """
    pred, truth = sorted(pred), sorted(truth)
    used: set[int] = set()
    tp = 0
    for p in pred:
        best = None
        for i, t in enumerate(truth):
            if i not in used and abs(p - t) <= margin and (best is None or
                                                          abs(p - t) < abs(p - truth[best])):
                best = i
        if best is not None:
            used.add(best)
            tp += 1
    prec = tp / len(pred) if pred else 1.0
    rec = tp / len(truth) if truth else 1.0
    f1 = 0.0 if prec + rec == 0 else 2 * prec * rec / (prec + rec)
    return float(prec), float(rec), float(f1)
