"""Changepoint engine: where did the level of a series change, when, and by how much?

Layout (one job per module):

=====================  ==========================================================
``base``               the :class:`Cost` plug-in contract
``costs/``             Poisson, negative binomial, Gaussian mean, Gaussian mean+variance
``search/``            PELT (exact), optimal partitioning (reference), binary segmentation
``penalties``          BIC, MBIC, AIC, manual, CROPS path
``uncertainty``        location intervals, size of change, segment levels
``bocpd``              Bayesian online changepoint detection (run-length posterior)
``signal``             input normalisation (arrays, monthly Series, interval counts)
``robust``             once-per-series noise scale and NB dispersion
``result``, ``api``    :class:`ChangepointResult` and :func:`detect_changepoints`
=====================  ==========================================================
"""

from .api import crops, detect_changepoints
from .base import Cost
from .bocpd import BOCPDResult, bocpd
from .costs import NegativeBinomialCost, NormalMeanCost, NormalMeanVarCost, PoissonCost
from .result import ChangepointResult

__all__ = [
    "detect_changepoints",
    "crops",
    "bocpd",
    "BOCPDResult",
    "Cost",
    "ChangepointResult",
    "PoissonCost",
    "NegativeBinomialCost",
    "NormalMeanCost",
    "NormalMeanVarCost",
]
