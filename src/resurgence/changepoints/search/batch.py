"""Exact segmentation of many series at once: optimal partitioning vectorised across series.

PELT's speed comes from pruning, which is a per-series decision; for the short
series of a monitoring panel (a few hundred months) the Python loop around it,
not the arithmetic, is what costs. Here the same recursion as
:func:`.optpart.optpart` runs once for a whole group of series: at each segment
end ``j`` the costs of every admissible start of every series are one array
operation of shape ``(series, starts)``. Series of different lengths (or with
missing months) are padded at the end of their grid; a series' padding is never
a candidate start of its own segments, so it changes nothing.

The result is the exact optimum, identical to :func:`.pelt.pelt` on each series
alone: the same candidates in the same order, the same cost formula
(:meth:`~resurgence.changepoints.base.Cost.segment_cost`, which each built-in
cost's ``errors`` also calls) and the same order of floating-point additions, so
ties are broken the same way (earliest last changepoint). Costs without
:meth:`~resurgence.changepoints.base.Cost.batch_terms` are searched one by one
with PELT.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np

from ..base import Cost
from ._common import Segmentation, backtrack, finish, prepare
from .pelt import pelt

__all__ = ["segment_many"]

#: Series searched in one array operation: bounds the temporaries to
#: ``_BLOCK x n`` floats (a few MB) whatever the number of series.
_BLOCK = 256


def segment_many(costs: Sequence[Cost], pens: Sequence[float], *, min_size: int = 1,
                 shape: Callable[[np.ndarray], np.ndarray] | None = None
                 ) -> list[Segmentation]:
    """The optimal segmentation of each fitted cost, searching many series together.

    Parameters
    ----------
    costs : sequence of Cost
        Fitted costs, one per series.
    pens : sequence of float
        Penalty per changepoint of each series.
    min_size : int
        Fewest observed points in a segment (at least each cost's ``min_size``).
    shape : callable, optional
        Extra cost of a segment from its number of observed points (the MBIC
        ``log(n_j)``), the same for every series.

    Returns
    -------
    list of Segmentation
        In the order of ``costs``; each equal to ``pelt(cost, pen, ...)``.

    Examples
    --------
    >>> from resurgence.changepoints.costs import PoissonCost
    >>> ys = [np.array([1, 0, 2, 1, 1, 9, 8, 11, 10, 9.0]), np.array([3, 4, 3, 5, 4, 3.0])]
    >>> [s.indices.tolist() for s in segment_many([PoissonCost().fit(y) for y in ys],
    ...                                           [10.0, 10.0], min_size=2)]
    [[5], []]
    """
    if len(costs) != len(pens):
        raise ValueError(f"{len(costs)} costs but {len(pens)} penalties")
    out: list[Segmentation | None] = [None] * len(costs)
    groups: dict[tuple, list[int]] = defaultdict(list)
    terms = []
    for i, cost in enumerate(costs):
        t = cost.batch_terms()
        terms.append(t)
        if t is None:
            out[i] = pelt(cost, float(pens[i]), min_size=min_size, shape=shape)
        else:
            groups[(type(cost), len(t.sums), len(t.params), *t.key)].append(i)
    for members in groups.values():
        for k in range(0, len(members), _BLOCK):
            block = members[k:k + _BLOCK]
            segs = _search_block([costs[i] for i in block], [terms[i] for i in block],
                                 np.asarray([float(pens[i]) for i in block]), min_size, shape)
            for i, seg in zip(block, segs):
                out[i] = seg
    return out  # type: ignore[return-value]


def _search_block(costs, terms, pens, min_size, shape) -> list[Segmentation]:
    grids, ms = [], []
    size = 1
    for c in costs:
        grid, m, sz = prepare(c, min_size)
        grids.append(grid)
        ms.append(m)
        size = sz  # the same class, so the same min_size throughout a block
    S, M = len(costs), max(ms)
    # cumulative sums on each series' grid, padded with the last value
    sums = []
    for q in range(len(terms[0].sums)):
        arr = np.empty((S, M + 1))
        for r, (t, grid, m) in enumerate(zip(terms, grids, ms)):
            arr[r, :m + 1] = t.sums[q][grid]
            arr[r, m + 1:] = arr[r, m]
        sums.append(arr)
    params = tuple(np.asarray([t.params[q] for t in terms], dtype=float)[:, None]
                   for q in range(len(terms[0].params)))
    segment_cost = type(costs[0]).segment_cost
    F = np.full((S, M + 1), np.inf)
    F[:, 0] = 0.0
    last = np.zeros((S, M + 1), dtype=np.intp)
    pen = pens[:, None]
    rows = np.arange(S)
    for j in range(size, M + 1):
        # admissible starts: 0 and size..j-size (F(t) exists for those only); the
        # range is a slice (a view), start 0 is put in front of it
        hi = j - size + 1
        n_c = 1 + max(hi - size, 0)
        c = np.empty(n_c, dtype=np.intp)
        c[0] = 0
        c[1:] = np.arange(size, size + n_c - 1)
        diffs = []
        for s in sums:
            d = np.empty((S, n_c))
            d[:, 0] = s[:, j] - s[:, 0]
            np.subtract(s[:, j:j + 1], s[:, size:size + n_c - 1], out=d[:, 1:])
            diffs.append(d)
        err = segment_cost(tuple(diffs), params)
        f = np.empty((S, n_c))
        f[:, 0] = F[:, 0]
        f[:, 1:] = F[:, size:size + n_c - 1]
        if shape is None:
            tot = f + (err + pen)
        else:
            tot = f + ((err + shape(j - c)) + pen)
        k = np.argmin(tot, axis=1)
        F[:, j] = tot[rows, k]
        last[:, j] = c[k]
    return [finish(cost, grid, backtrack(last[r], m), m, shape)
            for r, (cost, grid, m) in enumerate(zip(costs, grids, ms))]
