"""Data coverage: which months each series' figures cover, and how (month or longer interval).

One row per series shown elsewhere in the briefing (the area pages' series, then the
governorate series): a dot for every calendar month a publisher stated, a bar for
every longer interval (solid: used by the model; faint: overlapping one). Gaps are
months no figure covers — missing, not zero.
"""

from __future__ import annotations

import pandas as pd

from ..context import ReportContext
from ..draw import MID_MONTH, series_layers
from ..registry import ReportFigure, register_page
from ..selection import area_streams, governorate_series
from ..style import area_marker, date_axis, new_page, stream_colour

MAX_ROWS = 36


def coverage_series(ctx: ReportContext) -> list[str]:
    """The series the coverage page lists, in its row order."""
    sids = [s for st in area_streams(ctx) for s in (st.activity, st.deaths) if s]
    for region_sids in governorate_series(ctx).values():
        sids += [s for s in region_sids if s not in sids]
    return sids[:MAX_ROWS]


@register_page("coverage", order=20, description="data coverage of the series shown")
def build(ctx: ReportContext) -> list[ReportFigure]:
    sids = coverage_series(ctx)
    if not sids:
        return []
    sources = list(dict.fromkeys(ctx.meta(s)["source"] for s in sids))
    fig = new_page("Data coverage: what each series' figures cover",
                   "Dots: calendar months a publisher stated. Bars: figures over longer or odd "
                   "intervals (running-total differences, annual totals; faint: overlapping "
                   "ones the models do not use). Empty stretches are months no figure "
                   "covers: missing, never zero.",
                   footer=ctx.footer(sources))
    ax = fig.subplots()
    lo, hi = [], []
    for row, sid in enumerate(sids):
        meta = ctx.meta(sid)
        colour = stream_colour(meta["source"], meta["area"])
        layers = series_layers(ctx, sid)
        a, b = layers.extent()
        lo.append(a)
        hi.append(b)
        y = -row
        ax.hlines([y] * len(layers.faint), layers.faint["start"], layers.faint["end"],
                  colors=colour, lw=5, alpha=0.25)
        ax.hlines([y] * len(layers.bars), layers.bars["start"], layers.bars["end"],
                  colors=colour, lw=5, alpha=0.85)
        ax.plot(layers.months["month"] + MID_MONTH, [y] * len(layers.months), ls="none",
                marker=area_marker(meta["area"]), ms=3.6, color=colour, mec="white", mew=0.4)
    ax.set_yticks([-r for r in range(len(sids))],
                  [ctx.series_label(s) for s in sids], fontsize=6.8 if len(sids) > 24 else 7.5)
    ax.set_ylim(-len(sids) + 0.4, 0.6)
    ax.grid(axis="x", color="0.9")
    ax.grid(axis="y", visible=False)
    date_axis(ax, min(lo) - pd.Timedelta(days=20), max(hi) + pd.Timedelta(days=20))
    ax.set_ylabel("series (publisher · area · measure)")
    ax.set_title("Figures per series, by the interval they cover")
    return [ReportFigure("coverage", fig.texts[0].get_text(), fig)]
