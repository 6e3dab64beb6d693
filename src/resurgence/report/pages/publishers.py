"""Publishers side by side for the same ground: where they agree and where not.

For each pair from :func:`~resurgence.report.selection.publisher_pairs` with at least
``MIN_MATCHED`` matched intervals (:func:`~resurgence.report.compare.match_intervals`):
the two series on one time axis (each in its publisher's colour, a strip at the
bottom marking the matched intervals green where they agree and red where not), and
a scatter of the matched monthly rates against the line of equality with the band
of agreement (a factor of 1.5). Two measures per page.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..compare import AGREE, agreement, match_intervals
from ..context import ReportContext
from ..draw import draw_series, finish_value_axis, series_layers
from ..registry import ReportFigure, register_page
from ..selection import publisher_pairs
from ..style import area_marker, date_axis, new_page, stream_colour

MIN_MATCHED = 3
AGREE_COLOUR, DISAGREE_COLOUR = "#2a9d4b", "#c0392b"


def _row(ctx: ReportContext, axes, a: str, b: str, matched: pd.DataFrame) -> None:
    ax, sc = axes
    ma, mb = ctx.meta(a), ctx.meta(b)
    la, lb = ctx.series_label(a, measure=False), ctx.series_label(b, measure=False)
    layers = {a: series_layers(ctx, a), b: series_layers(ctx, b)}
    lo = min(matched["start"].min(), *(lay.extent()[0] for lay in layers.values()))
    hi = max(matched["end"].max(), *(lay.extent()[1] for lay in layers.values()))
    top = max(lay.robust_top() for lay in layers.values()) * 1.05
    handles = []
    for sid, meta, label in ((a, ma, la), (b, mb, lb)):
        colour = stream_colour(meta["source"], meta["area"])
        draw_series(ax, layers[sid], colour=colour, marker=area_marker(meta["area"]), top=top,
                    faint=False)
        handles.append(Line2D([], [], color=colour, marker=area_marker(meta["area"]), lw=2,
                              ms=4, label=label))
    st = agreement(matched)
    ok = _agrees(matched)
    for (s, e), good in zip(matched[["start", "end"]].itertuples(index=False), ok):
        ax.axvspan(s, e, ymin=0, ymax=0.035, color=AGREE_COLOUR if good else DISAGREE_COLOUR,
                   alpha=0.9, lw=0)
    handles += [Line2D([], [], color=AGREE_COLOUR, lw=5, label="matched: agree"),
                Line2D([], [], color=DISAGREE_COLOUR, lw=5, label="matched: differ")]
    finish_value_axis(ax, top, cap_note=False)
    date_axis(ax, lo - pd.Timedelta(days=20), hi + pd.Timedelta(days=20))
    unit = ctx.unit(ma["measure"])
    measure = ctx.measure_name(ma["measure"])
    ax.set_ylabel(f"{unit} per month")
    ax.set_title(f"{measure} ({unit} per month)")
    ax.legend(handles=handles, loc="upper left", ncols=4, fontsize=7, bbox_to_anchor=(0, 1.0),
              borderaxespad=0.2)

    colour = np.where(ok, AGREE_COLOUR, DISAGREE_COLOUR)
    is_month = (matched["kind"] == "month").to_numpy()
    ra, rb = matched["rate_a"].to_numpy(), matched["rate_b"].to_numpy()
    lim = max(1.0, float(np.nanmax(np.r_[ra, rb]))) * 1.1
    xs = np.linspace(0, lim, 50)
    sc.fill_between(xs, xs / AGREE, np.minimum(xs * AGREE, lim * 2), color="0.9", lw=0)
    sc.plot([0, lim], [0, lim], color="0.4", lw=0.8)
    sc.scatter(ra[is_month], rb[is_month], c=colour[is_month], s=22, zorder=3,
               edgecolors="none")
    sc.scatter(ra[~is_month], rb[~is_month], facecolors="none", edgecolors=colour[~is_month],
               s=22, zorder=3, linewidths=1.0)
    sc.set_xlim(0, lim)
    sc.set_ylim(0, lim)
    sc.set_aspect("equal", adjustable="box")
    sa, sb = ctx.publisher_short(ma["source"]), ctx.publisher_short(mb["source"])
    sc.set_xlabel(f"{sa}, {unit} per month")
    sc.set_ylabel(f"{sb}, {unit} per month")
    med = st["median_ratio"]
    sc.set_title(f"{st['n']} matched: {st['agree']} agree", fontsize=9)
    lines = f"{sa} higher: {st['a_higher']}\n{sb} higher: {st['b_higher']}"
    if np.isfinite(med):
        lines += f"\nmedian {sb}/{sa}: {med:.2f}"
    sc.text(0.03, 0.97, lines, transform=sc.transAxes, ha="left", va="top", fontsize=7,
            color="0.2")


def _agrees(matched: pd.DataFrame) -> np.ndarray:
    ra, rb = matched["rate_a"].to_numpy(float), matched["rate_b"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = rb / ra
    return ((r <= AGREE) & (r >= 1 / AGREE)) | (np.abs(ra - rb) <= 1.0)


@register_page("publishers", order=50, description="publishers side by side for the same area")
def build(ctx: ReportContext) -> list[ReportFigure]:
    groups: dict[tuple[str, str, str, str], list[tuple[str, str, pd.DataFrame]]] = {}
    for a, b in publisher_pairs(ctx):
        matched = match_intervals(ctx.panel.intervals, ctx.panel.monthly, a, b)
        if len(matched) < MIN_MATCHED:
            continue
        ma, mb = ctx.meta(a), ctx.meta(b)
        groups.setdefault((ma["source"], ma["area"], mb["source"], mb["area"]), []).append(
            (a, b, matched))
    out = []
    for (sa, aa, sb, ab), items in groups.items():
        for k in range(0, len(items), 2):
            chunk = items[k:k + 2]
            na = ctx.series_label(chunk[0][0], measure=False)
            nb = ctx.series_label(chunk[0][1], measure=False)
            measures = " and ".join(ctx.measure_name(ctx.meta(a)["measure"]).lower()
                                    for a, _, _ in chunk)
            fig = new_page(f"{na} and {nb}: {measures}",
                           f"Two publishers' own counts for (nearly) the same ground, never "
                           f"merged. Matched: intervals one publisher stated and the other "
                           f"covered with calendar-month figures (filled dots: the same calendar "
                           f"month; hollow: the other's months summed pro rata). Agree: within "
                           f"a factor of {AGREE:g} or 1 a month.",
                           footer=ctx.footer([sa, sb]))
            axes = fig.subplots(len(chunk), 2, width_ratios=[2.9, 1], squeeze=False)
            for row, (a, b, matched) in enumerate(chunk):
                _row(ctx, axes[row], a, b, matched)
                if row < len(chunk) - 1:
                    axes[row, 0].set_xlabel("")
            part = f"-{k // 2 + 1}" if len(items) > 2 else ""
            name = f"publishers-{sa}-{aa}-vs-{sb}-{ab}{part}".replace("_", "-")
            out.append(ReportFigure(name, fig.texts[0].get_text(), fig))
    return out
