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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

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

# The rest of the public API is imported on first use (PEP 562), so that
# `import resurgence` -- and every `resurgence` command -- does not pay for
# statsmodels, matplotlib and the rest before it needs them.
_LAZY: dict[str, str] = {
    "Detector": "alerts",
    "Evaluation": "alerts",
    "Farrington": "alerts",
    "History": "alerts",
    "LevelShift": "alerts",
    "NBCusum": "alerts",
    "Verdict": "alerts",
    "default_detectors": "alerts",
    "evaluate_month": "alerts",
    "monitor": "alerts",
    "BOCPDResult": "changepoints",
    "ChangepointResult": "changepoints",
    "Cost": "changepoints",
    "bocpd": "changepoints",
    "crops": "changepoints",
    "detect_changepoints": "changepoints",
    "AutoForecaster": "forecast",
    "CountDistribution": "forecast",
    "Forecaster": "forecast",
    "GLMForecaster": "forecast",
    "NaiveForecaster": "forecast",
    "SarimaxForecaster": "forecast",
    "SeasonalNaiveForecaster": "forecast",
    "backtest": "forecast",
    "crps": "forecast",
    "score_backtest": "forecast",
    "interval_counts": "intervals",
    "series_id": "intervals",
    "as_monthly_series": "months",
    "format_month": "months",
    "month_range": "months",
    "parse_month": "months",
    "Panel": "panel",
    "load_panel": "panel",
    "model_frame": "panel",
    "monthly_panel": "panel",
    "panel_series": "panel",
    "select_series": "panel",
    "series_table": "panel",
    "ramadan_share": "ramadan",
    "canonical_region": "reference",
    "load_reference": "reference",
    "region_code": "reference",
    "PanelResult": "runner",
    "run_panel": "runner",
    "SeasonalGLMResult": "seasonal",
    "seasonal_glm": "seasonal",
    "aggregate_events": "sources",
    "compare_series": "sources",
    "comparison_summary": "sources",
    "read_acled": "sources",
    "read_gtd": "sources",
    "read_ucdp": "sources",
    "STLResult": "stl",
    "stl_decompose": "stl",
    "consistency_report": "validation",
    "load_observations": "validation",
    "validate_observations": "validation",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups are plain attribute access
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # for type checkers and editors: the names, eagerly
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
    from .intervals import (
        interval_counts,
        series_id,
    )
    from .months import (
        as_monthly_series,
        format_month,
        month_range,
        parse_month,
    )
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
    from .reference import (
        canonical_region,
        load_reference,
        region_code,
    )
    from .runner import (
        PanelResult,
        run_panel,
    )
    from .seasonal import (
        SeasonalGLMResult,
        seasonal_glm,
    )
    from .sources import (
        aggregate_events,
        compare_series,
        comparison_summary,
        read_acled,
        read_gtd,
        read_ucdp,
    )
    from .stl import (
        STLResult,
        stl_decompose,
    )
    from .validation import (
        consistency_report,
        load_observations,
        validate_observations,
    )

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
