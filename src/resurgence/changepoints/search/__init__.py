"""Search methods: one module each, all driven through the :class:`~..base.Cost` contract.

Every method works on the cost's grid of admissible boundaries
(:attr:`~resurgence.changepoints.base.Cost.boundaries_`: 0, each observed point
after the first, ``n``), so a NaN month is never a segment boundary and
``min_size`` counts observed points. Each returns a :class:`Segmentation`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...errors import InputError
from ..base import Cost
from ._common import Segmentation
from .binseg import binseg
from .optpart import optpart
from .pelt import pelt

__all__ = ["Segmentation", "pelt", "binseg", "optpart", "METHODS", "run_search"]

METHODS: dict[str, Callable[..., Segmentation]] = {
    "pelt": pelt,
    "binseg": binseg,
    "optpart": optpart,
}


def run_search(method: str, cost: Cost, pen: float, *, min_size: int = 1,
               shape: Callable[[np.ndarray], np.ndarray] | None = None) -> Segmentation:
    """Run the search method called ``method`` on a fitted cost.

    Examples
    --------
    >>> from resurgence.changepoints.costs import NormalMeanCost
    >>> c = NormalMeanCost(scale=1.0).fit(np.r_[np.zeros(10), np.ones(10) * 5])
    >>> run_search("pelt", c, 5.0, min_size=2).indices.tolist()
    [10]
    """
    try:
        fn = METHODS[str(method).lower()]
    except KeyError:
        raise InputError(f"unknown method {method!r}: choose one of {', '.join(METHODS)}") from None
    return fn(cost, pen, min_size=min_size, shape=shape)
