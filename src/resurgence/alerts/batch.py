"""Farrington baselines for many series at once.

The first version fits them one by one; the vectorised fit for dense monthly
panels replaces the loop below without changing what callers see.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import ResurgenceError
from .base import History
from .baseline import Baseline
from .farrington import Farrington

__all__ = ["fit_baselines"]


def fit_baselines(histories: Sequence[History], farrington: Farrington
                  ) -> list[Baseline | str | ResurgenceError | None]:
    """The baseline of each history (None where the month has no count to judge)."""
    out: list[Baseline | str | ResurgenceError | None] = []
    for h in histories:
        if np.isnan(h.observed):
            out.append(None)
            continue
        try:
            out.append(farrington.baseline(h))
        except ResurgenceError as exc:
            out.append(exc)
    return out
