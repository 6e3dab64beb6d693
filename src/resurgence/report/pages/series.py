"""Per-area pages: a publisher's activity and deaths series with levels and changepoints.

One page per publisher and area (chosen by :func:`~resurgence.report.selection.area_streams`).
Each series panel shows the calendar-month figures as points and longer intervals
as bars at their monthly rate, the changepoint model's segment levels with their
intervals and its changepoints with the interval for when; a text column beside it
lists the same numbers. Registered overlays (alert markers, forecast fans) are
drawn on top when those capabilities are installed.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.axes import Axes

from ...months import format_month
from ..context import ReportContext
from ..draw import draw_changepoints, draw_series, finish_value_axis, series_layers
from ..registry import ReportFigure, overlay_extents, overlays, register_page
from ..selection import Stream, area_streams
from ..style import area_marker, date_axis, new_page, stream_colour


def _fmt(v: float) -> str:
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}"


def model_text(ctx: ReportContext, sid: str) -> str:
    """The changepoint model's segments and changes as short lines of text."""
    res = ctx.changepoints(sid)
    if res is None:
        return textwrap.fill(ctx.cp_note(sid) or "no changepoint analysis", 34)
    frame = ctx.frame(sid)
    start = lambda i: format_month(frame["start"].iat[int(i)])  # noqa: E731
    last = lambda i: format_month(frame["end"].iat[int(i) - 1] - pd.Timedelta(days=1))  # noqa: E731
    pct = round(ctx.options.level * 100)
    lines = [f"Segment levels, per month ({pct}% interval):"]
    for s in res.segments.itertuples():
        lines.append(f"  {start(s.start)} – {last(s.end)}: {_fmt(s.level)} "
                     f"({_fmt(s.level_lo)}–{_fmt(s.level_hi)})")
    if len(res.changepoints):
        lines.append("")
        lines.append(f"Changes (ratio new/old, {pct}% interval):")
        for c in res.changepoints.itertuples():
            lines.append(f"  {start(c.index)} (between {start(c.loc_lo)} and "
                         f"{start(c.loc_hi)}):")
            lines.append(f"    ×{c.ratio:.2f} ({c.ratio_lo:.2f}–{c.ratio_hi:.2f})")
    else:
        lines += ["", "No change in level found."]
    lines += ["", f"Model: {res.cost_name} cost, {res.penalty.name} penalty,",
              f"{res.signal.n_observed} figures ({int((frame['months'] == 1).sum())} calendar "
              "months)."]
    return "\n".join(lines)


def draw_panel(ax: Axes, text_ax: Axes, ctx: ReportContext, sid: str,
               span: tuple[pd.Timestamp, pd.Timestamp]) -> None:
    meta = ctx.meta(sid)
    colour, marker = stream_colour(meta["source"], meta["area"]), area_marker(meta["area"])
    layers = series_layers(ctx, sid)
    res = ctx.changepoints(sid)
    top = layers.robust_top()
    if res is not None:
        top = max(top, float(res.segments["level_hi"].max()))
    handles = draw_series(ax, layers, colour=colour, marker=marker, top=top * 1.05)
    if res is not None:
        handles += draw_changepoints(ax, ctx, sid, res)
    capped = bool((layers.bars["rate"] > top * 1.05).any() or
                  (layers.faint["rate"] > top * 1.05).any())
    finish_value_axis(ax, top * 1.05, cap_note=capped)
    date_axis(ax, *span)
    for overlay in overlays():  # after the axes are set: an overlay may widen the y range
        handles += overlay(ax, ctx, sid)
    unit = ctx.unit(meta["measure"])
    ax.set_ylabel(f"{unit} per month")
    ax.set_title(f"{ctx.measure_name(meta['measure'])} ({unit} per month)")
    text_ax.set_axis_off()
    text_ax.legend(handles=handles, loc="lower left", fontsize=7, borderaxespad=0)
    text_ax.text(0, 1, model_text(ctx, sid), transform=text_ax.transAxes, ha="left", va="top",
                 fontsize=7.0, family="DejaVu Sans Mono", color="0.15")


def build_stream(ctx: ReportContext, stream: Stream) -> ReportFigure:
    sids = [s for s in (stream.activity, stream.deaths) if s]
    starts, ends = [], []
    for sid in sids:
        a, b = series_layers(ctx, sid).extent()
        starts.append(a)
        ends.append(b)
        ends += [e for ext in overlay_extents() if (e := ext(ctx, sid)) is not None]
    span = (min(starts) - pd.Timedelta(days=20), max(ends) + pd.Timedelta(days=20))
    label = ctx.series_label(stream.activity, measure=False)
    fig = new_page(f"{label}: {ctx.measure_name(ctx.meta(stream.activity)['measure']).lower()}"
                   + (f" and {ctx.measure_name(ctx.meta(stream.deaths)['measure']).lower()}"
                      if stream.deaths else ""),
                   f"{ctx.publisher_name(stream.source)}, {ctx.area_name(stream.area)}. "
                   "Points: calendar months as stated (hollow: a bound or approximate); "
                   "bars: longer intervals at their monthly rate (faint: overlapping ones the "
                   "model does not use).",
                   footer=ctx.footer([stream.source]))
    axes = fig.subplots(len(sids), 2, width_ratios=[3.0, 1.05], squeeze=False, sharex="col")
    for row, sid in enumerate(sids):
        draw_panel(axes[row, 0], axes[row, 1], ctx, sid, span)
        if row < len(sids) - 1:
            axes[row, 0].set_xlabel("")
    name = f"area-{stream.source}-{stream.area}".replace("_", "-")
    return ReportFigure(name, fig.texts[0].get_text(), fig)


@register_page("area", order=30, description="per area: series, levels, changepoints")
def build(ctx: ReportContext) -> list[ReportFigure]:
    return [build_stream(ctx, s) for s in area_streams(ctx)]
