"""Forecast fan on the per-area panels (an overlay), from :class:`resurgence.AutoForecaster`.

A series gets a fan when it is current and long enough to forecast: at least
``MIN_FIGURES`` usable figures and its last figure ending within ``MAX_STALE``
months of the report month's end (a forecast from a series that stopped — e.g. an
area that ceased to exist — would forecast nothing anyone observes). The fan covers
``HORIZON`` months from the month after the data: the median and the central 50%,
80% and 95% predictive intervals (whole counts, from the model's count
distribution). The default forecaster picks its model by an inner backtest.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ...errors import ResurgenceError
from ..context import ReportContext
from ..draw import MID_MONTH
from ..registry import register_overlay

HORIZON = 6
MIN_FIGURES = 24
MAX_STALE = 3
LEVELS = (50, 80, 95)
FAN = "#7a5195"


def forecast(ctx: ReportContext, series_id: str) -> tuple[pd.DataFrame, str] | None:
    """The forecast table and chosen model for a series, or None when it gets no fan."""
    def compute():
        from ...forecast import AutoForecaster

        frame = ctx.frame(series_id)
        if len(frame) < MIN_FIGURES:
            return None
        horizon_end = ctx.month + pd.offsets.MonthBegin(1)
        if frame["end"].max() < horizon_end - pd.DateOffset(months=MAX_STALE):
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = AutoForecaster().fit(frame)
                table = model.predict(HORIZON, level=LEVELS)
        except ResurgenceError:
            return None
        return table, str(getattr(model, "chosen_", "auto"))
    return ctx.cached(("forecast", series_id), compute)


def _extent(ctx: ReportContext, series_id: str):  # noqa: ANN202
    fc = forecast(ctx, series_id)
    return None if fc is None else fc[0]["month"].max() + pd.offsets.MonthBegin(1)


@register_overlay("forecast", order=20, extent=_extent)
def draw_fan(ax: Axes, ctx: ReportContext, series_id: str) -> list:
    fc = forecast(ctx, series_id)
    if fc is None:
        return []
    table, chosen = fc
    x = pd.DatetimeIndex(table["month"]) + MID_MONTH
    for level, alpha in zip(sorted(LEVELS, reverse=True), (0.16, 0.26, 0.38)):
        ax.fill_between(x, table[f"lo-{level}"], table[f"hi-{level}"], color=FAN, alpha=alpha,
                        lw=0, step=None, zorder=2)
    ax.plot(x, table["mean"], color=FAN, lw=1.4, ls="-", zorder=4)
    top = float(np.nanmax(table[f"hi-{max(LEVELS)}"]))
    lo, hi = ax.get_ylim()
    if top > hi:
        ax.set_ylim(lo, top * 1.05)
    return [Line2D([], [], color=FAN, lw=1.4, label=f"forecast mean ({chosen})"),
            Patch(color=FAN, alpha=0.4, lw=0, label="forecast 50/80/95% intervals")]
