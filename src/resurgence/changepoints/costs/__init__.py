"""Built-in segment costs, one module each, and the name -> cost factory."""

from __future__ import annotations

from ...errors import InputError
from ..base import Cost
from .negbin import NegativeBinomialCost
from .normal_mean import NormalMeanCost
from .normal_meanvar import NormalMeanVarCost
from .poisson import PoissonCost

__all__ = [
    "PoissonCost",
    "NegativeBinomialCost",
    "NormalMeanCost",
    "NormalMeanVarCost",
    "COST_NAMES",
    "make_cost",
]

#: Names accepted by ``cost=``, with their aliases.
COST_NAMES: dict[str, str] = {
    "poisson": "poisson",
    "negbin": "negbin",
    "nb": "negbin",
    "normal_mean": "normal_mean",
    "mean": "normal_mean",
    "l2": "l2",
    "normal_meanvar": "normal_meanvar",
    "meanvar": "normal_meanvar",
}


def make_cost(name: str) -> Cost:
    """A new, unfitted cost from its name (``auto`` is resolved by the caller).

    ``l2`` is the unscaled sum of squared deviations (ruptures' ``CostL2``):
    the Gaussian mean cost with the noise scale fixed at 1. ``negbin`` is the
    robust default count cost: spikes winsorized, a clear calendar cycle
    adjusted for (the class's own defaults, used by the alert detectors, do
    neither).

    Examples
    --------
    >>> make_cost("nb")
    NegativeBinomialCost(dispersion='robust', winsorize=3.0, seasonal='auto')
    >>> make_cost("l2").model
    'l2'
    """
    key = COST_NAMES.get(str(name).lower())
    if key is None:
        raise InputError(
            f"unknown cost {name!r}: choose auto, {', '.join(sorted(set(COST_NAMES)))} "
            "or pass a Cost instance"
        )
    if key == "poisson":
        return PoissonCost()
    if key == "negbin":
        return NegativeBinomialCost(winsorize=3.0, seasonal="auto")
    if key == "normal_mean":
        return NormalMeanCost()
    if key == "l2":
        return NormalMeanCost(scale=1.0, winsorize=None)
    return NormalMeanVarCost()
