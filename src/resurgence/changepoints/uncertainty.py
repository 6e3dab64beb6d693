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

__all__ = ["location_interval", "segment_table", "change_table"]


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


def _garwood(y: float, e: float, level: float) -> tuple[float, float]:
    a = 1.0 - level
    lo = 0.0 if y <= 0 else stats.chi2.ppf(a / 2, 2 * y) / 2
    hi = stats.chi2.ppf(1 - a / 2, 2 * y + 2) / 2
    return lo / e, hi / e


def _phi(cost: Cost, rate: float) -> float:
    """Variance inflation of a segment total: NB overdispersion times the dependence factor."""
    theta = getattr(cost, "theta_", np.inf)
    kappa = getattr(cost, "kappa_", 1.0)
    return kappa * (1.0 if not np.isfinite(theta) else 1.0 + rate / theta)


def _seg_stats(cost: Cost, s: int, e: int) -> dict:
    y = getattr(cost, "values_", cost.signal_)[s:e]
    obs = ~np.isnan(y)
    n = int(obs.sum())
    out = {"n_obs": n}
    if cost.family == "count" and hasattr(cost, "sums"):
        Y, E = cost.sums(s, e)
        out.update(Y=Y, E=E, level=Y / E, phi=_phi(cost, Y / E))
    else:
        vals = y[obs]
        m = float(vals.mean())
        out.update(level=m, ss=float(((vals - m) ** 2).sum()), E=float(n))
    return out


def segment_table(cost: Cost, bounds: np.ndarray, level: float = 0.95) -> tuple[pd.DataFrame, list]:
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
    st = [_seg_stats(cost, int(s), int(e)) for s, e in zip(bounds[:-1], bounds[1:])]
    alpha = 1.0 - level
    rows = []
    if cost.family == "gaussian":
        big_n = sum(x["n_obs"] for x in st)
        df_pool = big_n - len(st)
        pooled = (np.sqrt(sum(x["ss"] for x in st) / df_pool) if df_pool > 0
                  else getattr(cost, "sigma_", np.nan))
        meanvar = cost.n_params >= 2
        for x in st:
            if meanvar:
                df = x["n_obs"] - 1
                s = np.sqrt(x["ss"] / df) if df > 0 else np.nan
            else:
                df, s = max(df_pool, 1), pooled
            x["sd"], x["df"] = s, df
            h = stats.t.ppf(1 - alpha / 2, df) * s / np.sqrt(x["n_obs"]) if df > 0 else np.nan
            rows.append((x["n_obs"], x["E"], x["level"], x["level"] - h, x["level"] + h))
    elif cost.family == "count" and "Y" in st[0]:
        for x in st:
            lo, hi = _garwood(x["Y"] / x["phi"], x["E"] / x["phi"], level)
            rows.append((x["n_obs"], x["E"], x["level"], lo, hi))
    else:
        for x in st:
            rows.append((x["n_obs"], x["E"], x["level"], np.nan, np.nan))
    table = pd.DataFrame(rows, columns=["n_obs", "exposure", "level", "level_lo", "level_hi"])
    return table, st


def change_table(cost: Cost, st: list, level: float = 0.95) -> pd.DataFrame:
    """Size of each change between consecutive segments (statistics from :func:`segment_table`).

    Columns: ``ratio, ratio_lo, ratio_hi`` (after / before) and
    ``change, change_lo, change_hi`` (after - before).
    """
    z = stats.norm.ppf(0.5 + level / 2)
    rows = []
    for b, a in zip(st[:-1], st[1:]):
        if "Y" in b:  # counts
            y1, y2 = b["Y"], a["Y"]
            if y1 <= 0 or y2 <= 0:
                y1, y2 = y1 + 0.5, y2 + 0.5
            l1, l2 = y1 / b["E"], y2 / a["E"]
            lr = np.log(l2 / l1)
            se = np.sqrt(b["phi"] / y1 + a["phi"] / y2)
            ratio = (a["level"] / b["level"]) if b["level"] > 0 else np.exp(lr)
            dse = np.sqrt(b["phi"] * b["level"] / b["E"] + a["phi"] * a["level"] / a["E"])
            d = a["level"] - b["level"]
            rows.append((ratio, np.exp(lr - z * se), np.exp(lr + z * se), d, d - z * dse,
                         d + z * dse))
        elif "sd" in b:  # Gaussian
            n1, n2 = b["n_obs"], a["n_obs"]
            v1, v2 = b["sd"] ** 2 / n1, a["sd"] ** 2 / n2
            if cost.n_params >= 2:  # Welch
                df = (v1 + v2) ** 2 / (v1**2 / max(n1 - 1, 1) + v2**2 / max(n2 - 1, 1))
            else:
                df = b["df"]
            tq = stats.t.ppf(0.5 + level / 2, df) if np.isfinite(df) and df > 0 else z
            d = a["level"] - b["level"]
            h = tq * np.sqrt(v1 + v2)
            if b["level"] > 0 and a["level"] > 0:
                lr = np.log(a["level"] / b["level"])
                sl = np.sqrt(v1 / b["level"] ** 2 + v2 / a["level"] ** 2)
                r = (a["level"] / b["level"], np.exp(lr - tq * sl), np.exp(lr + tq * sl))
            else:
                r = (np.nan, np.nan, np.nan)
            rows.append((*r, d, d - h, d + h))
        else:
            d = a["level"] - b["level"]
            r = a["level"] / b["level"] if b["level"] != 0 else np.nan
            rows.append((r, np.nan, np.nan, d, np.nan, np.nan))
    return pd.DataFrame(rows, columns=["ratio", "ratio_lo", "ratio_hi", "change", "change_lo",
                                       "change_hi"])
