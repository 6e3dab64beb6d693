r"""Farrington baselines for many series at once (the panel runner's hot path).

:func:`~resurgence.alerts.baseline.fit_baseline` fits a quasi-Poisson GLM (twice,
with the down-weighting of past spikes), maybe with and without a trend, for
every series and month. For a dense monthly panel -- every count a calendar
month, all series judged at the same month -- the series share one design
matrix, so :func:`fit_baselines` runs those fits for a whole block of series as
stacked IRLS (:func:`~resurgence.alerts.glm.fit_quasipoisson_many`), following
the same decisions per series (which counts, seasonal factor or not, trend kept
or not, down-weighting, fallbacks) as :func:`fit_baseline`. The baselines agree
with the one-series fit to rounding (``tests/test_alerts_batch.py`` checks
expected counts, dispersions and every decision on simulated panels). Histories
with coarser intervals (running-total differences) are fitted one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from scipy import stats

from ..errors import ResurgenceError
from .base import History, _check_counts
from .baseline import (_MAX_EXTRAPOLATION, _MIN_COUNT_TREND, _MIN_LEVEL_COUNT,
                       _MIN_LEVEL_EXPOSURE, _MIN_POINTS_SEASON, _MIN_POINTS_TREND,
                       _MIN_SPAN_TREND, Baseline, _design, _phase_level)
from .farrington import Farrington
from .glm import GLMFits, fit_quasipoisson_many

__all__ = ["fit_baselines"]

#: Fewest dense histories of one month worth a stacked fit.
_MIN_BATCH = 2


def fit_baselines(histories: Sequence[History], farrington: Farrington
                  ) -> list[Baseline | str | ResurgenceError | None]:
    """The baseline of each history: as ``farrington.baseline(h)`` for each one.

    Returns, in order, a :class:`Baseline`, the reason string when none can be
    fitted, the error when the data are rejected (negative counts), or None when
    the month itself has no count (nothing to judge).

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.date_range("2019-01", periods=60, freq="MS")
    >>> hs = [History.from_series(pd.Series(np.tile([4.0, 6.0, 5.0], 20), index=idx), idx[-1]),
    ...       History.from_series(pd.Series(np.r_[np.zeros(55), [1.0] * 5], index=idx), idx[-1])]
    >>> [round(b.expected, 2) for b in fit_baselines(hs, Farrington())]
    [5.0, 0.01]
    """
    out: list[Baseline | str | ResurgenceError | None] = [None] * len(histories)
    dense: dict[float, list[int]] = defaultdict(list)
    for i, h in enumerate(histories):
        if np.isnan(h.observed):
            continue
        try:
            _check_counts(np.r_[h.value, h.observed], h.name)
        except ResurgenceError as exc:
            out[i] = exc
            continue
        if _is_dense(h):
            dense[h.t].append(i)
        else:
            out[i] = farrington.baseline(h)
    for t, members in dense.items():
        if len(members) < _MIN_BATCH:
            for i in members:
                out[i] = farrington.baseline(histories[i])
            continue
        for i, b in zip(members, _fit_dense([histories[i] for i in members], t, farrington)):
            out[i] = b
    return out


def _is_dense(h: History) -> bool:
    """Every past count a calendar month (exposure 1, whole-month clock)."""
    return bool(np.all(h.exposure == 1.0) and np.all(h.end - h.start == 1.0)
                and np.all(h.start == np.floor(h.start)))


class _Group:
    """The stacked data of histories judged at month ``t`` on one grid of months."""

    def __init__(self, histories: Sequence[History], t: float, far: Farrington) -> None:
        grid = np.unique(np.concatenate([h.start for h in histories]))
        end = grid + 1.0
        keep = (end <= t - far.gap + 1e-9) & ((grid + end) / 2.0 >= t - 12.0 * far.years
                                              - far.half_window)
        self.start, self.end = grid[keep], end[keep]
        S, G = len(histories), len(self.start)
        Y = np.full((S, G), np.nan)
        for r, h in enumerate(histories):
            pos = np.searchsorted(self.start, h.start)
            ok = (pos < G) & (self.start[np.minimum(pos, max(G - 1, 0))] == h.start) if G else \
                np.zeros(len(h.start), bool)
            Y[r, pos[ok]] = h.value[ok]
        self.mask = ~np.isnan(Y)
        self.y = np.where(self.mask, Y, 0.0)
        self.n = self.mask.sum(axis=1)
        self.t = t


def _fit_dense(histories: Sequence[History], t: float, far: Farrington) -> list[Baseline | str]:
    g = _Group(histories, t, far)
    S = len(histories)
    out: list[Baseline | str | None] = [None] * S
    n, y, mask = g.n, g.y, g.mask
    expo = n.astype(float)
    short = (n < far.min_points) | (expo < far.min_exposure)
    for r in np.flatnonzero(short):
        out[r] = (f"history too short: {n[r]} count(s) covering {expo[r]:.1f} month(s) before the "
                  f"last {far.gap} months (need {far.min_points} counts and "
                  f"{far.min_exposure:g} months)")
    big = np.where(mask, 1, 0)
    first = np.where(mask, g.start, np.inf).min(axis=1, initial=np.inf)
    last = np.where(mask, g.end, -np.inf).max(axis=1, initial=-np.inf)
    span = last - first
    total = y.sum(axis=1)
    for r in np.flatnonzero(~short & (total == 0)):
        out[r] = Baseline(t, float("nan"), float("nan"), float("nan"), int(n[r]) - 1, int(n[r]),
                          float(expo[r]), float(first[r]), float(last[r]), False, 1.0, False, 0,
                          True, np.zeros(1), np.zeros((1, 1)), far.half_window, far.n_periods)
    todo = ~short & (total > 0)
    level = _phase_level((g.start + g.end) / 2.0, t, far.half_window, far.n_periods)
    season = np.zeros(S, dtype=bool)
    if far.seasonal and far.n_periods > 1:
        onehot = (level[None, :] == np.arange(far.n_periods)[:, None]).astype(float)  # (k, G)
        per_level = big @ onehot.T
        count_level = y @ onehot.T
        season = ((span >= _MIN_SPAN_TREND) & (n >= _MIN_POINTS_SEASON)
                  & np.all(per_level >= _MIN_LEVEL_EXPOSURE, axis=1)
                  & np.all(count_level >= _MIN_LEVEL_COUNT, axis=1))
    trend = (far.trend & (span >= _MIN_SPAN_TREND) & (n >= _MIN_POINTS_TREND)
             & (total >= _MIN_COUNT_TREND))
    result: dict[int, tuple[GLMFits, int, np.ndarray]] = {}  # row -> (fits, index, weights)
    kept = np.zeros(S, dtype=bool)
    used_season = season.copy()

    def attempt(rows: np.ndarray, tr: bool, se: bool) -> dict[int, tuple]:
        X = _design(g.start, g.end, t, tr, se, far.half_window, far.n_periods)
        rows = rows[n[rows] - X.shape[1] >= 2]
        if not len(rows):
            return {}
        fits, w = _fit_many(X, y[rows], mask[rows], far)
        return {int(r): (fits, k, w[k]) for k, r in enumerate(rows) if fits.converged[k]}

    for se in (True, False):
        rows = np.flatnonzero(todo & trend & (season == se))
        for r, res in attempt(rows, True, se).items():
            fits, k, _ = res
            pval = _p_trend(fits, k)
            keep = pval < far.p_trend and np.exp(fits.coef[k, 0]) <= _MAX_EXTRAPOLATION * float(
                np.max(y[r][mask[r]]))
            if keep:
                result[r] = res
                kept[r] = True
    for se in (True, False):
        rows = np.flatnonzero(todo & ~kept & (season == se))
        result.update(attempt(rows, False, se))
    rows = np.flatnonzero(todo & ~kept & season & ~np.isin(np.arange(S), list(result)))
    used_season[rows] = False
    result.update(attempt(rows, False, False))
    for r in np.flatnonzero(todo):
        rr = mask[r]
        if r in result:
            fits, k, w = result[r]
            out[r] = _baseline(fits.one(k, rr), w[rr], y[r][rr], g, r, far, bool(kept[r]),
                               bool(used_season[r]), first[r], last[r])
        else:  # intercept only, closed form (as fit_baseline)
            out[r] = far.baseline(histories[r])
    return out  # type: ignore[return-value]


def _p_trend(fits: GLMFits, k: int) -> float:
    """Two-sided t p-value of the trend coefficient (as ``GLMFit.p_values()[1]``)."""
    se = np.sqrt(max(fits.cov_unscaled[k, 1, 1], 0.0) * fits.dispersion[k])
    return float(2.0 * stats.t.sf(np.abs(fits.coef[k, 1] / se), max(int(fits.df_resid[k]), 1)))


def _fit_many(X: np.ndarray, y: np.ndarray, mask: np.ndarray, far: Farrington
              ) -> tuple[GLMFits, np.ndarray]:
    """``baseline._fit`` for many series: fit, down-weight past spikes, refit."""
    w = mask.astype(float)
    fits = fit_quasipoisson_many(X, y, w)
    if not far.reweight:
        return fits, w
    cand = fits.converged & (fits.df_resid > 0)
    phi = np.maximum(fits.dispersion, 1.0)
    resid = (_anscombe_many if far.reweight == "anscombe" else _quantile_many)(fits, y, phi)
    bigr = (resid > far.weights_threshold) & mask
    raw = np.where(bigr, 1.0 / np.where(bigr, resid, 1.0) ** 2, 1.0) * mask
    new = raw * mask.sum(axis=1, keepdims=True) / raw.sum(axis=1, keepdims=True)
    first = np.take_along_axis(new, np.argmax(mask, axis=1)[:, None], axis=1)
    vary = cand & np.any((new != first) & mask, axis=1)
    if vary.any():
        refit = fit_quasipoisson_many(X, y[vary], new[vary])
        fits = _replace(fits, vary, refit)
        w[vary] = new[vary]
    return fits, w


def _replace(fits: GLMFits, rows: np.ndarray, new: GLMFits) -> GLMFits:
    parts = {}
    for name in GLMFits.__dataclass_fields__:
        arr = getattr(fits, name).copy()
        arr[rows] = getattr(new, name)
        parts[name] = arr
    return GLMFits(**parts)


def _quantile_many(fits: GLMFits, y: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """``baseline._quantile_residuals`` for each series (rows with weight 0: anything)."""
    mu = fits.mu
    pois = (phi <= 1.0 + 1e-9)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        size = mu / np.where(pois, 1.0, phi[:, None] - 1.0)
        p = np.broadcast_to(1.0 / np.where(pois[:, 0], 2.0, phi)[:, None], mu.shape)
        up_nb = stats.nbinom.sf(y, size, p) + 0.5 * stats.nbinom.pmf(y, size, p)
        up_po = stats.poisson.sf(y, mu) + 0.5 * stats.poisson.pmf(y, mu)
    upper = np.where(pois, up_po, up_nb)
    return stats.norm.isf(np.clip(upper, 1e-300, 1.0))


def _anscombe_many(fits: GLMFits, y: np.ndarray, phi: np.ndarray) -> np.ndarray:
    mu = fits.mu
    a = 1.5 * (np.power(y, 2 / 3) * np.power(mu, -1 / 6) - np.sqrt(mu))
    return a / np.sqrt(phi[:, None] * np.clip(1.0 - fits.hat, 1e-8, None))


def _baseline(fit, w: np.ndarray, y: np.ndarray, g: _Group, r: int, far: Farrington,  # noqa: ANN001
              kept_trend: bool, seasonal: bool, first: float, last: float) -> Baseline:
    from .baseline import _effective_df

    phi = fit.dispersion
    df = _effective_df(fit, y, w)
    eta0, se0 = fit.predict_eta(np.eye(len(fit.coef))[0], max(phi, 1.0))
    per_year = float(np.exp(fit.coef[1] * 1.0)) if kept_trend else 1.0
    return Baseline(g.t, eta0, se0, phi, df, int(g.n[r]), float(g.n[r]), float(first),
                    float(last), kept_trend, per_year, seasonal, int(np.sum(w < w.max() - 1e-12)),
                    False, fit.coef, fit.cov_unscaled, far.half_window, far.n_periods)
