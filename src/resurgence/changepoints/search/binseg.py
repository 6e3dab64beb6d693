"""Binary segmentation (Scott & Knott 1974): fast, greedy, approximate.

Repeatedly splits, among all current segments, the one whose best single
split lowers the cost most, while that gain exceeds the penalty. Each best
split is found with two vectorised cost evaluations. Ties go to the earliest
position. Use it for very long series or as a cross-check; PELT is exact.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np

from ..base import Cost
from ._common import Segmentation, finish, prepare

__all__ = ["binseg"]


def binseg(cost: Cost, pen: float, *, min_size: int = 1,
           shape: Callable[[np.ndarray], np.ndarray] | None = None,
           max_changepoints: int | None = None) -> Segmentation:
    """Greedy binary segmentation with a penalty stopping rule.

    Examples
    --------
    >>> from resurgence.changepoints.costs import NormalMeanCost
    >>> y = np.r_[np.zeros(8), np.full(8, 5.0), np.zeros(8)]
    >>> binseg(NormalMeanCost(scale=1.0).fit(y), 5.0, min_size=2).indices.tolist()
    [8, 16]
    """
    grid, m, size = prepare(cost, min_size)
    pen = float(pen)

    def seg_cost(a: int, b: int) -> float:
        c = float(cost.errors(grid[a], grid[b]))
        return c + float(shape(np.asarray([b - a]))[0]) if shape is not None else c

    def best_split(a: int, b: int) -> tuple[float, int] | None:
        ts = np.arange(a + size, b - size + 1, dtype=np.intp)
        if len(ts) == 0:
            return None
        left = cost.errors(grid[a], grid[ts])
        right = cost.errors(grid[ts], grid[b])
        if shape is not None:
            left = left + shape(ts - a)
            right = right + shape(b - ts)
        gain = seg_cost(a, b) - (left + right)
        k = int(np.argmax(gain))
        return float(gain[k]), int(ts[k])

    heap: list[tuple[float, int, int, int]] = []

    def push(a: int, b: int) -> None:
        best = best_split(a, b)
        if best is not None:
            heapq.heappush(heap, (-best[0], best[1], a, b))

    push(0, m)
    cuts: list[int] = []
    limit = m if max_changepoints is None else int(max_changepoints)
    while heap and len(cuts) < limit:
        neg_gain, t, a, b = heapq.heappop(heap)
        if -neg_gain <= pen:
            break
        cuts.append(t)
        push(a, t)
        push(t, b)
    return finish(cost, grid, cuts, m, shape)
