"""resurgence: is an armed group coming back? Statistics, not adjectives.

Curated counts and event data become validated monthly series by region, which
feed changepoint, seasonal and forecasting models, escalation alerts and reports.
"""

from ._version import __version__
from .errors import (
    DataValidationError,
    DataWarning,
    InputError,
    ModelError,
    ModelWarning,
    ResurgenceError,
    ResurgenceWarning,
    SeriesError,
    UnknownRegionError,
)
from .forecast import (
    AutoForecaster,
    CountDistribution,
    Forecaster,
    GLMForecaster,
    NaiveForecaster,
    SarimaxForecaster,
    SeasonalNaiveForecaster,
    backtest,
    crps,
    score_backtest,
)
from .months import as_monthly_series, format_month, month_range, parse_month
from .ramadan import ramadan_share
from .seasonal import SeasonalGLMResult, seasonal_glm
from .stl import STLResult, stl_decompose

__all__ = [
    "__version__",
    "AutoForecaster",
    "CountDistribution",
    "Forecaster",
    "GLMForecaster",
    "NaiveForecaster",
    "SarimaxForecaster",
    "SeasonalNaiveForecaster",
    "backtest",
    "crps",
    "score_backtest",
    "DataValidationError",
    "DataWarning",
    "InputError",
    "ModelError",
    "ModelWarning",
    "ResurgenceError",
    "ResurgenceWarning",
    "SeriesError",
    "UnknownRegionError",
    "as_monthly_series",
    "format_month",
    "month_range",
    "parse_month",
    "ramadan_share",
    "SeasonalGLMResult",
    "seasonal_glm",
    "STLResult",
    "stl_decompose",
]
