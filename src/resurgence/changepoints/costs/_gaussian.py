"""What the Gaussian costs share: centred first and second moment sums."""

from __future__ import annotations

import numpy as np


class GaussianSums:
    """Cumulative sums of centred values for the Gaussian costs (a mixin)."""

    _ncum: np.ndarray
    _s1: np.ndarray
    _center: float

    def mean(self, start: int, end: int) -> float:
        """Mean of the observed points of ``[start, end)``."""
        n = self._ncum[end] - self._ncum[start]
        return float((self._s1[end] - self._s1[start]) / n + self._center)
