"""Checks shared by the count costs."""

from __future__ import annotations

import numpy as np

from ...errors import SeriesError


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
