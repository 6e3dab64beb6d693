"""Escalation alerts: detectors, the combined verdict and the monthly monitor.

Layout (one job per module):

================  =================================================================
``base``          the :class:`Detector` contract, :class:`History`, :class:`Evaluation`
``glm``           a small quasi-Poisson GLM fitted by IRLS (numpy)
``baseline``      the Farrington baseline (Noufaily et al. 2013) adapted to months
``predictive``    the NB predictive distribution with estimation error
``farrington``    the Farrington-type NB threshold detector
``cusum``         the windowed negative-binomial CUSUM
``levelshift``    the recent level-shift signal from the changepoint engine
``verdict``       combining detectors: flag, severity, reasons
``monitor``       :func:`monitor` (one series) and :func:`evaluate_month` (a panel)
================  =================================================================
"""

from .base import Detector, Evaluation, History
from .baseline import Baseline, fit_baseline
from .cusum import NBCusum
from .farrington import Farrington
from .levelshift import LevelShift
from .monitor import default_detectors, evaluate_month, judge, monitor
from .verdict import SEVERITIES, Verdict, combine

__all__ = [
    "Detector",
    "Evaluation",
    "History",
    "Baseline",
    "fit_baseline",
    "Farrington",
    "NBCusum",
    "LevelShift",
    "Verdict",
    "combine",
    "SEVERITIES",
    "default_detectors",
    "judge",
    "monitor",
    "evaluate_month",
]
