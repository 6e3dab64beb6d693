"""PELT (Killick, Fearnhead & Eckley 2012): exact penalised segmentation with pruning.

Every admissible position is a candidate (no ``jump``). For each segment end
the costs of all surviving candidate starts are evaluated in one vectorised
call (:meth:`Cost.errors`). A candidate ``t`` is dominated at end ``s`` when
``F(t) + C(t, s) > F(s)`` (pruning constant K = 0, valid because every
built-in cost satisfies ``C(a,b) + C(b,c) <= C(a,c)``). With a minimum
segment size ``h`` the dominating start ``s`` only becomes admissible at end
``s + h``, so ``t`` is removed after end ``s + h - 1``, not at once:
immediate removal (as in ruptures) can lose the optimum, deferred removal
cannot. The MBIC
segment-length term ``log(n_j)`` grows with the segment, so pruning compares
costs *without* it: still exact (see ``docs/changepoints.md``).

Ties are broken towards the earliest last changepoint, the same rule (and the
same order of floating-point additions) as ruptures' ``Pelt(jump=1)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..base import Cost
from ._common import Segmentation, backtrack, finish, prepare

__all__ = ["pelt"]


def pelt(cost: Cost, pen: float, *, min_size: int = 1,
         shape: Callable[[np.ndarray], np.ndarray] | None = None) -> Segmentation:
    """Optimal segmentation minimising ``sum(C(segment) + shape(n_j)) + pen * k``.

    Parameters
    ----------
    cost : Cost
        A fitted cost.
    pen : float
        Penalty per changepoint.
    min_size : int
        Fewest observed points in a segment (at least ``cost.min_size``).
    shape : callable, optional
        Extra cost of a segment from its number of observed points
        (non-decreasing, e.g. the MBIC ``log(n_j)``).

    Returns
    -------
    Segmentation

    Examples
    --------
    >>> from resurgence.changepoints.costs import PoissonCost
    >>> y = np.array([1, 0, 2, 1, 1, 9, 8, 11, 10, 9], dtype=float)
    >>> pelt(PoissonCost().fit(y), 10.0, min_size=2).indices.tolist()
    [5]
    """
    grid, m, size = prepare(cost, min_size)
    pen = float(pen)
    F = np.zeros(m + 1)
    last = np.zeros(m + 1, dtype=np.intp)
    cand = np.empty(m + 1, dtype=np.intp)   # surviving starts, ascending
    dead = np.empty(m + 1, dtype=np.intp)   # last end at which each may still be needed
    ncand = 0
    never = m + size + 1
    errors = cost.errors
    for j in range(size, m + 1):
        if ncand and dead[:ncand].min() < j:
            alive = dead[:ncand] >= j
            kc, kd = cand[:ncand][alive], dead[:ncand][alive]
            ncand = len(kc)
            cand[:ncand], dead[:ncand] = kc, kd
        t_new = j - size
        if t_new == 0 or t_new >= size:  # F(t_new) exists
            cand[ncand] = t_new
            dead[ncand] = never
            ncand += 1
        c = cand[:ncand]
        err = errors(grid[c], grid[j])
        if shape is None:
            tot = F[c] + (err + pen)
        else:
            tot = F[c] + ((err + shape(j - c)) + pen)
        k = int(np.argmin(tot))
        F[j] = tot[k]
        last[j] = c[k]
        if shape is None:
            drop = tot > F[j] + pen
        else:
            drop = F[c] + err > F[j]
        if drop.any():
            # t is dominated by j for every end >= j + size; until then j is not
            # yet an admissible start, so t stays (exact with min_size > 1).
            d = dead[:ncand]
            d[drop] = np.minimum(d[drop], j + size - 1)
    return finish(cost, grid, backtrack(last, m), m, shape)
