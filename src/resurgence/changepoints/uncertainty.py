r"""Uncertainty of a segmentation: changepoint locations, sizes of change, segment levels.

Location
    For changepoint :math:`\tau_j` with its neighbours :math:`\tau_{j-1},
    \tau_{j+1}` held fixed, every admissible position ``t`` between them gets
    the profile likelihood :math:`L(t) \propto \exp(-D(t)/2)` with
    :math:`D(t) = C(\tau_{j-1}, t) + C(t, \tau_{j+1})` (the costs are ``-2``
    log-likelihoods). Normalised, this is the posterior of the location under
    a flat prior; the interval is the span of the smallest set of positions
    holding ``level`` of that mass. ``loc_prob`` is the mass at the estimate.
    Its coverage is checked by simulation in the tests and reported in
    ``docs/changepoints.md``.

Size of a change
    Counts: the rate ratio of the segment after to the one before, with a Wald
    interval on the log scale, :math:`\mathrm{se}^2 = \phi_1/Y_1 + \phi_2/Y_2`
    where :math:`\phi = \kappa(1 + \hat\lambda/\theta)` is the NB variance
    inflation times the cost's dependence factor :math:`\kappa` (1 for
    Poisson) and 0.5 is added to a zero count. Gaussian: the difference
    of means with a *t* interval (pooled noise for the mean cost, Welch for the
    mean-and-variance cost), and the ratio of means (delta method on the log
    scale) when both are positive.

Segment level
    Poisson: the exact (Garwood) interval for the rate :math:`Y/E`; negative
    binomial: the Garwood interval of the effective count :math:`Y/\phi` over
    the effective exposure :math:`E/\phi`; Gaussian: mean :math:`\pm\ t\,s/\sqrt{n}`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .base import Cost
from .costs._counts import CountSums
from .robust import resolution

__all__ = ["location_interval", "segment_stats", "segment_table", "segment_columns",
           "change_table", "change_columns", "garwood"]


def location_interval(cost: Cost, grid: np.ndarray, a: int, t_hat: int, c: int, size: int,
                      shape=None, level: float = 0.95) -> tuple[int, int, float]:
    """Location interval of the changepoint at compressed index ``t_hat`` between ``a`` and ``c``.

    Returns ``(lo, hi, prob)``: compressed indices bounding the set and the
    posterior mass at ``t_hat``.

    Examples
    --------
    >>> from resurgence.changepoints.costs import NormalMeanCost
    >>> y = np.r_[np.zeros(20), np.full(20, 8.0)] + np.random.default_rng(0).normal(size=40)
    >>> c = NormalMeanCost().fit(y)
    >>> location_interval(c, c.boundaries_, 0, 20, 40, 2)[:2]
    (20, 20)
    """
    ts = np.arange(a + size, c - size + 1, dtype=np.intp)
    d = cost.errors(grid[a], grid[ts]) + cost.errors(grid[ts], grid[c])
    if shape is not None:
        d = d + shape(ts - a) + shape(c - ts)
    w = np.exp(-(d - d.min()) / 2.0)
    w /= w.sum()
    order = np.argsort(-w, kind="stable")
    need = int(np.searchsorted(np.cumsum(w[order]), level - 1e-12)) + 1
    chosen = ts[order[:need]]
    prob = float(w[ts == t_hat][0]) if np.any(ts == t_hat) else float("nan")
    return int(chosen.min()), int(chosen.max()), prob


def garwood(y: np.ndarray, e: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval of Poisson rates ``y / e``, elementwise.

    Examples
    --------
    >>> lo, hi = garwood(np.array([0.0, 15.0]), np.array([3.0, 3.0]), 0.95)
    >>> lo.round(3).tolist(), hi.round(3).tolist()
    ([0.0, 2.798], [1.23, 8.247])
    """
    y = np.asarray(y, dtype=float)
    e = np.asarray(e, dtype=float)
    a = 1.0 - level
    with np.errstate(invalid="ignore"):
        lo = np.where(y > 0, stats.chi2.ppf(a / 2, 2 * np.where(y > 0, y, 1.0)) / 2, 0.0)
        hi = stats.chi2.ppf(1 - a / 2, 2 * y + 2) / 2
    return lo / e, hi / e


def _sd_floor(cost: Cost) -> float:
    """Smallest noise SD an interval may use: the cost's variance floor, and the
    rounding error of the data (its resolution over sqrt(12)), so a segment of tied
    integers does not get a zero-width interval."""
    floor = float(getattr(cost, "floor_", 0.0))
    y = getattr(cost, "values_", cost.signal_)
    return float(np.sqrt(max(floor, resolution(y) ** 2 / 12.0)))


def _phi(cost: Cost, rate: np.ndarray) -> np.ndarray:
    """Variance inflation of a segment total: NB overdispersion times the dependence factor."""
    theta = getattr(cost, "theta_", np.inf)
    kappa = getattr(cost, "kappa_", 1.0)
    rate = np.asarray(rate, dtype=float)
    return kappa * (np.ones_like(rate) if not np.isfinite(theta) else 1.0 + rate / theta)


def segment_stats(cost: Cost, bounds: np.ndarray) -> dict[str, np.ndarray]:
    """Per-segment statistics of ``[bounds[i], bounds[i+1])``, as arrays.

    Counts: ``n_obs, Y, E, level, phi``; other costs: ``n_obs, E, level, ss``.
    """
    b = np.asarray(bounds, dtype=np.intp)
    s, e = b[:-1], b[1:]
    n = cost.nobs(s, e).astype(int)
    if cost.family == "count" and hasattr(cost, "sums"):
        if isinstance(cost, CountSums):
            Y, E = cost._y[e] - cost._y[s], cost._e[e] - cost._e[s]
        else:
            Y, E = (np.array(v, dtype=float).reshape(len(s))
                    for v in zip(*(cost.sums(int(a), int(c)) for a, c in zip(s, e))))
        level = Y / E
        return {"n_obs": n, "Y": Y, "E": E, "level": level, "phi": _phi(cost, level)}
    y = getattr(cost, "values_", cost.signal_)
    obs = ~np.isnan(y)
    yy = np.where(obs, y, 0.0)
    level = np.array([float(yy[a:c][obs[a:c]].mean()) for a, c in zip(s, e)])
    ss = np.array([float(((yy[a:c][obs[a:c]] - m) ** 2).sum()) for a, c, m in zip(s, e, level)])
    return {"n_obs": n, "E": n.astype(float), "level": level, "ss": ss}


def segment_table(cost: Cost, bounds: np.ndarray, level: float = 0.95
                  ) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Levels and intervals of the segments ``[bounds[i], bounds[i+1])`` (positions).

    Returns the table (``n_obs, exposure, level, level_lo, level_hi``) and the
    per-segment statistics reused by :func:`change_table`.

    Examples
    --------
    >>> from resurgence.changepoints.costs import PoissonCost
    >>> c = PoissonCost().fit(np.array([4.0, 6.0, 5.0]))
    >>> t, _ = segment_table(c, np.array([0, 3]))
    >>> t[["level", "level_lo", "level_hi"]].round(2).values.tolist()
    [[5.0, 2.8, 8.25]]
    """
    st = segment_stats(cost, bounds)
    return pd.DataFrame(segment_columns(cost, st, level)), st


def segment_columns(cost: Cost, st: dict[str, np.ndarray], level: float = 0.95
                    ) -> dict[str, np.ndarray]:
    """The columns of :func:`segment_table` from :func:`segment_stats` (adds ``sd``, ``df``
    to ``st`` for Gaussian costs)."""
    alpha = 1.0 - level
    n, lev = st["n_obs"], st["level"]
    if cost.family == "gaussian":
        df_pool = int(n.sum()) - len(n)
        pooled = (np.sqrt(st["ss"].sum() / df_pool) if df_pool > 0
                  else getattr(cost, "sigma_", np.nan))
        if cost.n_params >= 2:
            df = n - 1
            with np.errstate(divide="ignore", invalid="ignore"):
                sd = np.where(df > 0, np.sqrt(st["ss"] / np.maximum(df, 1)), np.nan)
        else:
            df = np.full(len(n), max(df_pool, 1))
            sd = np.full(len(n), pooled)
        sd = np.maximum(sd, _sd_floor(cost))  # tied (rounded) data: never a zero-width interval
        st["sd"], st["df"] = sd, df
        with np.errstate(invalid="ignore"):
            h = np.where(df > 0, stats.t.ppf(1 - alpha / 2, np.maximum(df, 1)) * sd / np.sqrt(n),
                         np.nan)
        lo, hi = lev - h, lev + h
    elif "Y" in st:
        lo, hi = garwood(st["Y"] / st["phi"], st["E"] / st["phi"], level)
    else:
        lo = hi = np.full(len(n), np.nan)
    return {"n_obs": n, "exposure": st["E"], "level": lev, "level_lo": lo, "level_hi": hi}


def change_table(cost: Cost, st: dict[str, np.ndarray], level: float = 0.95) -> pd.DataFrame:
    """Size of each change between consecutive segments (statistics from :func:`segment_table`).

    Columns: ``ratio, ratio_lo, ratio_hi`` (after / before) and
    ``change, change_lo, change_hi`` (after - before).
    """
    return pd.DataFrame(change_columns(cost, st, level))


def change_columns(cost: Cost, st: dict[str, np.ndarray], level: float = 0.95
                   ) -> dict[str, np.ndarray]:
    """The columns of :func:`change_table`, as arrays."""
    z = stats.norm.ppf(0.5 + level / 2)
    lev = st["level"]
    b, a = slice(None, -1), slice(1, None)
    d = lev[a] - lev[b]
    # over: a Gaussian level near 0 makes the ratio's log-scale interval unbounded (inf)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if "Y" in st:  # counts
            y1, y2 = st["Y"][b], st["Y"][a]
            zero = (y1 <= 0) | (y2 <= 0)
            y1, y2 = np.where(zero, y1 + 0.5, y1), np.where(zero, y2 + 0.5, y2)
            E, phi = st["E"], st["phi"]
            lr = np.log((y2 / E[a]) / (y1 / E[b]))
            se = np.sqrt(phi[b] / y1 + phi[a] / y2)
            ratio = np.where(lev[b] > 0, lev[a] / lev[b], np.exp(lr))
            dse = np.sqrt(phi[b] * lev[b] / E[b] + phi[a] * lev[a] / E[a])
            return {"ratio": ratio, "ratio_lo": np.exp(lr - z * se),
                    "ratio_hi": np.exp(lr + z * se), "change": d, "change_lo": d - z * dse,
                    "change_hi": d + z * dse}
        if "sd" in st:  # Gaussian
            n, sd = st["n_obs"], st["sd"]
            v1, v2 = sd[b] ** 2 / n[b], sd[a] ** 2 / n[a]
            if cost.n_params >= 2:  # Welch
                df = (v1 + v2) ** 2 / (v1**2 / np.maximum(n[b] - 1, 1)
                                       + v2**2 / np.maximum(n[a] - 1, 1))
            else:
                df = st["df"][b].astype(float)
            good = np.isfinite(df) & (df > 0)
            tq = np.where(good, stats.t.ppf(0.5 + level / 2, np.where(good, df, 1.0)), z)
            h = tq * np.sqrt(v1 + v2)
            pos = (lev[b] > 0) & (lev[a] > 0)
            lr = np.log(np.where(pos, lev[a] / np.where(pos, lev[b], 1.0), 1.0))
            sl = np.sqrt(v1 / lev[b] ** 2 + v2 / lev[a] ** 2)
            return {"ratio": np.where(pos, lev[a] / lev[b], np.nan),
                    "ratio_lo": np.where(pos, np.exp(lr - tq * sl), np.nan),
                    "ratio_hi": np.where(pos, np.exp(lr + tq * sl), np.nan),
                    "change": d, "change_lo": d - h, "change_hi": d + h}
        nan = np.full(len(d), np.nan)
        return {"ratio": np.where(lev[b] != 0, lev[a] / lev[b], np.nan), "ratio_lo": nan,
                "ratio_hi": nan, "change": d, "change_lo": nan, "change_hi": nan}
