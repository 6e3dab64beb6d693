"""The month's escalation alerts (a page) and alert markers on the area charts (an overlay).

Both come from :mod:`resurgence.alerts`. The page lists every series with a figure
for the report month, judged against its own past (the Farrington NB threshold, the
NB CUSUM and the level-shift test; nominal false-alarm probability 1% per
series-month): the flagged ones first with their reasons, then the others by score.
The overlay marks, on each per-area series, the months whose verdict -- computed
as the monthly run computed it, from the data known by the end of that month only
(:func:`resurgence.evaluate_month`) -- was an alert.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from ..context import ReportContext
from ..draw import MID_MONTH
from ..registry import ReportFigure, register_overlay, register_page
from ..style import PAGE_SIZE, body, new_page
from ..table import Table, draw_table, paginate

ALERT = "#c0392b"
SEVERITY_ORDER = {"critical": 0, "high": 1, "moderate": 2, "none": 3}


def month_alerts(ctx: ReportContext) -> pd.DataFrame:
    """Verdicts for every series with a calendar-month figure in the report month."""
    def compute() -> pd.DataFrame:
        from ...alerts import evaluate_month

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return evaluate_month(ctx.panel, ctx.month)
    return ctx.cached(("alerts", ctx.month_text), compute)


def alert_history(ctx: ReportContext, series_id: str) -> pd.DataFrame:
    """The months a series was flagged, each judged as ``resurgence alert`` judged it then.

    Every calendar month of the series up to the report month gets the verdict of
    :func:`resurgence.evaluate_month` for that month: from the intervals that had
    ended by its end only, so a marker never depends on figures published later.
    """
    def compute() -> pd.DataFrame:
        from ...alerts import evaluate_month
        from ...errors import ResurgenceError

        f = ctx.frame(series_id)
        months = sorted(set(f.loc[(f["months"] == 1.0) & (f["start"].dt.day == 1), "start"]))
        iv = ctx.panel.intervals
        own = iv[iv["series_id"] == series_id]  # evaluate_month takes an interval table
        rows = []
        for m in months:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    out = evaluate_month(own, m)
            except ResurgenceError:
                continue
            rows.append(out)
        if not rows:
            return pd.DataFrame(columns=["observed", "severity"])
        table = pd.concat(rows, ignore_index=True).set_index("month")
        return table[table["flag"].astype(bool)]
    return ctx.cached(("alert-history", series_id), compute)


def summary_lines(ctx: ReportContext, limit: int = 4) -> list[str]:
    """One line per alert of the month (for the summary page), or one saying there is none."""
    table = month_alerts(ctx)
    judged = table[table["status"] == "ok"]
    flagged = _ordered(judged[judged["flag"].astype(bool)])
    if flagged.empty:
        return [f"No alert in {ctx.month_name}: none of the {len(judged)} series with a figure "
                "for the month is above its threshold (1% false-alarm probability a month)."]
    lines = [f"{len(flagged)} alert(s) in {ctx.month_name} ({len(judged)} series judged):"]
    for _, r in flagged.head(limit).iterrows():
        lines.append(f"• {ctx.series_label(r['series_id'])}: {r['observed']:.0f} against "
                     f"{r['expected']:.1f} expected ({r['severity']}; {r['detectors']})")
    if len(flagged) > limit:
        lines.append(f"• … and {len(flagged) - limit} more: see the alerts page.")
    return lines


def _ordered(rows: pd.DataFrame) -> pd.DataFrame:
    key = rows["severity"].map(SEVERITY_ORDER).fillna(9)
    return rows.assign(_k=key, _s=-rows["score"].fillna(-np.inf)).sort_values(
        ["_k", "_s", "series_id"], kind="stable").drop(columns=["_k", "_s"])


def _fmt(v: float, digits: int = 1) -> str:
    return "–" if v is None or not np.isfinite(v) else f"{v:.{digits}f}"


def _p(v: float) -> str:
    if v is None or not np.isfinite(v):
        return "–"
    return "< 0.001" if v < 0.001 else f"{v:.3f}"


@register_page("alerts", order=15, description="the month's escalation alerts with reasons")
def build(ctx: ReportContext) -> list[ReportFigure]:
    table = month_alerts(ctx)
    if table.empty:
        return []
    judged = _ordered(table[table["status"] == "ok"])
    short = table[table["status"] != "ok"]
    rows = [[ctx.series_label(r["series_id"]), _fmt(r["observed"], 0), _fmt(r["expected"]),
             _fmt(r["threshold"], 0), _p(r["p_value"]), str(r["severity"]),
             str(r["reasons"]) if r["flag"] else ""] for _, r in judged.iterrows()]
    sources = sorted({ctx.meta(s)["source"] for s in table["series_id"]})
    head = Table(["Series", "Observed", "Expected", "Threshold", "p-value", "Severity",
                  "Why (the detectors that fired)"],
                 [0.25, 0.06, 0.06, 0.07, 0.06, 0.06, 0.44], fontsize=7.4, bold_first=True)
    W, H = PAGE_SIZE
    n_flag = int(judged["flag"].astype(bool).sum())
    subtitle = (f"{len(judged)} series have a figure for {ctx.month_name}; each is judged "
                "against its own past only (Farrington negative-binomial threshold, NB CUSUM "
                "for sustained rises, level shift from the changepoint model; nominal "
                f"false-alarm probability 1% per series and month). {n_flag} flagged. "
                f"{len(short)} more had too little history for a verdict.")
    out = []
    probe = new_page("x", subtitle, footer=ctx.footer(sources))
    lo, hi = body(probe)
    pages = paginate(head, rows, 0.96 * W, (hi - lo) * H - 0.2) if rows else [[]]
    for k, chunk in enumerate(pages, start=1):
        title = f"Escalation alerts: {ctx.month_name}" + (f" ({k}/{len(pages)})"
                                                         if len(pages) > 1 else "")
        fig = new_page(title, subtitle, footer=ctx.footer(sources))
        fig.set_layout_engine("none")
        box = (0.02, lo, 0.96, hi - lo)
        ax = fig.add_axes(box)
        if chunk:
            draw_table(ax, head, chunk, size_in=(box[2] * W, box[3] * H))
        else:
            ax.set_axis_off()
            ax.text(0, 1, "No series had enough history for a verdict this month.",
                    transform=ax.transAxes, va="top", fontsize=9)
        name = "alerts" if len(pages) == 1 else f"alerts-{k}"
        out.append(ReportFigure(name, title, fig))
    return out


@register_overlay("alerts", order=30)
def draw_markers(ax: Axes, ctx: ReportContext, series_id: str) -> list:
    flagged = alert_history(ctx, series_id)
    if flagged.empty:
        return []
    x = pd.DatetimeIndex(flagged.index) + MID_MONTH
    ax.plot(x, flagged["observed"].to_numpy(dtype=float), ls="none", marker="o", ms=11,
            mfc="none", mec=ALERT, mew=1.6, zorder=6)
    return [Line2D([], [], ls="none", marker="o", ms=9, mfc="none", mec=ALERT, mew=1.6,
                   label="alert raised that month")]
