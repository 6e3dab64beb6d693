"""Checks shared by the count costs."""

from __future__ import annotations

import numpy as np

from ...errors import SeriesError


class CountSums:
    """Cumulative count and exposure sums shared by the count costs (a mixin)."""

    _y: np.ndarray
    _e: np.ndarray

    def rate(self, start: int, end: int) -> float:
        """MLE rate per unit exposure of ``[start, end)``."""
        return float((self._y[end] - self._y[start]) / (self._e[end] - self._e[start]))

    def sums(self, start: int, end: int) -> tuple[float, float]:
        """Total count and total exposure of ``[start, end)``."""
        return (float(self._y[end] - self._y[start]), float(self._e[end] - self._e[start]))


def check_counts(y: np.ndarray, e: np.ndarray, model: str) -> None:
    """Raise :class:`SeriesError` for negative counts or unusable exposure."""
    obs = ~np.isnan(y)
    if np.any(y[obs] < 0):
        first = int(np.flatnonzero(obs & (y < 0))[0])
        raise SeriesError(
            f"the {model} cost needs non-negative counts; position {first} is {y[first]:g} "
            "(use cost='normal_mean' for signed data)"
        )
    bad = obs & ~(np.isfinite(e) & (e > 0))
    if np.any(bad):
        first = int(np.flatnonzero(bad)[0])
        raise SeriesError(f"exposure must be positive where a count is observed; "
                          f"position {first} has exposure {e[first]!r}")
