"""Seasonal and Ramadan effects with intervals, from :func:`resurgence.seasonal_glm`.

For each area page's series (activity and deaths) with at least ``MIN_FIGURES``
usable figures spanning two years or more, the negative-binomial seasonal model
(trend, two calendar harmonics, Ramadan share; interval counts with their
exposure) is fitted. Left: the rate of each calendar month relative to the year
(with its interval). Right: the Ramadan rate ratio (a Ramadan day against any
other day) and the trend (rate ratio per year), each with its interval and the
likelihood-ratio p-value. Terms the model had to drop for lack of data are said
in the panel, not drawn.
"""

from __future__ import annotations

import warnings

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

from ...errors import ResurgenceError
from ..context import ReportContext
from ..registry import ReportFigure, register_page
from ..selection import area_streams
from ..style import area_marker, new_page, stream_colour

MIN_FIGURES = 20
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def fit(ctx: ReportContext, series_id: str):  # noqa: ANN201
    """The seasonal model of a series (cached), or None when it is too short."""
    def compute():
        from ...seasonal import seasonal_glm

        frame = ctx.frame(series_id)
        meta = ctx.meta(series_id)
        if len(frame) < MIN_FIGURES or int(meta["months"]) < 24:
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return seasonal_glm(frame, level=round(ctx.options.level * 100))
        except ResurgenceError:
            return None
    return ctx.cached(("seasonal", series_id), compute)


def _p(res, test: str) -> str:
    t = res.tests.set_index("test")
    if test not in t.index or not np.isfinite(t.at[test, "p_value"]):
        return "not tested"
    p = float(t.at[test, "p_value"])
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _ratio_ticks(axis) -> None:  # noqa: ANN001
    axis.set_major_locator(FixedLocator([0.1, 0.2, 0.5, 1, 2, 5, 10]))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


@register_page("seasonal", order=45, description="seasonal and Ramadan effects")
def build(ctx: ReportContext) -> list[ReportFigure]:
    sids = [s for st in area_streams(ctx) for s in (st.activity, st.deaths) if s]
    fits = [(sid, res) for sid in sids if (res := fit(ctx, sid)) is not None]
    if not fits:
        return []
    pct = round(ctx.options.level * 100)
    sources = list(dict.fromkeys(ctx.meta(s)["source"] for s, _ in fits))
    fig = new_page("Seasonal and Ramadan effects",
                   "Negative-binomial model of each series with a trend, the calendar year's "
                   "annual and half-year cycles and the share of each month in Ramadan "
                   f"(figures over longer intervals count with their length); {pct}% "
                   "intervals. A ratio of 1 means no effect.",
                   footer=ctx.footer(sources))
    prof, forest = fig.subplots(1, 2, width_ratios=[1.35, 1])
    rows, labels = [], []
    for k, (sid, res) in enumerate(fits):
        meta = ctx.meta(sid)
        colour, marker = stream_colour(meta["source"], meta["area"]), area_marker(meta["area"])
        dashed = meta["measure"] not in ("attacks", "events")
        sp = res.seasonal_profile
        x = np.arange(1, 13) + (k - (len(fits) - 1) / 2) * 0.09
        prof.errorbar(x, sp["rate_ratio"], yerr=[sp["rate_ratio"] - sp["rr_low"],
                                                 sp["rr_high"] - sp["rate_ratio"]],
                      color=colour, marker=marker, ms=4, lw=1.2, capsize=0, elinewidth=0.8,
                      ls="--" if dashed else "-", label=ctx.series_label(sid))
        eff = res.effects.set_index("term")
        for term, what, test in (("ramadan", "Ramadan", "ramadan"), ("trend", "trend / year",
                                                                       "trend")):
            if term in eff.index:
                rows.append((eff.at[term, "rate_ratio"], eff.at[term, "rr_low"],
                             eff.at[term, "rr_high"], colour, marker))
                labels.append(f"{ctx.series_label(sid)}\n{what}, {_p(res, test)}")
            else:
                rows.append((np.nan, np.nan, np.nan, colour, marker))
                labels.append(f"{ctx.series_label(sid)}\n{what}: not estimated (too few data)")
    prof.axhline(1, color="0.4", lw=0.8)
    prof.set_yscale("log")
    prof.set_xticks(range(1, 13), MONTHS)
    prof.set_xlabel("calendar month")
    prof.set_ylabel("rate ratio to the year's average (log scale)")
    prof.set_title("Fighting season: each calendar month against the year")
    prof.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=7, ncols=2)
    _ratio_ticks(prof.yaxis)
    y = np.arange(len(rows))[::-1]
    for yy, (rr, lo, hi, colour, marker) in zip(y, rows):
        if np.isfinite(rr):
            forest.plot([lo, hi], [yy, yy], color=colour, lw=2)
            forest.plot([rr], [yy], marker=marker, color=colour, ms=6)
    forest.axvline(1, color="0.4", lw=0.8)
    forest.set_xscale("log")
    forest.set_yticks(y, labels, fontsize=6.8)
    forest.set_ylim(-0.7, len(rows) - 0.3)
    forest.grid(axis="x", color="0.9")
    forest.grid(axis="y", visible=False)
    _ratio_ticks(forest.xaxis)
    forest.set_xlabel(f"rate ratio ({pct}% interval, log scale)")
    forest.set_ylabel("series and effect")
    forest.set_title("Ramadan and trend")
    forest.legend(handles=[Line2D([], [], color="0.3", lw=2, marker="o", label="estimate and "
                                  "interval")], loc="lower right", fontsize=7)
    return [ReportFigure("seasonal", fig.texts[0].get_text(), fig)]
