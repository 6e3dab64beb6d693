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
    *(
        # real-world shapes (economic, environmental, traffic, event counts)
        "season_steps", "season_null", "spike_count_steps", "spike_count_null",
        "season_count_steps", "season_count_null", "bigcount_steps", "bigcount_trend_null",
        "flow_steps", "clean_steps", "ar_strong_null", "walk_null",
    ),
)

#: The families added for real-world shapes, and what each mimics.
REAL_WORLD = {
    "season_steps": "Gaussian steps of 2-4 sd under a period-12 cycle of amplitude 1.5-3 sd",
    "season_null": "the same cycle (amplitude 1.5-3 sd), no change",
    "spike_count_steps": "Poisson/NB steps (ratio 2-3.5) with 2-5 isolated spikes x4-x10",
    "spike_count_null": "Poisson/NB counts with 2-5 isolated spikes x4-x10, no change",
    "season_count_steps": "Poisson/NB steps (ratio 2-3.5) under +-30-60 % monthly seasonality",
    "season_count_null": "Poisson/NB counts under +-30-60 % monthly seasonality, no change",
    "bigcount_steps": "counts at 1e4-1e5 with +-10-20 % seasonality, 2 % extra noise and "
                      "shifts of 20-40 % (traffic, passengers)",
    "bigcount_trend_null": "counts at 1e4-1e5 with a 5-15 % linear trend, no change",
    "flow_steps": "integer flows at 500-2000 (sd 5-15 %, like the Nile) with steps of 2-4 sd",
    "clean_steps": "noise-free integer steps (levels 0-20): every step is real",
    "ar_strong_null": "AR(1) noise with rho 0.8, no change",
    "walk_null": "a random walk plus noise (drift of 2-5 sd over the series), no change",
}


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
    if family in REAL_WORLD:
        return _real_world(family, rng, n, bkps, k), bkps
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


def _counts(rng: np.random.Generator, mu: np.ndarray) -> np.ndarray:
    """Poisson counts for half the seeds, NB (size 3-10) for the other half."""
    if rng.random() < 0.5:
        return rng.poisson(mu).astype(float)
    theta = rng.uniform(3.0, 10.0)
    return rng.negative_binomial(theta, theta / (theta + mu)).astype(float)


def _real_world(family: str, rng: np.random.Generator, n: int, bkps: list[int],
                k: int) -> np.ndarray:
    t = np.arange(n)
    phase = rng.uniform(0, 2 * np.pi)
    cycle = np.sin(2 * np.pi * t / 12 + phase)
    if family in ("season_steps", "season_null"):
        mean = _piecewise(_levels(rng, k, 2.0, 4.0), bkps, n)
        return mean + rng.uniform(1.5, 3.0) * cycle + rng.normal(0, 1, n)
    if family.startswith(("spike_count", "season_count")):
        logr = rng.uniform(np.log(3.0), np.log(40.0)) + _levels(rng, k, np.log(2.0), np.log(3.5))
        mu = np.exp(_piecewise(logr, bkps, n))
        if family.startswith("season"):
            mu = mu * (1 + rng.uniform(0.3, 0.6) * cycle)
        y = _counts(rng, mu)
        if family.startswith("spike"):
            hit = rng.choice(np.arange(1, n - 1), int(rng.integers(2, 6)), replace=False)
            y[hit] = np.round(np.maximum(y[hit], 1.0) * rng.uniform(4, 10, len(hit)))
        return y
    if family.startswith("bigcount"):
        base = 10 ** rng.uniform(4, 5)
        if family == "bigcount_trend_null":
            return rng.poisson(base * np.linspace(1, 1 + rng.uniform(0.05, 0.15)
                                                   * rng.choice([-1, 1]), n)).astype(float)
        logr = _levels(rng, k, np.log(1.2), np.log(1.4))
        mu = base * np.exp(_piecewise(logr, bkps, n)) * (1 + rng.uniform(0.1, 0.2) * cycle)
        return rng.poisson(mu * np.exp(rng.normal(0, 0.02, n))).astype(float)
    if family == "flow_steps":
        level, sd = rng.uniform(500, 2000), rng.uniform(0.05, 0.15)
        mean = level + level * sd * _piecewise(_levels(rng, k, 2.0, 4.0), bkps, n)
        return np.maximum(np.round(mean + rng.normal(0, level * sd, n)), 0.0)
    if family == "clean_steps":
        levels = rng.choice(np.arange(0, 21), k + 1, replace=False).astype(float)
        return _piecewise(levels, bkps, n)
    if family == "ar_strong_null":
        e = rng.normal(0, 1, n)
        x = np.empty(n)
        x[0] = e[0] / np.sqrt(1 - 0.64)
        for i in range(1, n):
            x[i] = 0.8 * x[i - 1] + e[i]
        return x
    # walk_null: noise plus a random walk drifting 2-5 noise sd over the series
    walk = np.cumsum(rng.normal(0, 1, n))
    walk *= rng.uniform(2, 5) / max(np.ptp(walk), 1e-9)
    return 10.0 + walk + rng.normal(0, 1, n)


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
