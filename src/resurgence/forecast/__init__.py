"""Forecasting: count models behind one protocol, the default chooser, backtests, scores.

Every model follows :class:`Forecaster` (``fit(y)``, ``predict(h, level=...)``,
``predict_distribution(h)``); :func:`backtest` runs any of them from rolling
origins and :func:`score_backtest` scores the result.
"""

from .auto import AutoForecaster, default_candidates
from .backtest import as_series_collection, backtest, score_backtest
from .base import MAX_HORIZON, Forecaster
from .distributions import CountDistribution
from .glm import GLMForecaster
from .memory import FitMemory
from .naive import NaiveForecaster
from .sarimax import SarimaxForecaster
from .scoring import crps, crps_discrete, crps_normal, crps_sample, pinball_loss
from .seasonal_naive import SeasonalNaiveForecaster

__all__ = [
    "MAX_HORIZON",
    "AutoForecaster",
    "CountDistribution",
    "FitMemory",
    "Forecaster",
    "GLMForecaster",
    "NaiveForecaster",
    "SarimaxForecaster",
    "SeasonalNaiveForecaster",
    "as_series_collection",
    "backtest",
    "crps",
    "crps_discrete",
    "crps_normal",
    "crps_sample",
    "default_candidates",
    "pinball_loss",
    "score_backtest",
]
