r"""Penalties: how much a changepoint must improve the fit to be accepted.

With costs on the ``-2 log-likelihood`` scale and ``p = n_params + 1``
parameters per changepoint (the segment's parameters plus its location), on
``n`` observed points:

=========  =======================================================  ===========================
name       total penalty for ``k`` changepoints                      use it when
=========  =======================================================  ===========================
``mbic``   :math:`(p+1)\,k\log n + \sum_{j=0}^{k}\log n_j`           default: few false alarms
``bic``    :math:`p\,k\log n`                                        a little more sensitive
``aic``    :math:`2\,p\,k`                                           exploratory; over-segments
number     :math:`\beta\,k` (manual)                                 you calibrated :math:`\beta`
``crops``  every optimal segmentation for :math:`\beta` in a range   to see how results depend on it
=========  =======================================================  ===========================

MBIC is Zhang & Siegmund's (2007) modified BIC as implemented in R's
``changepoint`` (Killick & Eckley 2014): :math:`\beta = (p+1)\log n` per
changepoint (3 log n for a change in mean) plus :math:`\log n_j` for each
segment of :math:`n_j` observed points, which penalises short segments.
CROPS (Haynes, Eckley & Fearnhead 2017) is in :func:`crops`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .base import Cost
from .search import run_search

__all__ = ["Penalty", "make_penalty", "crops_path", "PENALTY_NAMES"]

PENALTY_NAMES = ("mbic", "bic", "aic", "crops")


@dataclass(frozen=True)
class Penalty:
    """A resolved penalty.

    Attributes
    ----------
    name : str
        ``mbic``, ``bic``, ``aic`` or ``manual``.
    value : float
        Penalty per changepoint, :math:`\\beta`.
    segment_log_length : bool
        Whether each segment also costs ``log(n_j)`` (MBIC).
    """

    name: str
    value: float
    segment_log_length: bool = False

    @property
    def shape(self) -> Callable[[np.ndarray], np.ndarray] | None:
        """The per-segment term as a function of segment sizes, or None."""
        return _log_length if self.segment_log_length else None


def _log_length(nobs: np.ndarray) -> np.ndarray:
    return np.log(np.asarray(nobs, dtype=float))


def make_penalty(penalty: Any, *, n_params: int, n: int) -> Penalty:
    """Resolve ``penalty`` (a name or a number) for a cost and a series length.

    Parameters
    ----------
    penalty : str or float
        ``"mbic"``, ``"bic"``, ``"aic"``, or a non-negative number.
    n_params : int
        Parameters per segment of the cost.
    n : int
        Number of observed points.

    Examples
    --------
    >>> p = make_penalty("mbic", n_params=1, n=100)
    >>> round(p.value, 3), p.segment_log_length
    (13.816, True)
    >>> bool(make_penalty("bic", n_params=1, n=100).value == 2 * np.log(100))
    True
    >>> make_penalty(12, n_params=1, n=100)
    Penalty(name='manual', value=12.0, segment_log_length=False)
    """
    p = int(n_params) + 1
    logn = float(np.log(max(n, 2)))
    if isinstance(penalty, str):
        key = penalty.strip().lower()
        if key == "mbic":
            return Penalty("mbic", (p + 1) * logn, True)
        if key in ("bic", "sic"):
            return Penalty("bic", p * logn, False)
        if key == "aic":
            return Penalty("aic", 2.0 * p, False)
        try:
            penalty = float(key)
        except ValueError:
            raise InputError(
                f"unknown penalty {penalty!r}: choose mbic, bic, aic, crops or a number"
            ) from None
    try:
        value = float(penalty)
    except (TypeError, ValueError):
        raise InputError(f"penalty must be a name or a number, got {penalty!r}") from None
    if not np.isfinite(value) or value < 0:
        raise InputError(f"a manual penalty must be a finite number >= 0, got {penalty!r}")
    return Penalty("manual", value, False)


def crops_path(cost: Cost, pen_min: float, pen_max: float, *, method: str = "pelt",
               min_size: int = 1, max_runs: int = 200) -> pd.DataFrame:
    """CROPS: every optimal segmentation for a penalty in ``[pen_min, pen_max]``.

    Haynes, Eckley & Fearnhead (2017): solve at both ends; while two solved
    penalties give segmentations whose numbers of changepoints differ by more
    than one, solve at the penalty where their penalised costs are equal. If
    that gives a new segmentation, recurse on both sides; otherwise no other
    segmentation is optimal in between. It needs ``O(number of segmentations)``
    runs of the search (exact with PELT).

    Returns
    -------
    pandas.DataFrame
        One row per distinct segmentation, fewest changepoints first:
        ``n_changepoints``, ``cost`` (unpenalised), ``pen_lo``/``pen_hi`` (the
        penalty range, within the requested one, where it is optimal) and
        ``indices`` (tuple of positions).

    Examples
    --------
    >>> from resurgence.changepoints.costs import NormalMeanCost
    >>> rng = np.random.default_rng(0)
    >>> y = np.r_[np.zeros(50), np.full(50, 3.0), np.zeros(50)] + rng.normal(size=150)
    >>> path = crops_path(NormalMeanCost().fit(y), 2, 200, min_size=2)
    >>> int(path["n_changepoints"].iloc[0]), path["indices"].iloc[0]
    (0, ())
    >>> bool((path["n_changepoints"] == 2).any())
    True
    """
    lo, hi = float(pen_min), float(pen_max)
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo < 0 or hi < lo:
        raise InputError(f"CROPS needs 0 <= pen_min <= pen_max, got [{pen_min}, {pen_max}]")
    solved: dict[float, tuple[tuple[int, ...], float]] = {}

    def solve(beta: float) -> tuple[tuple[int, ...], float]:
        if beta not in solved:
            seg = run_search(method, cost, beta, min_size=min_size)
            solved[beta] = (tuple(int(i) for i in seg.indices), seg.cost)
        return solved[beta]

    solve(lo)
    solve(hi)
    stack = [(lo, hi)]
    while stack and len(solved) < max_runs:
        b0, b1 = stack.pop()
        (i0, q0), (i1, q1) = solved[b0], solved[b1]
        m0, m1 = len(i0), len(i1)
        if m0 <= m1 + 1:
            continue
        b_int = (q1 - q0) / (m0 - m1)
        if not b0 < b_int < b1:
            continue
        i_int, _ = solve(b_int)
        if len(i_int) not in (m0, m1):
            stack.append((b0, b_int))
            stack.append((b_int, b1))
    by_k: dict[int, tuple[tuple[int, ...], float]] = {}
    for idx, q in solved.values():
        if len(idx) not in by_k or q < by_k[len(idx)][1]:
            by_k[len(idx)] = (idx, q)
    ks = sorted(by_k)
    rows = []
    for pos, k in enumerate(ks):
        idx, q = by_k[k]
        # optimal between the penalties where its line meets its neighbours' lines
        p_hi = hi if pos == 0 else (by_k[ks[pos - 1]][1] - q) / (k - ks[pos - 1])
        p_lo = lo if pos == len(ks) - 1 else (q - by_k[ks[pos + 1]][1]) / (ks[pos + 1] - k)
        rows.append({"n_changepoints": k, "cost": q, "pen_lo": max(p_lo, lo),
                     "pen_hi": min(p_hi, hi), "indices": idx})
    return pd.DataFrame(rows, columns=["n_changepoints", "cost", "pen_lo", "pen_hi", "indices"])
