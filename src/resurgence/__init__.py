"""resurgence: is an armed group coming back? Statistics, not adjectives.

Curated counts and event data become validated monthly series by region, which
feed changepoint, seasonal and forecasting models, escalation alerts and reports.

Examples
--------
>>> import resurgence as rs
>>> panel = rs.load_panel()
>>> int(panel.get("sohr/regime_desert/all/attacks")["2024-01-01"])
26
"""

from ._version import __version__
from .alerts import (
    Detector,
    Evaluation,
    Farrington,
    History,
    LevelShift,
    NBCusum,
    Verdict,
    default_detectors,
    evaluate_month,
    monitor,
)
from .changepoints import (
    BOCPDResult,
    ChangepointResult,
    Cost,
    bocpd,
    crops,
    detect_changepoints,
)
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
from .intervals import interval_counts, series_id
from .months import as_monthly_series, format_month, month_range, parse_month
from .panel import (
    Panel,
    load_panel,
    model_frame,
    monthly_panel,
    panel_series,
    select_series,
    series_table,
)
from .ramadan import ramadan_share
from .reference import canonical_region, load_reference, region_code
from .runner import PanelResult, run_panel
from .seasonal import SeasonalGLMResult, seasonal_glm
from .sources import (
    aggregate_events,
    compare_series,
    comparison_summary,
    read_acled,
    read_gtd,
    read_ucdp,
)
from .stl import STLResult, stl_decompose
from .validation import consistency_report, load_observations, validate_observations

__all__ = [
    "__version__",
    # alerts
    "Detector",
    "Evaluation",
    "Farrington",
    "History",
    "LevelShift",
    "NBCusum",
    "Verdict",
    "default_detectors",
    "evaluate_month",
    "monitor",
    # changepoints
    "BOCPDResult",
    "ChangepointResult",
    "Cost",
    "bocpd",
    "crops",
    "detect_changepoints",
    # seasonal models
    "ramadan_share",
    "SeasonalGLMResult",
    "seasonal_glm",
    "STLResult",
    "stl_decompose",
    # forecasting and backtests
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
    # errors and warnings
    "DataValidationError",
    "DataWarning",
    "InputError",
    "ModelError",
    "ModelWarning",
    "ResurgenceError",
    "ResurgenceWarning",
    "SeriesError",
    "UnknownRegionError",
    # months
    "as_monthly_series",
    "format_month",
    "month_range",
    "parse_month",
    # reference data
    "canonical_region",
    "load_reference",
    "region_code",
    # observations -> intervals -> panel
    "load_observations",
    "validate_observations",
    "consistency_report",
    "interval_counts",
    "series_id",
    "monthly_panel",
    "panel_series",
    "model_frame",
    "series_table",
    "select_series",
    "Panel",
    "load_panel",
    # the panel runner: thousands of series, any executor
    "run_panel",
    "PanelResult",
    # event data: UCDP, ACLED, GTD
    "read_ucdp",
    "read_acled",
    "read_gtd",
    "aggregate_events",
    "compare_series",
    "comparison_summary",
]
