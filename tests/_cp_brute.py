"""Brute-force references for the changepoint tests (exhaustive enumeration, tiny n)."""

from __future__ import annotations

import itertools

import numpy as np
from scipy.special import gammaln, logsumexp


def brute_optimum(cost, pen, size, shape=None):
    """Smallest penalised cost over every segmentation (segments >= size observed points)."""
    grid = cost.boundaries_
    m = len(grid) - 1
    size = max(size, cost.min_size)
    best = np.inf
    for k in range(m):
        for cuts in itertools.combinations(range(1, m), k):
            b = np.array([0, *cuts, m])
            if np.min(np.diff(b)) < size:
                continue
            v = float(np.sum(cost.errors(grid[b[:-1]], grid[b[1:]]))) + pen * k
            if shape is not None:
                v += float(np.sum(shape(np.diff(b))))
            best = min(best, v)
    return best


def bocpd_brute(x, e, hazard, model, prior):
    """P(r_t = r | x_0..t) for the last t by enumerating every set of segment starts."""
    n = len(x)

    def seg_loglik(seg_x, seg_e):
        ll = 0.0
        if model == "poisson":
            a, b = prior["alpha"], prior["beta"]
            for xi, ei in zip(seg_x, seg_e):
                if np.isnan(xi):
                    continue
                ll += (gammaln(a + xi) - gammaln(a) - gammaln(xi + 1) + a * np.log(b / (b + ei))
                       + xi * np.log(ei / (b + ei)))
                a, b = a + xi, b + ei
            return ll
        mu, k, a, b = prior["mu"], prior["kappa"], prior["alpha"], prior["beta"]
        for xi in seg_x:
            if np.isnan(xi):
                continue
            s2 = b * (k + 1) / (a * k)
            nu = 2 * a
            ll += (gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(nu * np.pi * s2)
                   - (nu + 1) / 2 * np.log1p((xi - mu) ** 2 / (s2 * nu)))
            mu, k, a, b = (k * mu + xi) / (k + 1), k + 1, a + 0.5, b + k * (xi - mu) ** 2 / (2 * (k + 1))
        return ll

    logs = np.full(n, -np.inf)  # by run length of the last segment
    for pattern in itertools.product([0, 1], repeat=n - 1):
        starts = [0] + [t + 1 for t, p in enumerate(pattern) if p]
        lp = sum(np.log(hazard) if p else np.log1p(-hazard) for p in pattern)
        bounds = starts + [n]
        for a, b in zip(bounds[:-1], bounds[1:]):
            lp += seg_loglik(x[a:b], e[a:b])
        r = n - 1 - starts[-1]
        logs[r] = np.logaddexp(logs[r], lp)
    return np.exp(logs - logsumexp(logs))
