"""Small multiples: attacks (or events) per governorate, every publisher that counts there.

One panel per governorate with at least one ``attacks``/``events`` series of 3 or
more usable figures (:func:`~resurgence.report.selection.governorate_series`),
most data first, all on the same time axis; each panel has its own y scale (the
scale is in its tick labels). Colour = publisher (shade = its area), marker = area.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..context import ReportContext
from ..draw import draw_series, finish_value_axis, series_layers
from ..registry import ReportFigure, register_page
from ..selection import governorate_series
from ..style import area_marker, date_axis, new_page, stream_colour

PER_PAGE = 9


@register_page("governorates", order=40, description="small multiples per governorate")
def build(ctx: ReportContext) -> list[ReportFigure]:
    govs = governorate_series(ctx)
    if not govs:
        return []
    regions = list(govs)
    all_layers = {sid: series_layers(ctx, sid) for r in regions for sid in govs[r]}
    ext = [lay.extent() for lay in all_layers.values()]
    span = (min(a for a, _ in ext) - pd.Timedelta(days=20),
            max(b for _, b in ext) + pd.Timedelta(days=20))
    out = []
    pages = [regions[i:i + PER_PAGE] for i in range(0, len(regions), PER_PAGE)]
    for p, chunk in enumerate(pages):
        sids = [sid for r in chunk for sid in govs[r]]
        sources = list(dict.fromkeys(ctx.meta(s)["source"] for s in sids))
        suffix = f" ({p + 1} of {len(pages)})" if len(pages) > 1 else ""
        fig = new_page(f"Attacks by governorate{suffix}",
                       "Each publisher's own count in the part of the governorate it covers "
                       "(never summed across publishers); attacks per month. Points: calendar "
                       "months; bars: longer intervals at their monthly rate. Each panel has "
                       "its own scale.",
                       footer=ctx.footer(sources))
        ncols = 3 if len(chunk) > 4 else max(1, min(len(chunk), 2))
        nrows = math.ceil(len(chunk) / ncols)
        grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[1] * nrows + [0.12])
        axes = np.empty((nrows, ncols), dtype=object)
        for i in range(nrows):
            for j in range(ncols):
                axes[i, j] = fig.add_subplot(grid[i, j],
                                             sharex=axes[0, 0] if (i or j) else None)
        legend: dict[str, Line2D] = {}
        for k, region in enumerate(chunk):
            ax = axes[k // ncols, k % ncols]
            top = max([1.0] + [all_layers[sid].robust_top() for sid in govs[region]]) * 1.05
            capped = False
            for sid in govs[region]:
                meta = ctx.meta(sid)
                colour, marker = stream_colour(meta["source"], meta["area"]), area_marker(
                    meta["area"])
                layers = all_layers[sid]
                capped |= bool((layers.bars["rate"] > top).any())
                draw_series(ax, layers, colour=colour, marker=marker, size=3.5, faint=False,
                            top=top)
                key = ctx.series_label(sid, measure=False).split(",")[0]
                if meta["measure"] != "attacks":
                    key += f" ({ctx.measure_name(meta['measure']).lower()})"
                legend.setdefault(key, Line2D([], [], color=colour, marker=marker, ms=4,
                                              lw=2, label=key))
            finish_value_axis(ax, top, cap_note=False)
            if capped:
                ax.text(0.99, 0.98, "▲ short-interval rate off scale", transform=ax.transAxes,
                        ha="right", va="top", fontsize=6, color="0.4")
            date_axis(ax, *span, label=k // ncols == nrows - 1)
            ax.set_title(region)
            ax.set_ylabel("attacks per month")  # every panel: each has its own scale
        for k in range(len(chunk), nrows * ncols):
            axes[k // ncols, k % ncols].set_axis_off()
        key_ax = fig.add_subplot(grid[nrows, :])
        key_ax.set_axis_off()
        key_ax.legend(handles=list(legend.values()), loc="center", ncols=min(5, len(legend)),
                      fontsize=7.5, borderaxespad=0)
        name = "governorates" + (f"-{p + 1}" if len(pages) > 1 else "")
        out.append(ReportFigure(name, fig.texts[0].get_text(), fig))
    return out
