r"""The Farrington baseline (Noufaily et al. 2013, improved algorithm), adapted to months.

For the month judged, :math:`t`:

* **Which counts.** Every past count whose interval ended at least ``gap``
  months before :math:`t` (the most recent months are excluded so that an
  escalation under way does not raise its own baseline) and whose midpoint lies
  within the last ``years`` years (plus ``half_window`` months). When the series
  is shorter, all of its past counts are used. A count over several months
  (a running-total difference, a half-year total) enters with its exposure.
* **Model.** Quasi-Poisson log-linear GLM with offset :math:`\log(\text{months})`:
  an intercept; a linear trend (in years, centred on :math:`t`) kept only if
  significant at ``p_trend``, the history spans at least 3 years, and the
  trend's prediction for :math:`t` is not above twice the largest past monthly
  rate (``surveillance`` requires it below the largest past count, which drops
  every steady rise once three months are left out);
  and a seasonal factor with ``n_periods`` levels: the ``2 half_window + 1``
  calendar months centred on :math:`t`'s (the reference level, so the intercept
  *is* the prediction for :math:`t`), the rest of the year split into
  ``n_periods - 1`` consecutive blocks. The factor is used only when the
  history spans 3 years and every level has 3 months of exposure and 5 events;
  a count over several months takes the level of its midpoint. The trend needs
  10 counts and 10 events too.
* **Past escalations.** After a first fit, counts with a residual above
  ``weights_threshold`` (2.58, as Noufaily et al.) get weight :math:`\propto s_i^{-2}`,
  the others a constant, scaled to sum to :math:`n`; the model is refitted.
  Noufaily et al. use Anscombe residuals (``reweight="anscombe"``). With strong
  overdispersion those are skewed, so ordinary high months get down-weighted, the
  baseline and its dispersion come out too low and false alarms double
  (``benchmarks/alerts_calibration.py``: 1.2 % instead of 0.5 % at mean 0.5 and
  variance/mean 5). The default ``"quantile"`` uses NB quantile residuals
  (Dunn & Smyth 1996), standard normal in control whatever the dispersion.
* **Dispersion.** :math:`\hat\phi` is the weighted Pearson statistic over its
  degrees of freedom, as in ``surveillance::farringtonFlexible``; the detectors
  use :math:`\max(\phi, 1)` and account for its sampling error.

An all-zero history has no GLM fit; its baseline is the Jeffreys Gamma(1/2, E)
posterior of the rate over the ``E`` months of exposure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .base import History
from .glm import GLMFit, fit_quasipoisson

__all__ = ["Baseline", "fit_baseline"]

_MIN_SPAN_TREND = 36.0  # months of history before a trend may be fitted
_MIN_POINTS_TREND = 10
_MIN_POINTS_SEASON = 24
_MIN_LEVEL_EXPOSURE = 3.0
_MIN_LEVEL_COUNT = 5.0   # events in every seasonal level: a level of zeros has no estimate
_MIN_COUNT_TREND = 10.0
# surveillance drops a trend whose prediction exceeds every past count; with months
# and a 3-month gap that drops every steady rise (and then under-predicts it), so
# only an absurd extrapolation (twice the largest past monthly rate) drops it here
_MAX_EXTRAPOLATION = 2.0


@dataclass(frozen=True)
class Baseline:
    """The in-control model of one series at one month.

    Attributes
    ----------
    t : float
        Month clock of the month judged.
    eta0, se0 : float
        Log expected count for the month judged and its standard error
        (quasi-likelihood, dispersion included).
    phi : float
        Estimated dispersion (Pearson, not truncated; ``nan`` for a zero baseline).
    df : int
        Effective degrees of freedom of ``phi`` (the residual df, fewer when the
        squared Pearson residuals are more variable than a chi-square's).
    n_obs : int
        Past counts in the baseline.
    exposure : float
        Months of exposure they cover.
    first, last : float
        Month clock of the start of the first and the end of the last baseline count.
    trend : bool
        Whether a trend was kept (``trend_per_year``: the rate ratio per year).
    seasonal : bool
        Whether the seasonal factor was used.
    downweighted : int
        Counts down-weighted as past escalations.
    zero : bool
        An all-zero history (Jeffreys posterior instead of a GLM).
    """

    t: float
    eta0: float
    se0: float
    phi: float
    df: int
    n_obs: int
    exposure: float
    first: float
    last: float
    trend: bool
    trend_per_year: float
    seasonal: bool
    downweighted: int
    zero: bool
    coef: np.ndarray
    cov: np.ndarray
    half_window: int
    n_periods: int

    @property
    def expected(self) -> float:
        """Expected count for the month judged (plug-in, :math:`e^{\\eta_0}`)."""
        if self.zero:
            return 0.5 / self.exposure
        return float(np.exp(self.eta0))

    @property
    def phi_used(self) -> float:
        """Dispersion the thresholds use: :math:`\\max(\\hat\\phi, 1)`."""
        return 1.0 if not np.isfinite(self.phi) else max(self.phi, 1.0)

    def log_mean(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Log expected count of intervals ``[start, end)`` (month clocks), plug-in."""
        start = np.asarray(start, float)
        end = np.asarray(end, float)
        if self.zero:
            return np.log(0.5 / self.exposure * (end - start))
        X = _design(start, end, self.t, self.trend, self.seasonal, self.half_window,
                    self.n_periods)
        return X @ self.coef + np.log(end - start)


def _phase_level(mid: np.ndarray, t: float, half_window: int, n_periods: int) -> np.ndarray:
    """Seasonal level of each count (0 = the window around ``t``'s calendar month)."""
    phase = np.mod(np.floor(mid) - t, 12.0)  # 0..11 months after t's calendar month
    dist = np.minimum(phase, 12.0 - phase)
    level = np.zeros(len(mid), dtype=int)
    outside = dist > half_window
    if n_periods > 1:
        width = 12 - 2 * half_window - 1
        pos = phase[outside] - (half_window + 1)  # 0..width-1
        level[outside] = 1 + np.minimum((pos * (n_periods - 1) // width).astype(int),
                                        n_periods - 2)
    return level


def _design(start: np.ndarray, end: np.ndarray, t: float, trend: bool, seasonal: bool,
            half_window: int, n_periods: int) -> np.ndarray:
    mid = (start + end) / 2.0
    cols = [np.ones(len(mid))]
    if trend:
        cols.append((mid - (t + 0.5)) / 12.0)
    if seasonal:
        level = _phase_level(mid, t, half_window, n_periods)
        cols.extend((level == k).astype(float) for k in range(1, n_periods))
    return np.column_stack(cols)


def _anscombe(fit: GLMFit, y: np.ndarray, phi: float) -> np.ndarray:
    mu = fit.mu
    a = 1.5 * (np.power(y, 2 / 3) * np.power(mu, -1 / 6) - np.sqrt(mu))
    return a / np.sqrt(phi * np.clip(1.0 - fit.hat, 1e-8, None))


def _quantile_residuals(fit: GLMFit, y: np.ndarray, phi: float) -> np.ndarray:
    """Normal quantile of each count's mid-p upper tail under NB(mu, phi) (Dunn & Smyth 1996).

    Unlike Anscombe residuals, these are standard normal in control whatever the
    mean and the overdispersion, so the 2.58 threshold down-weights about 0.5 % of
    in-control counts -- not the ordinary upper tail of a skewed series.
    """
    mu = fit.mu
    if phi <= 1.0 + 1e-9:
        upper = stats.poisson.sf(y, mu) + 0.5 * stats.poisson.pmf(y, mu)
    else:
        size, p = mu / (phi - 1.0), 1.0 / phi
        upper = stats.nbinom.sf(y, size, p) + 0.5 * stats.nbinom.pmf(y, size, p)
    return stats.norm.isf(np.clip(upper, 1e-300, 1.0))


def _weights(s: np.ndarray, threshold: float) -> np.ndarray:
    big = s > threshold
    raw = np.where(big, 1.0 / np.where(big, s, 1.0) ** 2, 1.0)
    return raw * len(s) / raw.sum()


def _fit(X: np.ndarray, y: np.ndarray, off: np.ndarray, reweight: str | bool,
         threshold: float) -> tuple[GLMFit, np.ndarray]:
    fit = fit_quasipoisson(X, y, offset=off)
    w = np.ones(len(y))
    if reweight and fit.converged and fit.df_resid > 0:
        phi = max(fit.dispersion, 1.0)
        resid = _anscombe if reweight == "anscombe" else _quantile_residuals
        w = _weights(resid(fit, y, phi), threshold)
        if np.any(w != w[0]):
            fit = fit_quasipoisson(X, y, offset=off, weights=w)
    return fit, w


def _effective_df(fit: GLMFit, y: np.ndarray, w: np.ndarray) -> int:
    r"""Degrees of freedom of a chi-square matching the sampling variance of :math:`\hat\phi`.

    :math:`\hat\phi` averages squared Pearson residuals :math:`q_i`. Under the fitted
    negative binomial (mean :math:`\mu_i`, variance :math:`\phi\mu_i`, so
    :math:`c = \phi - 1 = \mu_i/r_i`), the cumulants give
    :math:`\mathrm{Var}(q_i) = 2 + (1 + 6c + 6c^2)/(\phi\mu_i)`, against 2 for a
    chi-square; a scaled :math:`\chi^2_d/d` with the same variance has
    :math:`d = 2\nu / \overline{\mathrm{Var}(q)}`. That is the residual df
    :math:`\nu` for large counts and far fewer for small or very overdispersed ones,
    whose dispersion estimate is much less certain than :math:`\nu` suggests.
    """
    df = fit.df_resid
    if df < 1:
        return 1
    phi = max(fit.dispersion, 1.0)
    c = phi - 1.0
    mu = fit.mu[w > 0]
    var_q = 2.0 + float(np.mean((1.0 + 6.0 * c + 6.0 * c * c) / (phi * mu)))
    return int(max(1, np.floor(2.0 * df / var_q)))


def fit_baseline(history: History, *, years: int = 5, half_window: int = 1, n_periods: int = 4,
                 gap: int = 3, reweight: str | bool = "quantile", weights_threshold: float = 2.58,
                 trend: bool = True, p_trend: float = 0.05, seasonal: bool = True,
                 min_exposure: float = 12.0, min_points: int = 4) -> Baseline | str:
    """Fit the Farrington baseline for ``history.month``; a reason string if impossible.

    Parameters are described in the module docstring.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series(np.tile([4.0, 6.0, 5.0], 16),
    ...               index=pd.date_range("2020-01", periods=48, freq="MS"))
    >>> b = fit_baseline(History.from_series(y, "2023-12"))
    >>> round(b.expected, 2), b.trend, b.n_obs
    (5.0, False, 44)
    """
    t = history.t
    keep = (history.end <= t - gap + 1e-9) & (
        (history.start + history.end) / 2.0 >= t - 12.0 * years - half_window)
    start, end = history.start[keep], history.end[keep]
    y, e = history.value[keep], history.exposure[keep]
    ok = e > 0
    start, end, y, e = start[ok], end[ok], y[ok], e[ok]
    n = len(y)
    expo = float(e.sum())
    if n < min_points or expo < min_exposure:
        return (f"history too short: {n} count(s) covering {expo:.1f} month(s) before the "
                f"last {gap} months (need {min_points} counts and {min_exposure:g} months)")
    first, last = float(start.min()), float(end.max())
    span = last - first
    if y.sum() == 0:
        return Baseline(t, float("nan"), float("nan"), float("nan"), n - 1, n, expo, first, last,
                        False, 1.0, False, 0, True, np.zeros(1), np.zeros((1, 1)), half_window,
                        n_periods)
    off = np.log(e)
    use_season = False
    if seasonal and n_periods > 1 and span >= _MIN_SPAN_TREND and n >= _MIN_POINTS_SEASON:
        level = _phase_level((start + end) / 2.0, t, half_window, n_periods)
        per_level = np.bincount(level, weights=e, minlength=n_periods)
        count_level = np.bincount(level, weights=y, minlength=n_periods)
        use_season = bool(np.all(per_level >= _MIN_LEVEL_EXPOSURE)
                          and np.all(count_level >= _MIN_LEVEL_COUNT))
    use_trend = (trend and span >= _MIN_SPAN_TREND and n >= _MIN_POINTS_TREND
                 and y.sum() >= _MIN_COUNT_TREND)

    def attempt(tr: bool, se: bool) -> tuple[GLMFit, np.ndarray] | None:
        X = _design(start, end, t, tr, se, half_window, n_periods)
        if n - X.shape[1] < 2:
            return None
        fit, w = _fit(X, y, off, reweight, weights_threshold)
        return (fit, w) if fit.converged else None

    result = None
    kept_trend = False
    if use_trend:
        result = attempt(True, use_season)
        if result is not None:
            fit = result[0]
            pval = fit.p_values()[1]
            max_rate = float(np.max(y / np.maximum(e, 1.0)))
            kept_trend = bool(pval < p_trend
                              and np.exp(fit.coef[0]) <= _MAX_EXTRAPOLATION * max_rate)
            if not kept_trend:
                result = None
    if result is None:
        result = attempt(False, use_season)
    if result is None and use_season:
        use_season = False
        result = attempt(False, False)
    if result is None:  # intercept only, closed form
        rate = float(y.sum() / e.sum())
        mu = rate * e
        disp = float(np.sum((y - mu) ** 2 / mu) / max(n - 1, 1))
        cov = np.array([[1.0 / y.sum()]])
        fit = GLMFit(np.array([np.log(rate)]), cov, mu, e / e.sum(), disp, n - 1, True)
        result = (fit, np.ones(n))
    fit, w = result
    phi = fit.dispersion
    df = _effective_df(fit, y, w)
    eta0, se0 = fit.predict_eta(np.eye(len(fit.coef))[0], max(phi, 1.0))
    per_year = float(np.exp(fit.coef[1] * 1.0)) if kept_trend else 1.0
    return Baseline(t, eta0, se0, phi, df, n, expo, first, last, kept_trend, per_year,
                    use_season, int(np.sum(w < w.max() - 1e-12)), False, fit.coef,
                    fit.cov_unscaled, half_window, n_periods)
