"""Robust, once-per-series nuisance estimates and clean-ups made before the search.

The noise scale, the NB dispersion and the lag-1 dependence are estimated from
*consecutive observed pairs*, so a level shift spoils only the one pair that
straddles it and an outlier only the two pairs that touch it; the estimators
then down-weight the few spoilt pairs. A calendar seasonal cycle is estimated
around a running median (which follows level shifts) and removed only when it
pays for its parameters (a BIC test); isolated outliers are pulled back towards
a running median (:func:`winsorize_local` for Gaussian data,
:func:`winsorize_counts` for counts on the square-root scale). Doing all this
once, before the search, keeps every segment cost a closed form of sums
(additive and PELT-prunable) and makes the default penalty scale-free.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import stats

__all__ = ["robust_scale", "nb_dispersion", "lag1_autocorrelation", "winsorize_local",
           "winsorize_counts", "seasonal_component", "looks_like_counts", "resolution",
           "SEASONAL_PERIODS"]

_MAD_TO_SD = 1.4826022185056018  # 1 / Phi^{-1}(3/4)


def _pairs(values: np.ndarray) -> np.ndarray:
    """Observed values in order (NaN dropped): consecutive entries form the pairs."""
    return values[~np.isnan(values)]


_TRIM = 0.10


@lru_cache(maxsize=4096)
def _trimmed_normal_var(frac: float) -> float:
    """E[Z^2 | |Z| < q] for a standard normal trimmed of ``frac`` (cached: it recurs
    for every series of the same length, and scalar scipy.stats calls are slow)."""
    q = stats.norm.ppf(1 - frac / 2) if frac > 0 else np.inf
    return 1.0 if not np.isfinite(q) else float(1.0 - 2 * q * stats.norm.pdf(q) / (1 - frac))


@lru_cache(maxsize=64)
def _chi2_trim(trim: float) -> tuple[float, float]:
    """The upper-``trim`` cut of a chi-square(1) and the share of its mean kept below it."""
    q = float(stats.chi2.ppf(1.0 - trim, 1))
    return q, float(stats.chi2.cdf(q, 3) / (1.0 - trim))  # E[X; X<q] / (E[X] P(X<q))


def _spread(d: np.ndarray, n_drop: int | None = None, fallback: bool = True) -> float:
    """Robust SD of ``d``: root mean square about the median after dropping the
    ``n_drop`` furthest points (default 10 %), rescaled to a normal SD (about twice
    as efficient as the MAD and not zero for tied discrete data); else the MAD,
    else the SD."""
    if len(d) == 0:
        return 0.0
    med = np.median(d)
    a = np.sort(np.abs(d - med))
    k = int(np.ceil(_TRIM * len(a))) if n_drop is None else int(n_drop)
    k = min(max(k, 0), len(a) - 1)
    kept = a[: len(a) - k]
    s = float(np.sqrt(np.mean(kept**2) / _trimmed_normal_var(k / len(a))))
    if not fallback:
        return s
    if not s > 0:
        s = _MAD_TO_SD * float(np.median(a))
    if not s > 0:
        s = float(np.std(d))
    return s


#: Noise-free below this: a series whose trimmed spread of first differences is
#: at most this share of its level's size has no noise to be dependent.
_NOISELESS = 1e-12

#: Shrinkage of the lag-1 estimate: its standard error under independence is
#: about ``2 / sqrt(n)`` (measured: 1.9-2.0 at n = 60-300); it is shrunk as if
#: it were ``DEPENDENCE_SE / sqrt(n)``, which keeps more independent series at 0.
DEPENDENCE_SE = 3.0

#: Series length at which the dependence estimate gets half its weight: in short
#: series, level shifts and autocorrelation cannot be told apart, and estimating
#: rho there mostly absorbs real changes (CEP's 2020-2024 central-Syria series:
#: 38 months whose 2021 drop and 2024 escalation a rho of 0.3 hid).
DEPENDENCE_HALF_N = 60.0


def lag1_autocorrelation(values: np.ndarray, *, cap: float = 0.9,
                         se: float | None = None) -> float:
    r"""Robust lag-1 autocorrelation of the noise, immune to level shifts and outliers.

    For AR(1) noise, :math:`\mathrm{Var}(y_t - y_{t-2}) / \mathrm{Var}(y_t - y_{t-1})
    = 1 + \rho`; both variances are estimated robustly (trimmed) from differences
    of consecutive observed points, which a level shift or outlier spoils only
    a few of. The raw estimate :math:`r` has a standard error of about
    :math:`2/\sqrt{n}` under independence, so it is shrunk smoothly,

    .. math:: \rho = \frac{n^2}{n^2 + 60^2}\,\frac{r^3}{r^2 + 9/n}

    (near 0 when :math:`r` is within noise of 0, near :math:`r` when it is many
    standard errors away and the series is long), and clipped to ``[0, cap]``
    (negative dependence is ignored). The first factor gives the estimate half
    its weight at 60 points: in short series level shifts and autocorrelation
    cannot be told apart. Both factors are smooth in ``n``: there is no length
    at which the correction switches on.
    A series whose differences are mostly exactly zero (a noise-free step,
    tied counts) has no noise to be dependent: 0.

    Seasonality is not dependence: remove it first (:func:`seasonal_component`),
    as the built-in costs do.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> e = rng.normal(size=4000)
    >>> x = np.zeros(4000)
    >>> for t in range(1, 4000):
    ...     x[t] = 0.6 * x[t - 1] + e[t]
    >>> round(lag1_autocorrelation(x), 1)
    0.6
    >>> lag1_autocorrelation(np.r_[np.full(30, 3.0), np.full(30, 9.0)])
    0.0
    """
    y = _pairs(np.asarray(values, dtype=float))
    if len(y) < 4:
        return 0.0
    d1, d2 = y[1:] - y[:-1], y[2:] - y[:-2]
    k1 = int(np.ceil(_TRIM * len(d1)))
    s1 = _spread(d1, k1, fallback=False)
    if not s1 > _NOISELESS * max(float(np.median(np.abs(y))), 1e-300):
        return 0.0
    s2 = _spread(d2, 2 * k1)  # a level shift or outlier spoils twice as many lag-2 differences
    r = (s2 / s1) ** 2 - 1.0
    if not r > 0:
        return 0.0
    n = len(y)
    sn2 = (DEPENDENCE_SE if se is None else float(se)) ** 2 / n
    weight = n**2 / (n**2 + DEPENDENCE_HALF_N**2)
    return float(np.clip(weight * r**3 / (r**2 + sn2), 0.0, cap))


def _running_median(x: np.ndarray, window: int) -> np.ndarray:
    """Centred running median by position (NaN skipped; windows shrink at the ends)."""
    h = window // 2
    padded = np.r_[np.full(h, np.nan), np.asarray(x, dtype=float), np.full(window - 1 - h, np.nan)]
    return _column_medians(np.lib.stride_tricks.sliding_window_view(padded, window).T)


def _column_medians(a: np.ndarray) -> np.ndarray:
    """Median of each column of ``a`` ignoring NaN (0 for an all-NaN column); one sort,
    ten times faster than ``np.nanmedian`` on these small arrays."""
    srt = np.sort(a, axis=0)  # NaN sorts last
    cnt = np.sum(~np.isnan(a), axis=0)
    cols = np.arange(a.shape[1])
    lo = srt[np.maximum(cnt - 1, 0) // 2, cols]
    hi = srt[np.maximum(cnt // 2, 0), cols]
    return np.where(cnt > 0, (lo + hi) / 2.0, 0.0)


#: Calendar periods tried by :func:`seasonal_component`: a year of months, a
#: year of quarters, a week of days.
SEASONAL_PERIODS = (12, 4, 7)


def seasonal_component(values: np.ndarray, *, periods: tuple[int, ...] = SEASONAL_PERIODS,
                       min_cycles: int = 4) -> tuple[int, np.ndarray]:
    r"""A calendar seasonal cycle of the series, if there is a clear one: ``(period, component)``.

    For each candidate period ``P`` (with at least ``min_cycles`` cycles
    observed): the level is a centred running median over a whole cycle
    (``P`` points, ``P + 1`` if even), which follows level shifts and trends but
    not the cycle; the seasonal profile is the median, phase by phase, of the
    values minus that level, centred to mean 0; two passes. The profile is kept
    only if it pays for its ``P - 1`` parameters like a changepoint does, by
    BIC: :math:`\sum_t s_t^2 / \hat\sigma^2 > (P - 1) \log n`, with
    :math:`\hat\sigma` the robust SD of what is left. The period with the
    largest excess wins; ``(0, zeros)`` when none pays. Positions are phases, so
    missing points (NaN) keep the calendar.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(120)
    >>> y = 3 * np.sin(2 * np.pi * t / 12) + rng.normal(size=120) + (t >= 60) * 3
    >>> p, comp = seasonal_component(y)
    >>> p, bool(np.corrcoef(comp, np.sin(2 * np.pi * t / 12))[0, 1] > 0.95)
    (12, True)
    >>> seasonal_component(rng.normal(size=120))[0]
    0
    """
    y = np.asarray(values, dtype=float)
    n = len(y)
    obs = ~np.isnan(y)
    m = int(obs.sum())
    best: tuple[int, np.ndarray, float] = (0, np.zeros(n), 0.0)
    for period in periods:
        period = int(period)
        if period < 2 or m < min_cycles * period:
            continue
        window = period + 1 - period % 2
        phase = np.arange(n) % period
        comp = np.zeros(n)
        for _ in range(2):
            level = _running_median(y - comp, window)
            r = y - level
            cycles = -(-n // period)
            grid = np.full(cycles * period, np.nan)
            grid[:n] = r  # NaN where missing: one row per cycle, one column per phase
            prof = _column_medians(grid.reshape(cycles, period))
            prof -= prof.mean()
            comp = prof[phase]
        left = (y - level - comp)[obs]
        sig = _spread(left - np.median(left), fallback=False)
        gain = float(np.sum(comp[obs] ** 2))
        if gain <= 0:
            continue
        excess = (np.inf if not sig > 0 else gain / sig**2) - (period - 1) * np.log(m)
        if excess > best[2]:
            best = (period, comp, excess)
    return best[0], best[1]


def winsorize_local(values: np.ndarray, scale: float, *, k: float = 3.0,
                    window: int = 5) -> np.ndarray:
    """Pull points further than ``k * scale`` from a running median back to that distance.

    The running median (``window`` observed points, centred) follows level
    shifts, so steps are kept while isolated outliers (up to ``window // 2`` in
    a row) lose their leverage. NaN stays NaN.

    Examples
    --------
    >>> y = np.array([0.0, 0.1, 9.0, 0.0, -0.1, 0.0, 5.0, 5.1, 4.9, 5.0])
    >>> winsorize_local(y, 0.1).round(2).tolist()
    [0.0, 0.1, 0.3, 0.0, -0.1, 0.0, 5.0, 5.1, 4.9, 5.0]
    """
    y = np.asarray(values, dtype=float)
    obs = np.flatnonzero(~np.isnan(y))
    x = y[obs]
    if len(x) < window or not scale > 0:
        return y.copy()
    h = window // 2
    padded = np.r_[np.full(h, x[0]), x, np.full(h, x[-1])]
    med = np.median(np.lib.stride_tricks.sliding_window_view(padded, window), axis=1)
    out = y.copy()
    out[obs] = np.clip(x, med - k * scale, med + k * scale)
    return out


def robust_scale(values: np.ndarray) -> float:
    """Noise standard deviation from the robust spread of first differences, over sqrt(2).

    Differences of consecutive observed points remove the level (so level
    shifts and slow trends barely matter); their spread is the root mean
    square about the median after dropping the 10 % furthest differences
    (rescaled to a normal SD), so outliers and the few differences that
    straddle a level shift are ignored. 1.0 for a constant series.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> y = np.r_[np.zeros(500), np.full(500, 10.0)] + rng.normal(0, 2, 1000)
    >>> round(robust_scale(y), 1)
    2.0
    """
    d = np.diff(_pairs(np.asarray(values, dtype=float)))
    s = _spread(d)
    if not s > 0:
        return 1.0
    return float(s / np.sqrt(2.0))


def nb_dispersion(values: np.ndarray, exposure: np.ndarray | None = None, *,
                  trim: float = 0.05) -> float:
    r"""Negative-binomial size :math:`\theta` from trimmed moments of consecutive pairs.

    Model: a count over exposure ``e`` (months) is the sum of ``e`` monthly
    counts, each NB with mean :math:`\lambda` and size :math:`\theta`, so
    :math:`\mathrm{Var}(y/e) = (\lambda + \lambda^2/\theta)/e`. For two
    consecutive observed points ``i, j`` in the same segment,
    :math:`u = (r_j - r_i)^2 / (1/e_i + 1/e_j)` has expectation
    :math:`v(m) = m + m^2/\theta`, where ``m`` is the pair's pooled rate.

    The pairs whose standardised :math:`u / v(m)` is in the top ``trim``
    fraction (level shifts, outliers) are dropped; the kept pairs' sums solve
    :math:`\sum u = c\,\sum (m + m^2/\theta)` for :math:`\theta`, where
    :math:`c` is the share of a :math:`\chi^2_1` mean left after the same
    trimming (0.76 for 5 %), so the estimate is unbiased for Gaussian-like
    differences. Two passes (standardising with the first pass's
    :math:`\theta`). Returns ``inf`` when the pairs show no extra-Poisson
    variation (the NB cost is then the Poisson cost).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.negative_binomial(5, 5 / (5 + 20.0), size=3000).astype(float)
    >>> 4 < nb_dispersion(y) < 6
    True
    >>> bool(np.isinf(nb_dispersion(rng.poisson(20.0, 3000).astype(float))))
    True
    """
    y = np.asarray(values, dtype=float)
    e = np.ones_like(y) if exposure is None else np.asarray(exposure, dtype=float)
    keep = ~np.isnan(y)
    y, e = y[keep], e[keep]
    if len(y) < 3:
        return np.inf
    r = y / e
    w = 1.0 / e[:-1] + 1.0 / e[1:]
    u = (r[1:] - r[:-1]) ** 2 / w
    m = (y[:-1] + y[1:]) / (e[:-1] + e[1:])
    _, c = _chi2_trim(float(trim))
    inv_theta = 0.0
    for _ in range(2):
        v = m + inv_theta * m**2
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(v > 0, u / v, 0.0)
        cut = np.quantile(z, 1.0 - trim)
        k = z <= cut
        mm = np.sum(m[k] ** 2)
        if mm <= 0:
            return np.inf
        inv_theta = max((np.sum(u[k]) / c - np.sum(m[k])) / mm, 0.0)
    return np.inf if inv_theta <= 1e-8 else float(1.0 / inv_theta)


def winsorize_counts(values: np.ndarray, exposure: np.ndarray | None, theta: float, *,
                     k: float = 3.0, window: int = 5) -> np.ndarray:
    r"""Pull isolated count spikes (and dips) back to ``k`` SDs of a running median.

    On the variance-stabilised scale :math:`q = \sqrt{y/e + 3/(8e)}` (Anscombe,
    per unit exposure ``e``), a count under the NB model of mean rate
    :math:`\lambda` and size :math:`\theta` has SD about
    :math:`\sqrt{(1 + \lambda/\theta) / (4e)}`. Each point further than ``k``
    such SDs from the running median of ``window`` observed points (centred;
    :math:`\lambda` read off that median) is pulled back to that distance and
    transformed back to a count. The median follows level shifts, so steps are
    kept; a spike of up to ``window // 2`` points in a row loses its leverage.
    Values become non-integer where pulled back (the costs accept that). NaN
    stays NaN.

    Examples
    --------
    >>> y = np.array([10.0, 12, 9, 80, 11, 10, 13, 30, 31, 29, 32, 28])
    >>> winsorize_counts(y, None, np.inf).round(1).tolist()
    [10.0, 12.0, 9.0, 23.4, 11.0, 10.0, 13.0, 30.0, 31.0, 29.0, 32.0, 28.0]
    """
    y = np.asarray(values, dtype=float)
    e = np.ones_like(y) if exposure is None else np.asarray(exposure, dtype=float)
    obs = np.flatnonzero(~np.isnan(y))
    x, ee = y[obs], e[obs]
    if len(x) < window:
        return y.copy()
    c = 3.0 / (8.0 * ee)
    q = np.sqrt(x / ee + c)
    h = window // 2
    padded = np.r_[np.full(h, q[0]), q, np.full(h, q[-1])]
    med = np.median(np.lib.stride_tricks.sliding_window_view(padded, window), axis=1)
    lam = np.maximum(med**2 - c, 0.0)
    inv_theta = 0.0 if not np.isfinite(theta) else 1.0 / float(theta)
    sd = np.sqrt((1.0 + lam * inv_theta) / (4.0 * ee))
    lo, hi = np.maximum(med - k * sd, 0.0), med + k * sd
    out = y.copy()
    clip = (q > hi) | (q < lo)
    qc = np.clip(q[clip], lo[clip], hi[clip])
    out[obs[clip]] = np.maximum(ee[clip] * (qc**2 - c[clip]), 0.0)
    return out


def resolution(values: np.ndarray) -> float:
    """The rounding step of the data: the smallest gap between distinct observed values
    (0 for fewer than two distinct values).

    Examples
    --------
    >>> resolution(np.array([3.0, 5.0, 3.0, 4.0]))
    1.0
    """
    u = np.unique(np.asarray(values, dtype=float)[~np.isnan(values)])
    return float(np.min(np.diff(u))) if len(u) > 1 else 0.0


def looks_like_counts(values: np.ndarray) -> bool:
    r"""Whether non-negative data behave like event counts (the rule of ``cost="auto"``).

    Counts are non-negative integers whose noise grows with their level, as a
    Poisson or negative binomial's does (variance :math:`m + m^2/\theta`). The
    rule, with ``m`` the median and ``s`` the robust noise SD
    (:func:`robust_scale`, from differences, so level shifts do not inflate it):

    * not non-negative integers: no;
    * zeros: yes;
    * noise far below the Poisson floor, :math:`s^2 < m/4` (a noise-free step,
      a smooth population; judged from 8 points on): no, the Poisson variance
      would hide real changes;
    * a median of at most 20: yes (small counts);
    * otherwise the noise must be either near Poisson (:math:`s^2 \le 3m`) or
      large relative to the level (:math:`s/m \ge 0.2`, an NB size of at most 25),
      as for overdispersed event counts.

    Large integers with small relative noise far above the Poisson floor
    (river flows, populations, prices in cents) are measurements: their noise
    does not grow with the level, and the Gaussian cost fits them better.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> looks_like_counts(rng.poisson(8, 100).astype(float))
    True
    >>> looks_like_counts(np.round(rng.normal(1000, 120, 100)))  # a river's flow
    False
    >>> looks_like_counts(rng.negative_binomial(4, 4 / 504, 100).astype(float))  # NB, mean 500
    True
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0 or np.any(x < 0) or np.any(x != np.round(x)):
        return False
    m = float(np.median(x))
    if m <= 0 or bool(np.any(x == 0)):
        return True  # zeros: the mark of counts
    s2 = (_spread(np.diff(x), fallback=False) / np.sqrt(2.0)) ** 2  # 0 when the noise is nil
    if len(x) >= 8 and s2 < 0.25 * m:
        return False
    if m <= 20:
        return True
    return bool(s2 <= 3 * m or np.sqrt(s2) / m >= 0.2)
