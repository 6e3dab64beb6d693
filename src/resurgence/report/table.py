"""Text tables drawn on an axes, with wrapping per column and measured row heights.

matplotlib's own ``Axes.table`` does not wrap cell text, so long counting rules or
source titles would overlap. Here each column gets a width (a fraction of the
axes), each cell is wrapped to the characters that fit that width, and every row
is as tall as its tallest cell. :func:`paginate` splits rows into pages that fit.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

__all__ = ["Table", "draw_table", "paginate"]

CHAR_EM = 0.56  # average width of a DejaVu Sans character, in ems (conservative)
BOLD_EM = 0.64  # the same for bold
LINE = 1.32     # line height, in font sizes


@dataclass(frozen=True)
class Table:
    """Column headers, relative widths (summing to <= 1) and the font size."""

    header: Sequence[str]
    widths: Sequence[float]
    fontsize: float = 8.0
    bold_first: bool = False

    def chars(self, ax_width_in: float) -> list[int]:
        out = []
        for i, w in enumerate(self.widths):
            em = BOLD_EM if (i == 0 and self.bold_first) else CHAR_EM
            out.append(max(4, int(w * ax_width_in / (self.fontsize * em / 72.0)) - 2))
        return out

    def wrap(self, row: Sequence[str], ax_width_in: float) -> list[list[str]]:
        return [textwrap.wrap(str(cell), n, break_on_hyphens=False) or [""]
                for cell, n in zip(row, self.chars(ax_width_in))]

    def row_height_in(self, row: Sequence[str], ax_width_in: float) -> float:
        lines = max(len(c) for c in self.wrap(row, ax_width_in))
        return (lines * LINE + 0.45) * self.fontsize / 72.0


def _axes_size(ax: Axes) -> tuple[float, float]:
    bbox = ax.get_position()
    w, h = ax.figure.get_size_inches()
    return bbox.width * w, bbox.height * h


def draw_table(ax: Axes, table: Table, rows: Sequence[Sequence[str]], *, y: float = 1.0,
               size_in: tuple[float, float] | None = None) -> float:
    """Draw ``rows`` under a header starting at axes-y ``y``; return the y where it ended.

    ``size_in`` is the axes size in inches (needed when the layout engine has not
    placed the axes yet); by default the axes' current position is used.
    """
    ax.set_axis_off()
    width_in, height_in = size_in or _axes_size(ax)
    xs = [0.0]
    for w in table.widths[:-1]:
        xs.append(xs[-1] + w)
    fs = table.fontsize

    def put(cells: Sequence[str], y0: float, weight: str, colour: str) -> float:
        wrapped = table.wrap(cells, width_in)
        for i, (x, lines) in enumerate(zip(xs, wrapped)):
            w = "bold" if (table.bold_first and i == 0) else weight
            ax.text(x, y0, "\n".join(lines), transform=ax.transAxes, ha="left", va="top",
                    fontsize=fs, fontweight=w, color=colour, linespacing=LINE * 0.9)
        return table.row_height_in(cells, width_in) / height_in

    h = put(table.header, y, "bold", "0.1")
    pad = 0.25 * fs / 72 / height_in
    y -= h
    ax.plot([0, 1], [y + pad] * 2, transform=ax.transAxes, color="0.3", lw=0.8,
            clip_on=False)
    for k, row in enumerate(rows):
        dy = table.row_height_in(row, width_in) / height_in
        if k % 2 == 1:
            ax.add_patch(Rectangle((0, y - dy + pad), 1, dy, transform=ax.transAxes,
                                   color="0.95", lw=0, zorder=0))
        put(row, y, "normal", "0.1")
        y -= dy
    return y


def paginate(table: Table, rows: Sequence[Sequence[str]], width_in: float,
             height_in: float) -> list[list[Sequence[str]]]:
    """Split rows into pages whose rows (plus the header) fit ``height_in`` inches."""
    pages: list[list[Sequence[str]]] = [[]]
    used = table.row_height_in(table.header, width_in)
    for row in rows:
        h = table.row_height_in(row, width_in)
        if pages[-1] and used + h > height_in:
            pages.append([])
            used = table.row_height_in(table.header, width_in)
        pages[-1].append(row)
        used += h
    return pages
