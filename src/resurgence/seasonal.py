"""Seasonal count model: negative-binomial GLM with trend, calendar Fourier terms, Ramadan.

:func:`seasonal_glm` answers "is there a fighting season?" and "does activity rise
in Ramadan?" for sparse monthly series and interval counts alike: the expected
count of an observation covering ``months`` calendar months is
``months * exp(x b)``, with ``x`` the exposure-weighted calendar covariates of
:class:`resurgence.covariates.CalendarDesign`. Dispersion is estimated
(statsmodels ``NegativeBinomial``, NB2: ``Var = mu + alpha mu^2``).

Robust STL for dense series lives in :mod:`resurgence.stl`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .covariates import CalendarDesign, as_model_frame
from .errors import InputError, ModelError, ModelWarning, SeriesError
from .separation import drop_separated_terms, simpler_designs

__all__ = ["seasonal_glm", "SeasonalGLMResult", "MIN_OBS_PER_PARAM", "MIN_SEASONAL_SPAN"]

#: Observations, and observations with a positive count, required per estimated
#: coefficient before terms are dropped.
MIN_OBS_PER_PARAM = 4
#: Months a series must span before calendar seasonality is estimated.
MIN_SEASONAL_SPAN = 24
#: Fewer observations than this: the dispersion is not estimated (Poisson).
MIN_OBS_NEGBIN = 10


@dataclass
class SeasonalGLMResult:
    """What :func:`seasonal_glm` found.

    Attributes
    ----------
    effects : pandas.DataFrame
        One row per term (``trend`` per year, ``sin1``... , ``ramadan`` for a month
        wholly in Ramadan vs none, each intervention): ``estimate`` and its CI on
        the log-rate scale, ``rate_ratio`` with ``rr_low``/``rr_high``, ``p_value``
        (Wald).
    tests : pandas.DataFrame
        Likelihood-ratio tests ``seasonality`` (all Fourier terms jointly),
        ``ramadan``, ``trend`` and one per intervention: ``df``, ``statistic``,
        ``p_value``; NaN when the term was not in the model.
    seasonal_profile : pandas.DataFrame
        For each calendar month (1-12) the rate ratio against the year's geometric
        mean, with CI (delta method).
    family : str
        ``"negbin"`` or ``"poisson"``.
    dispersion : float
        NB2 ``alpha``, 0 for Poisson or when the counts show no overdispersion
        (the estimate is on its boundary); ``dispersion_ci`` its Wald CI.
    fallbacks : list of str
        What was dropped from the requested model and why (also warned).
    """

    effects: pd.DataFrame
    tests: pd.DataFrame
    seasonal_profile: pd.DataFrame
    family: str
    dispersion: float
    dispersion_ci: tuple[float, float]
    design: CalendarDesign
    params: pd.Series
    cov: pd.DataFrame
    n_obs: int
    exposure: float
    llf: float
    aic: float
    level: float
    baseline_rate: float
    fallbacks: list[str] = field(default_factory=list)
    fitted: pd.DataFrame | None = None

    def rate(self, months: Any) -> pd.Series:
        """Expected count of each whole calendar month (the fitted monthly rate)."""
        X = self.design.monthly(pd.DatetimeIndex(months))
        return pd.Series(np.exp(X.to_numpy() @ self.params.to_numpy()), index=X.index, name="rate")

    def significant(self, test: str, alpha: float = 0.05) -> bool:
        """Whether the named LR test rejects at ``alpha`` (False if not tested)."""
        p = self.tests.set_index("test").loc[test, "p_value"]
        return bool(np.isfinite(p) and p < alpha)


def _fit_counts(y: np.ndarray, X: np.ndarray, offset: np.ndarray, family: str, start=None):
    """Fit NB2 or Poisson by maximum likelihood; raise ModelError when it fails.

    When the NB2 score for ``alpha`` at 0, ``sum((y - mu)**2 - y) / 2`` at the
    Poisson fit, is not positive, the likelihood does not increase into
    ``alpha > 0``: the estimate is on the boundary and the Poisson fit is returned.
    """
    from statsmodels.discrete.discrete_model import NegativeBinomial, Poisson
    from statsmodels.tools import sm_exceptions as sme

    with warnings.catch_warnings():
        for w in (sme.ConvergenceWarning, sme.HessianInversionWarning, RuntimeWarning,
                  getattr(sme, "PerfectSeparationWarning", RuntimeWarning)):
            warnings.simplefilter("ignore", w)
        try:
            pois = Poisson(y, X, offset=offset).fit(
                start_params=None if start is None else start[: X.shape[1]],
                method="newton", maxiter=100, disp=0,
            )
            res = pois
            if family == "negbin":
                mu = np.exp(X @ pois.params + offset)
                if float(np.sum((y - mu) ** 2 - y)) > 0:
                    sp = np.r_[pois.params, 0.1] if start is None else start
                    model = NegativeBinomial(y, X, loglike_method="nb2", offset=offset)
                    res = model.fit(start_params=sp, method="newton", maxiter=100, disp=0)
                    if not res.mle_retvals.get("converged", False) or not np.isfinite(res.llf):
                        res = model.fit(start_params=sp, method="bfgs", maxiter=500, disp=0)
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise ModelError(f"{family} GLM could not be fitted: {exc}") from None
    ok = res.mle_retvals.get("converged", False) and np.all(np.isfinite(res.params))
    if not ok or not np.isfinite(res.llf):
        raise ModelError(f"{family} GLM did not converge")
    return res


def _alpha(res) -> float:
    """NB2 dispersion of a fit (0 when it is the Poisson boundary)."""
    return float(res.params[-1]) if len(res.params) > res.model.exog.shape[1] else 0.0


def _plan(frame: pd.DataFrame, design: CalendarDesign, family: str) -> tuple[CalendarDesign, str, list[str]]:
    """Drop terms the data cannot support: the fallback ladder, with reasons."""
    n = len(frame)
    span = (frame.attrs["cutoff"].year * 12 + frame.attrs["cutoff"].month) - (
        frame["month"].iloc[0].year * 12 + frame["month"].iloc[0].month
    )
    notes: list[str] = []
    d = CalendarDesign(
        trend=design.trend, fourier=design.fourier, ramadan=design.ramadan,
        interventions=dict(design.interventions), origin=design.origin,
    )

    def p() -> int:
        return len(d.columns)

    # The information about a log-rate coefficient comes from the events, not from a
    # run of zeros: the rule counts rows with a positive count (never more than rows).
    n_pos = int((frame["value"] > 0).sum())
    size = f"{n} observations, {n_pos} with a positive count"

    def too_few() -> bool:
        return n_pos < MIN_OBS_PER_PARAM * p()

    if d.fourier and span < MIN_SEASONAL_SPAN:
        notes.append(f"no seasonality (series spans {span} months, needs {MIN_SEASONAL_SPAN})")
        d.fourier = 0
    while d.fourier and too_few():
        d.fourier -= 1
    if d.fourier < design.fourier and span >= MIN_SEASONAL_SPAN:
        notes.append(
            f"{d.fourier} Fourier harmonics instead of {design.fourier} ({size}; "
            f"{MIN_OBS_PER_PARAM} of each needed per coefficient)"
        )
    X = d.frame(frame)
    for name in list(d.interventions):
        if X[name].min() == X[name].max():
            notes.append(f"no step {name} (no observations on one side of it)")
            del d.interventions[name]
    if d.ramadan and (too_few() or X["ramadan"].std() < 0.02):
        notes.append("no Ramadan term (too few observations or no variation in Ramadan share)")
        d.ramadan = False
    if d.trend and too_few():
        notes.append(f"no trend ({size})")
        d.trend = False
    # Coarse intervals can make calendar columns collinear: drop until full rank.
    while True:
        X = d.frame(frame).to_numpy()
        scaled = X / np.maximum(np.abs(X).max(axis=0), 1e-12)
        if np.linalg.matrix_rank(scaled, tol=1e-6) == X.shape[1] and n >= X.shape[1]:
            break
        if d.fourier:
            d.fourier -= 1
            notes.append(f"{d.fourier} Fourier harmonics (calendar terms not identifiable)")
        elif d.ramadan:
            d.ramadan = False
            notes.append("no Ramadan term (not identifiable)")
        elif d.interventions:
            name = list(d.interventions)[-1]
            del d.interventions[name]
            notes.append(f"no step {name} (not identifiable)")
        elif d.trend:
            d.trend = False
            notes.append("no trend (not identifiable)")
        else:
            break
    if family == "negbin" and n < MIN_OBS_NEGBIN:
        notes.append(f"Poisson instead of negative binomial ({n} observations)")
        family = "poisson"
    return d, family, notes


def _fit_ladder(frame: pd.DataFrame, d: CalendarDesign, family: str, notes: list[str]):
    """Fit, stepping down the ladder (NB -> Poisson, then fewer terms) while it fails."""
    y = frame["value"].to_numpy()
    offset = np.log(frame["months"].to_numpy())
    while True:
        X = d.frame(frame)
        try:
            return _fit_counts(y, X.to_numpy(), offset, family), d, family, X
        except ModelError as exc:
            if family == "negbin":
                notes.append(f"Poisson instead of negative binomial ({exc})")
                family = "poisson"
                continue
            options = simpler_designs(d)
            if not options:
                raise
            what, _, d = options[0]
            notes.append(f"{what} ({exc})")


def _lr_test(full, y, X: pd.DataFrame, offset, family: str, drop: list[str]) -> tuple[float, float]:
    keep = [c for c in X.columns if c not in drop]
    start = None
    if family == "negbin" and _alpha(full) > 0:
        start = np.r_[full.params[[X.columns.get_loc(c) for c in keep]], full.params[-1]]
    try:
        reduced = _fit_counts(y, X[keep].to_numpy(), offset, family, start=start)
    except ModelError:
        return np.nan, np.nan
    stat = max(2 * (full.llf - reduced.llf), 0.0)
    return stat, float(stats.chi2.sf(stat, len(drop)))


def seasonal_glm(
    y: pd.Series | pd.DataFrame,
    *,
    trend: bool = True,
    fourier: int = 2,
    ramadan: bool = True,
    interventions: Mapping[str, Any] | None = None,
    family: str = "negbin",
    level: float = 95,
    tests: bool = True,
) -> SeasonalGLMResult:
    """Fit a negative-binomial GLM with trend, calendar seasonality, Ramadan and steps.

    Parameters
    ----------
    y : pandas.Series or pandas.DataFrame
        A monthly series (NaN months are skipped) or a model frame with columns
        ``start, end, value`` (``months`` and ``month`` are derived); see
        :func:`resurgence.covariates.as_model_frame`.
    trend : bool
        Log-linear trend; its effect is the rate ratio per year.
    fourier : int
        Harmonics of the calendar year (2 = annual and semi-annual cycles).
    ramadan : bool
        Include the share of each month's days in Ramadan (Umm al-Qura calendar);
        its rate ratio compares a Ramadan day with any other day.
    interventions : mapping of str to month-like, optional
        Known steps, e.g. ``{"baghuz": "2019-03", "fall_of_assad": "2024-12"}``.
    family : {"negbin", "poisson"}
        Count distribution. NB2 estimates the dispersion ``alpha``.
    level : float
        Confidence level in percent for every interval reported.
    tests : bool
        Run the likelihood-ratio tests (one refit per test); forecasters skip them.

    Returns
    -------
    SeasonalGLMResult

    Warns
    -----
    ModelWarning
        When the series is too short, too sparse or too coarse for the requested
        model and terms are dropped (fewer harmonics, no Ramadan, no trend,
        Poisson): fewer than ``MIN_OBS_PER_PARAM`` observations, or positive
        counts, per coefficient; a term not identified because of separation
        (:mod:`resurgence.separation`); a fit that does not converge (terms are
        dropped down to an intercept-only Poisson model, which always fits).

    Raises
    ------
    SeriesError
        If there is no observed value or every count is zero.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> months = pd.date_range("2012-01-01", periods=120, freq="MS")
    >>> rate = 20 * np.exp(0.5 * np.cos(2 * np.pi * (months.month - 7) / 12))
    >>> y = pd.Series(rng.poisson(rate), index=months)
    >>> res = seasonal_glm(y, ramadan=False)
    >>> res.significant("seasonality")
    True
    >>> int(res.seasonal_profile["rate_ratio"].idxmax())
    7
    """
    if family not in ("negbin", "poisson"):
        raise InputError(f"family must be 'negbin' or 'poisson', got {family!r}")
    if not 50 <= float(level) < 100:
        raise InputError(f"level must be a percentage in [50, 100), got {level}")
    frame = as_model_frame(y)
    if frame["value"].sum() == 0:
        raise SeriesError("every count is zero: there is no rate to model")
    w = frame["months"].to_numpy()
    mid = np.array([m.year * 12 + m.month - 1 for m in frame["month"]], dtype=float)
    origin = float(np.round(np.average(mid, weights=w)))
    requested = CalendarDesign(
        trend=trend, fourier=fourier, ramadan=ramadan,
        interventions=interventions or {}, origin=origin,
    )
    design, fam, notes = _plan(frame, requested, family)
    design = drop_separated_terms(frame, design, notes)
    res, design, fam, X = _fit_ladder(frame, design, fam, notes)
    yv = frame["value"].to_numpy()
    offset = np.log(w)
    if notes:
        warnings.warn(
            f"seasonal_glm: fell back to a simpler model: {'; '.join(notes)}",
            ModelWarning, stacklevel=2,
        )
    k = X.shape[1]
    params = pd.Series(np.asarray(res.params)[:k], index=X.columns)
    cov_all = np.asarray(res.cov_params())
    cov = pd.DataFrame(cov_all[:k, :k], index=X.columns, columns=X.columns)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    z = stats.norm.ppf(0.5 + level / 200)
    alpha, alpha_ci = _alpha(res), (0.0, 0.0)
    if alpha > 0:
        a_se = float(np.sqrt(max(cov_all[-1, -1], 0)))
        alpha_ci = (max(alpha - z * a_se, 0.0), alpha + z * a_se)
    terms = [c for c in X.columns if c != "const"]
    est = params[terms].to_numpy()
    s = pd.Series(se, index=X.columns)[terms].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        pval = 2 * stats.norm.sf(np.abs(est / s))
    effects = pd.DataFrame(
        {
            "term": terms,
            "estimate": est,
            "std_error": s,
            "ci_low": est - z * s,
            "ci_high": est + z * s,
            "rate_ratio": np.exp(est),
            "rr_low": np.exp(est - z * s),
            "rr_high": np.exp(est + z * s),
            "p_value": pval,
        }
    )
    rows = []
    fourier_cols = [c for c in X.columns if c[:3] in ("sin", "cos")]
    groups = {"seasonality": fourier_cols, "ramadan": ["ramadan"], "trend": ["trend"]}
    groups.update({name: [name] for name in requested.interventions})
    for test, cols in groups.items():
        cols = [c for c in cols if c in X.columns]
        if cols and tests:
            stat, p = _lr_test(res, yv, X, offset, fam, cols)
        else:
            stat, p = np.nan, np.nan
        rows.append({"test": test, "df": len(cols), "statistic": stat, "p_value": p})
    # Seasonal profile: the Fourier terms average to zero over the year, so their sum is
    # the log rate ratio of each calendar month against the geometric mean.
    angle = 2 * np.pi * (np.arange(1, 13) - 0.5) / 12
    G = np.zeros((12, k))
    for j in range(1, design.fourier + 1):
        G[:, X.columns.get_loc(f"sin{j}")] = np.sin(j * angle)
        G[:, X.columns.get_loc(f"cos{j}")] = np.cos(j * angle)
    lrr = G @ params.to_numpy()
    lse = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", G, cov.to_numpy(), G), 0, None))
    profile = pd.DataFrame(
        {"rate_ratio": np.exp(lrr), "rr_low": np.exp(lrr - z * lse), "rr_high": np.exp(lrr + z * lse)},
        index=pd.Index(np.arange(1, 13), name="month_of_year"),
    )
    fitted = frame.copy()
    fitted["fitted"] = np.exp(X.to_numpy() @ params.to_numpy() + offset)
    return SeasonalGLMResult(
        effects=effects,
        tests=pd.DataFrame(rows),
        seasonal_profile=profile,
        family=fam,
        dispersion=alpha,
        dispersion_ci=alpha_ci,
        design=design,
        params=params,
        cov=cov,
        n_obs=len(frame),
        exposure=float(w.sum()),
        llf=float(res.llf),
        aic=float(res.aic),
        level=float(level),
        baseline_rate=float(np.exp(params["const"])),
        fallbacks=notes,
        fitted=fitted,
    )
