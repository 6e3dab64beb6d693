"""Does a log-link count GLM have a finite maximum-likelihood estimate?

On sparse series the Poisson (and negative-binomial) likelihood often has no
maximum: if some combination ``d`` of the covariates is zero at every
observation with a positive count and negative at some zero counts, moving the
coefficients along ``d`` raises the likelihood forever (the fitted mean of those
zero counts goes to 0). This is *separation*; e.g. a series whose few events all
fell outside Ramadan gives a Ramadan rate ratio of exactly 0, and a single
positive month gives an infinitely sharp seasonal peak. Newton iterations then
wander off or stop at huge coefficients with huge standard errors.

Santos Silva & Tenreyro (2010, *Economics Letters* 107) give the condition and
Correia, Guimaraes & Zylkin (2021, *Stata Journal* 21) the linear program used
here: maximise ``sum_i u_i`` over the zero counts subject to ``X_i d = 0`` for
positive counts, ``u_i <= -X_i d`` and ``0 <= u_i <= 1``. The MLE exists exactly
when the optimum is 0. :func:`drop_separated_terms` then drops terms of a
:class:`~resurgence.covariates.CalendarDesign`, in the fallback order of
:func:`resurgence.seasonal_glm`, until it does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from .covariates import CalendarDesign

__all__ = ["separated_observations", "simpler_designs", "drop_separated_terms"]

#: A zero count whose ``u_i`` exceeds this is separated (columns are scaled to max 1).
TOL = 1e-7


def separated_observations(y, X) -> tuple[np.ndarray, np.ndarray]:
    """Zero counts whose fitted mean a log-link GLM sends to 0, and the direction.

    Parameters
    ----------
    y : array-like, shape (n,)
        Non-negative counts.
    X : array-like, shape (n, p)
        Covariate matrix (offsets do not matter).

    Returns
    -------
    separated : numpy.ndarray of bool, shape (n,)
        True for the zero counts on which a separating direction is negative; all
        False when the maximum-likelihood estimate exists.
    direction : numpy.ndarray, shape (p,)
        A separating direction (on the original column scale; zeros if none).

    Examples
    --------
    >>> ramadan = np.array([0.0, 0.0, 0.3, 1.0, 0.7, 0.0])
    >>> X = np.column_stack([np.ones(6), ramadan])
    >>> sep, d = separated_observations([1, 2, 0, 0, 0, 1], X)
    >>> sep.tolist(), bool(d[1] < 0)
    ([False, False, True, True, True, False], True)
    >>> separated_observations([1, 2, 1, 0, 0, 1], X)[0].any()
    np.False_
    """
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    n, p = X.shape
    zero = y == 0
    none = np.zeros(n, dtype=bool), np.zeros(p)
    if not zero.any() or p == 0:
        return none
    scale = np.maximum(np.abs(X).max(axis=0), 1e-12)
    Xs = X / scale
    X0, Xp = Xs[zero], Xs[~zero]
    m = len(X0)
    # Variables (d, u): minimise -sum(u) s.t. X0 d + u <= 0, Xp d = 0, 0 <= u <= 1.
    c = np.r_[np.zeros(p), -np.ones(m)]
    A_ub = np.hstack([X0, np.eye(m)])
    A_eq = np.hstack([Xp, np.zeros((len(Xp), m))]) if len(Xp) else None
    res = linprog(
        c, A_ub=A_ub, b_ub=np.zeros(m), A_eq=A_eq,
        b_eq=np.zeros(len(Xp)) if len(Xp) else None,
        bounds=[(None, None)] * p + [(0.0, 1.0)] * m, method="highs",
    )
    if res.status != 0 or -res.fun <= TOL:
        return none
    u = res.x[p:]
    out = np.zeros(n, dtype=bool)
    out[np.flatnonzero(zero)[u > TOL]] = True
    d = res.x[:p] / scale
    return out, d


def _copy(d: CalendarDesign) -> CalendarDesign:
    return CalendarDesign(trend=d.trend, fourier=d.fourier, ramadan=d.ramadan,
                          interventions=dict(d.interventions), origin=d.origin)


def simpler_designs(d: CalendarDesign) -> list[tuple[str, list[str], CalendarDesign]]:
    """The one-step simplifications of a design, in fallback-ladder order.

    Examples
    --------
    >>> d = CalendarDesign(trend=True, fourier=1, ramadan=True)
    >>> [what for what, _, _ in simpler_designs(d)]
    ['0 Fourier harmonics instead of 1', 'no Ramadan term', 'no trend']

    Each is ``(description, columns dropped, design)``: the top Fourier harmonic,
    the Ramadan term, each step (last first), the trend.
    """
    out = []
    if d.fourier:
        e = _copy(d)
        e.fourier -= 1
        out.append((f"{e.fourier} Fourier harmonics instead of {d.fourier}",
                    [f"sin{d.fourier}", f"cos{d.fourier}"], e))
    if d.ramadan:
        e = _copy(d)
        e.ramadan = False
        out.append(("no Ramadan term", ["ramadan"], e))
    for name in reversed(list(d.interventions)):
        e = _copy(d)
        del e.interventions[name]
        out.append((f"no step {name}", [name], e))
    if d.trend:
        e = _copy(d)
        e.trend = False
        out.append(("no trend", ["trend"], e))
    return out


def drop_separated_terms(frame: pd.DataFrame, d: CalendarDesign, notes: list[str]) -> CalendarDesign:
    """Drop terms until the maximum-likelihood estimate exists (no separation).

    Used by :func:`resurgence.seasonal_glm`; each dropped term is appended to
    ``notes`` with its reason.

    With separation (see :mod:`resurgence.separation`) some coefficient is
    infinite: e.g. every event fell outside Ramadan, or a step has only zeros on
    one side. Each round drops the first term of the ladder whose removal alone
    removes the separation, or else the first term the separating direction
    uses. The intercept alone is never separated when some count is positive.
    """
    y = frame["value"].to_numpy()
    while True:
        X = d.frame(frame)
        sep, direction = separated_observations(y, X.to_numpy())
        if not sep.any():
            return d
        options = simpler_designs(d)
        if not options:  # pragma: no cover - an intercept cannot separate positive counts
            return d
        scale = np.abs(direction) * np.maximum(np.abs(X.to_numpy()).max(axis=0), 1e-12)
        used = {c for c, v in zip(X.columns, scale) if v > 1e-6 * scale.max()}
        pick = next((o for o in options
                     if not separated_observations(y, o[2].frame(frame).to_numpy())[0].any()),
                    None)
        if pick is None:
            pick = next((o for o in options if used & set(o[1])), options[0])
        what, _, d = pick
        notes.append(f"{what} (not identified: with it the fitted rate of {int(sep.sum())} "
                     "zero-count observation(s) goes to 0 and a coefficient to infinity)")
