"""What every search method shares: the result tuple, the grid, the argument checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ...errors import SeriesError
from ..base import Cost


class Segmentation(NamedTuple):
    """A segmentation found by a search method.

    Attributes
    ----------
    indices : numpy.ndarray
        Sorted positions (0-based, in the fitted signal) where a new segment
        starts; neither 0 nor ``n``.
    cost : float
        Sum of the segment costs (including the MBIC segment-length terms
        when the penalty has them), without the per-changepoint penalty.
    """

    indices: np.ndarray
    cost: float


def prepare(cost: Cost, min_size: int) -> tuple[np.ndarray, int, int]:
    """The grid of admissible boundaries, its number of observed points and the min size."""
    if not hasattr(cost, "observed_"):
        raise ValueError("the cost is not fitted: call cost.fit(signal) first")
    grid = cost.boundaries_
    m = len(grid) - 1
    size = max(int(min_size), int(cost.min_size), 1)
    if m < size:
        raise SeriesError(f"too short: {m} observed points, a segment needs at least {size}")
    return grid, m, size


def backtrack(last: np.ndarray, m: int) -> list[int]:
    """Follow the optimal-partitioning back-pointers from the end to the start."""
    cuts = []
    j = m
    while j > 0:
        j = int(last[j])
        if j > 0:
            cuts.append(j)
    return cuts


def finish(cost: Cost, grid: np.ndarray, cuts: list[int], m: int,
           shape: Callable[[np.ndarray], np.ndarray] | None) -> Segmentation:
    """Turn compressed cut points into positions and total the segment costs."""
    cuts = sorted(int(c) for c in cuts)
    b = np.asarray([0, *cuts, m], dtype=np.intp)
    errs = cost.errors(grid[b[:-1]], grid[b[1:]])
    total = float(np.sum(errs))
    if shape is not None:
        total += float(np.sum(shape(np.diff(b))))
    return Segmentation(indices=grid[np.asarray(cuts, dtype=np.intp)], cost=total)
