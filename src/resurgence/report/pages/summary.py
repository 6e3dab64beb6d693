"""Summary page: headline numbers with their sources, levels and changes, data coverage."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from ...months import format_month, month_fractions
from ..context import ReportContext
from ..registry import ReportFigure, register_page
from ..selection import area_streams
from ..style import PAGE_SIZE, body, new_page
from ..table import Table, draw_table
from .alerts import summary_lines

QUAL = {"exact": "", "at_least": "≥ ", "about": "≈ ", "at_most": "≤ "}


def _num(v: float) -> str:
    if not np.isfinite(v):
        return "–"
    return f"{v:,.0f}" if abs(v) >= 100 else (f"{v:.1f}" if v != round(v) else f"{v:.0f}")


def _month_figure(ctx: ReportContext, sid: str) -> tuple[str, str]:
    m = ctx.panel.monthly
    row = m[(m["series_id"] == sid) & (m["month"] == ctx.month) & m["value"].notna()]
    if row.empty:
        return "not stated", ""
    r = row.iloc[0]
    return f"{QUAL.get(r['qualifier'], '')}{_num(r['value'])}", str(r["obs_id"])


def _latest(ctx: ReportContext, sid: str) -> str:
    iv = ctx.panel.intervals
    iv = iv[(iv["series_id"] == sid) & (iv["status"] == "ok")].sort_values(["end", "start"])
    if iv.empty:
        return "–"
    r = iv.iloc[-1]
    q = QUAL.get(r["qualifier"], "")
    if r["start"].day == 1 and r["end"] == r["start"] + pd.offsets.MonthBegin(1):
        return f"{q}{_num(r['value'])} in {format_month(r['start'])}"
    end = (r["end"] - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    return (f"{q}{_num(r['value'])} over {r['start'].strftime('%Y-%m-%d')} – {end} "
            f"({_num(r['value'] / r['months'])}/month)")


def _level(ctx: ReportContext, sid: str) -> tuple[str, str]:
    res = ctx.changepoints(sid)
    if res is None:
        return "too few figures", "–"
    frame = ctx.frame(sid)
    seg = res.segments.iloc[-1]
    since = format_month(frame["start"].iat[int(seg["start"])])
    level = (f"{_num(seg['level'])}/month ({_num(seg['level_lo'])}–{_num(seg['level_hi'])}) "
             f"since {since}")
    if res.changepoints.empty:
        return level, "no change found"
    c = res.changepoints.iloc[-1]
    when = format_month(frame["start"].iat[int(c["index"])])
    lo = format_month(frame["start"].iat[int(c["loc_lo"])])
    hi = format_month(frame["start"].iat[int(c["loc_hi"])])
    word = "rose" if c["ratio"] > 1 else "fell"
    return level, (f"{word} ×{c['ratio']:.2f} ({c['ratio_lo']:.2f}–{c['ratio_hi']:.2f}) "
                   f"in {when} (between {lo} and {hi})")


def coverage(ctx: ReportContext, sid: str) -> dict[str, object]:
    """Span, calendar months stated, longer intervals and share of the span covered."""
    iv = ctx.panel.intervals
    iv = iv[(iv["series_id"] == sid) & (iv["status"] == "ok")]
    meta = ctx.meta(sid)
    covered: dict[pd.Timestamp, float] = {}
    for s, e in zip(iv["start"], iv["end"]):
        for m, f in month_fractions(s, e).items():
            covered[m] = min(1.0, covered.get(m, 0.0) + f)
    span = int(meta["months"])
    return {"span": f"{format_month(meta['first_month'])} – {format_month(meta['last_month'])}",
            "stated": int(meta["months_observed"]), "months": span,
            "coarse": int(meta["coarse_intervals"]),
            "share": sum(covered.values()) / span if span else 0.0,
            "revisions": int(meta["revisions"])}


def _sources_notes(ctx: ReportContext, obs_ids: list[str]) -> tuple[list[int], list[str]]:
    """Note numbers for each figure (one note per page cited) and the notes' text."""
    obs = ctx.panel.observations.set_index("obs_id")
    keys: list[str] = []
    notes: list[str] = []
    numbers = []
    for ids in obs_ids:
        first = ids.split(";")[0]
        if first not in obs.index:
            numbers.append(0)
            continue
        o = obs.loc[first]
        title = str(o["source_title"]) if pd.notna(o["source_title"]) else ""
        url = str(o["source_url"]) if pd.notna(o["source_url"]) else ""
        key = url or title or first
        if key not in keys:
            keys.append(key)
            via = str(o["via"]) if pd.notna(o["via"]) and str(o["via"]) else ""
            who = ctx.publisher_short(str(o["source"])) + (f" via {via}" if via else "")
            notes.append(f"[{len(keys)}] {who}: " + (f"“{title}” " if title else "") + url)
        numbers.append(keys.index(key) + 1)
    return numbers, notes


@register_page("summary", order=10, description="summary: headline numbers, levels, coverage")
def build(ctx: ReportContext) -> list[ReportFigure]:
    streams = area_streams(ctx)
    sids = [s for st in streams for s in (st.activity, st.deaths) if s]
    sources = list(dict.fromkeys(st.source for st in streams))
    pct = round(ctx.options.level * 100)
    fig = new_page(f"ISIS activity in Syria: briefing for {ctx.month_name}",
                   "Figures as each publisher states them, never mixed between publishers; "
                   f"levels and changes from the changepoint model with {pct}% intervals.",
                   footer=ctx.footer(sources, "Counting rules and licences: sources page."))
    lo, hi = body(fig)
    fig.set_layout_engine("none")
    W, H = PAGE_SIZE
    left, width = 0.02, 0.96

    figures = [_month_figure(ctx, sid) for sid in sids]
    numbers, notes = _sources_notes(ctx, [ids for _, ids in figures if ids])
    rows, k = [], 0
    for sid, (fig_m, ids) in zip(sids, figures):
        if ids:
            fig_m = f"{fig_m} [{numbers[k]}]" if numbers[k] else fig_m
            k += 1
        level, change = _level(ctx, sid)
        m12 = ctx.rate_over(sid, ctx.month - pd.DateOffset(months=11),
                            ctx.month + pd.offsets.MonthBegin(1))
        rows.append([ctx.series_label(sid), fig_m, _latest(ctx, sid),
                     f"{_num(m12)}/month" if np.isfinite(m12) else "no figure",
                     level, change])
    head = Table(["Series", ctx.month.strftime("%b %Y"), "Latest figure",
                  "Last 12 months", "Current level, per month (interval)",
                  "Latest change (when)"],
                 [0.22, 0.07, 0.19, 0.09, 0.21, 0.22], fontsize=7.6, bold_first=True)
    box = (left, lo, width, hi - lo)
    size = (box[2] * W, box[3] * H)
    ax = fig.add_axes(box)
    y = draw_table(ax, head, rows, size_in=size)
    if notes:
        text = "\n".join(textwrap.wrap("Sources of the month's figures: " + "   ".join(notes),
                                        200))
        ax.text(0, y - 0.01, text, transform=ax.transAxes, ha="left", va="top", fontsize=6.8,
                color="0.25", linespacing=1.3)
        y -= 0.02 + (text.count("\n") + 1) * 1.3 * 6.8 / 72 / size[1]

    cov_rows = []
    for sid in sids:
        c = coverage(ctx, sid)
        cov_rows.append([ctx.series_label(sid), c["span"], f"{c['stated']} of {c['months']}",
                         str(c["coarse"]), f"{100 * c['share']:.0f}%", str(c["revisions"])])
    cov = Table(["Data coverage", "First – last month", "Calendar months stated",
                 "Longer intervals", "Months covered", "Revisions"],
                [0.35, 0.19, 0.15, 0.11, 0.11, 0.09], fontsize=7.6, bold_first=True)
    top2 = lo + (y - 0.035) * (hi - lo)
    box2 = (left, lo, 0.62, top2 - lo)
    ax2 = fig.add_axes(box2)
    draw_table(ax2, cov, cov_rows, size_in=(box2[2] * W, max(box2[3], 0.01) * H))

    ax3 = fig.add_axes((0.67, lo, 0.31, top2 - lo))
    ax3.set_axis_off()
    text = ("How to read it. A level is the monthly rate over a stretch of months with no "
            f"change; the interval holds the true rate with {pct}% confidence. A change is "
            "the ratio of the new level to the old; 'between' gives the months it may have "
            "happened in. Figures over longer or odd intervals (running-total differences, "
            "annual totals) count with their length in months. 'Months covered': the share of "
            "the months between a series' first and last figure that some figure covers.")
    alert_lines = summary_lines(ctx)
    paras = ["\n".join(textwrap.fill(line, 60, subsequent_indent="  " if line.startswith("•")
                                      else "") for line in alert_lines),
             textwrap.fill(text, 60)]
    ax3.text(0, 1, "\n\n".join(paras), transform=ax3.transAxes, ha="left", va="top",
             fontsize=7.6, color="0.2", linespacing=1.3)
    return [ReportFigure("summary", f"Briefing for {ctx.month_name}: summary", fig)]
