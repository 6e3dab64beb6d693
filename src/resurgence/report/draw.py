"""Drawing one series on an axes: the primitives every page shares.

A series is drawn the way its data is: a calendar month stated by the publisher is
a point in the middle of its month (filled when exact, hollow when the figure is a
bound or approximate, joined to the neighbouring month only when both are stated);
a count over a longer or odd interval is a horizontal bar from its start to its end
at its monthly rate (``value / months``). Bars the changepoint model uses are solid;
intervals that overlap them (e.g. an annual total beside monthly figures) are drawn
faint. Rates from very short intervals can be far off scale: the y axis is cut at a
robust maximum and those bars are marked with a triangle at the top.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from ..changepoints import ChangepointResult
from .context import ReportContext

__all__ = ["SeriesLayers", "series_layers", "draw_series", "draw_changepoints",
           "finish_value_axis", "MID_MONTH"]

MID_MONTH = pd.Timedelta(days=14)
MODEL_COLOUR = "#222222"
CHANGE_COLOUR = "#c0392b"


@dataclass(frozen=True)
class SeriesLayers:
    """The drawable parts of one series."""

    months: pd.DataFrame      # month, value, exact (calendar-month figures)
    bars: pd.DataFrame        # start, end, rate (coarse intervals used by the model)
    faint: pd.DataFrame       # start, end, rate (coarse intervals overlapping those used)

    @property
    def empty(self) -> bool:
        return self.months.empty and self.bars.empty and self.faint.empty

    def extent(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        starts = [self.months["month"].min(), self.bars["start"].min(), self.faint["start"].min()]
        ends = [self.months["month"].max() + pd.offsets.MonthBegin(1), self.bars["end"].max(),
                self.faint["end"].max()]
        return (min(s for s in starts if pd.notna(s)), max(e for e in ends if pd.notna(e)))

    def robust_top(self) -> float:
        """A y limit that the points and bars of half a month or more stay under."""
        vals = list(self.months["value"].dropna())
        for frame in (self.bars, self.faint):
            long = frame[frame["months"] >= 0.5]
            vals += list(long["rate"])
        if not vals:
            vals = list(self.bars["rate"]) + list(self.faint["rate"])
        return float(max(vals)) if vals else 1.0


def _is_calendar(start: pd.Series, end: pd.Series) -> pd.Series:
    return (start.dt.day == 1) & (end == start + pd.offsets.MonthBegin(1))


def series_layers(ctx: ReportContext, series_id: str) -> SeriesLayers:
    """Split a series' usable interval counts into calendar-month points and bars."""
    iv = ctx.panel.intervals
    iv = iv[(iv["series_id"] == series_id) & (iv["status"] == "ok")]
    cal = (iv["derivation"] == "period") & _is_calendar(iv["start"], iv["end"])
    months = pd.DataFrame({"month": iv.loc[cal, "start"], "value": iv.loc[cal, "value"],
                           "exact": iv.loc[cal, "qualifier"] == "exact"})
    months = months.sort_values("month", kind="stable").reset_index(drop=True)
    coarse = iv[~cal]
    used = ctx.frame(series_id)
    used_keys = set(zip(used["start"], used["end"], used["value"]))
    is_used = np.array([k in used_keys for k in zip(coarse["start"], coarse["end"],
                                                     coarse["value"])], dtype=bool)

    def bars(rows: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame({"start": rows["start"], "end": rows["end"],
                            "months": rows["months"].astype(float),
                            "rate": rows["value"] / rows["months"],
                            "exact": rows["qualifier"] == "exact"})
        return out.sort_values(["start", "end"], kind="stable").reset_index(drop=True)

    return SeriesLayers(months, bars(coarse[is_used]), bars(coarse[~is_used]))


def draw_series(ax: Axes, layers: SeriesLayers, *, colour: str, marker: str = "o",
                label: str = "", top: float | None = None, size: float = 4.5,
                faint: bool = True) -> list[Line2D]:
    """Draw points, bars and faint bars; return legend handles (points, bars).

    ``top`` cuts the axis: bars whose rate is above it are drawn at it with a
    triangle marker.
    """
    handles: list[Line2D] = []
    m = layers.months
    if len(m):
        full = pd.Series(m["value"].to_numpy(), index=pd.DatetimeIndex(m["month"]))
        full = full[~full.index.duplicated()].asfreq("MS")
        ax.plot(full.index + MID_MONTH, full.to_numpy(), color=colour, lw=0.8, alpha=0.55,
                zorder=3)
        for exact, face in ((True, colour), (False, "white")):
            sel = m[m["exact"] == exact]
            if len(sel):
                ax.plot(sel["month"] + MID_MONTH, sel["value"], ls="none", marker=marker,
                        ms=size, mfc=face, mec=colour, mew=1.0, color=colour, zorder=4)
        handles.append(Line2D([], [], ls="none", marker=marker, ms=size, color=colour,
                              label=f"{label}: calendar month" if label else "calendar month"))
    if faint and len(layers.faint):
        _bars(ax, layers.faint, colour, top, lw=1.6, alpha=0.3)
    if len(layers.bars):
        _bars(ax, layers.bars, colour, top, lw=2.6, alpha=0.95)
        handles.append(Line2D([], [], color=colour, lw=2.6,
                              label=f"{label}: longer interval" if label
                              else "longer interval (rate)"))
    return handles


def _bars(ax: Axes, bars: pd.DataFrame, colour: str, top: float | None, *, lw: float,
          alpha: float) -> None:
    rate = bars["rate"].to_numpy(dtype=float)
    shown = rate if top is None else np.minimum(rate, top)
    ax.hlines(shown, bars["start"], bars["end"], colors=colour, lw=lw, alpha=alpha, zorder=3,
              capstyle="butt")
    if top is not None and np.any(rate > top):
        over = bars[rate > top]
        mid = over["start"] + (over["end"] - over["start"]) / 2
        ax.plot(mid, np.full(len(over), top), ls="none", marker="^", ms=5, color=colour,
                alpha=alpha, zorder=5, clip_on=False)


def draw_changepoints(ax: Axes, ctx: ReportContext, series_id: str,
                      res: ChangepointResult) -> list[Line2D]:
    """Segment levels with their intervals and changepoints with their location intervals."""
    frame = ctx.frame(series_id)
    starts, ends = frame["start"].to_numpy(), frame["end"].to_numpy()
    for s in res.segments.itertuples():
        x0, x1 = starts[int(s.start)], ends[int(s.end) - 1]
        ax.fill_between([x0, x1], s.level_lo, s.level_hi, color=MODEL_COLOUR, alpha=0.13, lw=0,
                        zorder=2)
        ax.hlines(s.level, x0, x1, colors=MODEL_COLOUR, lw=1.8, zorder=5)
    for c in res.changepoints.itertuples():
        i, lo, hi = int(c.index), int(c.loc_lo), int(c.loc_hi)
        left = ends[lo - 1] if lo > 0 else starts[lo]
        right = starts[hi]
        if right <= left:
            right = left + np.timedelta64(15, "D")
        ax.axvspan(left, right, color=CHANGE_COLOUR, alpha=0.12, lw=0, zorder=1)
        ax.axvline(starts[i], color=CHANGE_COLOUR, ls="--", lw=1.0, zorder=2)
    pct = round(ctx.options.level * 100)
    handles = [Line2D([], [], color=MODEL_COLOUR, lw=1.8,
                      label=f"segment level ({pct}% interval)")]
    if len(res.changepoints):
        handles.append(Line2D([], [], color=CHANGE_COLOUR, ls="--", lw=1.0,
                              label=f"changepoint ({pct}% interval)"))
    return handles


def finish_value_axis(ax: Axes, top: float, *, cap_note: bool) -> None:
    """Fix the y range to ``[0, top * 1.08]``."""
    ax.set_ylim(0, max(top, 1.0) * 1.08)
    if cap_note:
        ax.text(0.995, 0.99, "▲ rate of a very short interval, off scale", transform=ax.transAxes,
                ha="right", va="top", fontsize=6.5, color="0.4")
