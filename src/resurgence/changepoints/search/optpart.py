"""Plain optimal partitioning (Jackson et al. 2005): the O(n^2) exact reference.

The same recursion as PELT without pruning: every admissible start is
evaluated for every end. Slower, never wrong; tests compare PELT with it and
with brute-force enumeration.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..base import Cost
from ._common import Segmentation, backtrack, finish, prepare

__all__ = ["optpart"]


def optpart(cost: Cost, pen: float, *, min_size: int = 1,
            shape: Callable[[np.ndarray], np.ndarray] | None = None) -> Segmentation:
    """Optimal segmentation by unpruned dynamic programming (see :func:`.pelt.pelt`).

    Examples
    --------
    >>> from resurgence.changepoints.costs import NormalMeanCost
    >>> y = np.r_[np.zeros(6), np.full(6, 4.0)]
    >>> optpart(NormalMeanCost(scale=1.0).fit(y), 2.0, min_size=2).indices.tolist()
    [6]
    """
    grid, m, size = prepare(cost, min_size)
    pen = float(pen)
    F = np.zeros(m + 1)
    last = np.zeros(m + 1, dtype=np.intp)
    for j in range(size, m + 1):
        c = np.r_[0, np.arange(size, j - size + 1)].astype(np.intp)
        err = cost.errors(grid[c], grid[j])
        if shape is not None:
            err = err + shape(j - c)
        tot = F[c] + (err + pen)
        k = int(np.argmin(tot))
        F[j] = tot[k]
        last[j] = c[k]
    return finish(cost, grid, backtrack(last, m), m, shape)
