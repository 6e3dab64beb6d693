"""The look of every report page: A4 landscape, fonts, colours, header, footer, date ticks.

One place decides how a page looks so that every figure of the briefing matches:

* **Page**: A4 landscape (11.69 x 8.27 in), a title and a subtitle at the top, the
  sources and the report's identity in a footer, constrained layout inside.
* **Fonts**: DejaVu Sans (shipped with matplotlib, so every machine draws the same
  glyphs), embedded in the PDF as TrueType (``pdf.fonttype 42``: selectable text,
  small files).
* **Colours**: one colour per publisher (SOHR blue, CEP orange, RIC green, UCDP
  purple, ...); a publisher's second and third area get a lighter or darker shade of
  its colour, so a colour always means the same publisher and area. Each area also
  has its own marker shape.
* **Dates**: yearly ticks for long spans, quarterly for short ones, never rotated.

Figures are :class:`matplotlib.figure.Figure` objects made without pyplot, so the
report never touches pyplot's global figure list or the user's backend; the style
is applied with :func:`report_style` (a ``matplotlib.rc_context``), never by changing
the global ``rcParams``.
"""

from __future__ import annotations

import contextlib
import textwrap
import zlib
from collections.abc import Iterable, Iterator

import matplotlib as mpl
import matplotlib.layout_engine
import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = [
    "PAGE_SIZE",
    "RC",
    "report_style",
    "new_page",
    "publisher_colour",
    "stream_colour",
    "area_marker",
    "date_axis",
    "value_axis",
    "footer_text",
    "body",
    "freeze_layout",
]

#: A4 landscape, inches.
PAGE_SIZE = (11.69, 8.27)

#: matplotlib settings for every page (applied inside :func:`report_style`).
RC: dict[str, object] = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "0.88",
    "grid.linewidth": 0.6,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "lines.linewidth": 1.2,
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "pdf.fonttype": 42,  # TrueType: selectable, searchable text and small subsets
    "pdf.compression": 6,
    "svg.hashsalt": "resurgence",  # would matter only for SVG output; fixed anyway
    "path.simplify": True,
    "axes.formatter.use_mathtext": False,
    "text.usetex": False,
    "date.converter": "concise",
}

#: Fixed publisher colours (colour-blind-friendly where it matters: SOHR, CEP, RIC, UCDP).
PUBLISHER_COLOURS: dict[str, str] = {
    "sohr": "#1f5fa8",
    "cep": "#d9730d",
    "ric": "#2e8b3e",
    "ucdp": "#7b3fa0",
    "jusoor": "#8c564b",
    "syria_weekly": "#c2428f",
    "mei_lister": "#e377c2",
    "iswnews": "#6f6f6f",
    "bbc_monitoring": "#17a2b8",
    "itic": "#a6a61e",
    "centcom": "#393b79",
    "north_press": "#ad494a",
    "isis_claims": "#3a3a3a",
    "sdf": "#8ca252",
    "ikhrw": "#9c9ede",
    "acled": "#e7298a",
    "gtd": "#66a61e",
    "press": "#999999",
}

#: Shades for a publisher's areas other than its main one (same hue, so a colour
#: still says which publisher it is).
STREAM_COLOURS: dict[tuple[str, str], str] = {
    ("sohr", "regime_desert"): "#6baed6",
    ("sohr", "regime_areas"): "#4a90c8",
    ("sohr", "regime_and_sdf_areas"): "#0b2f5e",
    ("sohr", "other"): "#9ecae1",
    ("cep", "nes"): "#f2a65a",
    ("ric", "syria"): "#74c476",
    ("isis_claims", "sdf_areas"): "#7a7a7a",
}

#: Fixed marker per area.
AREA_MARKERS: dict[str, str] = {
    "sdf_areas": "o",
    "nes": "D",
    "regime_desert": "s",
    "central_syria": "^",
    "syria": "v",
    "regime_areas": "P",
    "regime_and_sdf_areas": "X",
    "iraq_syria": "<",
    "iraq": ">",
    "other": "h",
}

_FALLBACK = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7",
             "#9c755f", "#bab0ac", "#e15759")

FOOTER_WRAP = 200


@contextlib.contextmanager
def report_style() -> Iterator[None]:
    """Apply the report's matplotlib settings for the duration of a block."""
    with mpl.rc_context(RC):
        yield


def _stable_pick(key: str, options: tuple[str, ...]) -> str:
    # zlib.crc32, not hash(): the same name gets the same colour in every process
    return options[zlib.crc32(key.encode("utf-8")) % len(options)]


def publisher_colour(source: str) -> str:
    """The fixed colour of a publisher (a stable fallback for publishers not listed).

    Examples
    --------
    >>> publisher_colour("sohr"), publisher_colour("ric")
    ('#1f5fa8', '#2e8b3e')
    >>> publisher_colour("my_ngo") == publisher_colour("my_ngo")
    True
    """
    return PUBLISHER_COLOURS.get(source) or _stable_pick(source, _FALLBACK)


def stream_colour(source: str, area: str) -> str:
    """The colour of one publisher's series for one area (a shade of the publisher's).

    Examples
    --------
    >>> stream_colour("sohr", "sdf_areas"), stream_colour("sohr", "regime_desert")
    ('#1f5fa8', '#6baed6')
    """
    return STREAM_COLOURS.get((source, area)) or publisher_colour(source)


def area_marker(area: str) -> str:
    """The fixed marker shape of an area (``"o"`` for areas not listed)."""
    return AREA_MARKERS.get(area, "o")


def _fit_title(title: str, width_in: float, largest: float = 15.0) -> float:
    """The largest font size (at most ``largest``) at which ``title`` fits ``width_in``."""
    per_char_at_1pt = 0.64 / 72.0  # bold DejaVu Sans, average glyph width per point
    return max(9.0, min(largest, width_in / (per_char_at_1pt * max(len(title), 1))))


def new_page(title: str, subtitle: str = "", *, footer: str = "",
             size: tuple[float, float] = PAGE_SIZE) -> Figure:
    """An empty A4 landscape page with title, subtitle and footer, constrained layout inside.

    The title shrinks to fit the width; the subtitle wraps. The header and footer
    are placed by hand and the layout engine is told to keep out of them, so axes
    never overlap either.
    """
    fig = Figure(figsize=size, layout="constrained")
    width = size[0] - 0.4
    fig.text(0.015, 0.975, title, ha="left", va="top", fontweight="bold",
             fontsize=_fit_title(title, width))
    sub_lines = textwrap.wrap(subtitle, int(width * 72 / (9.0 * 0.56))) if subtitle else []
    if sub_lines:
        fig.text(0.015, 0.935, "\n".join(sub_lines), ha="left", va="top", fontsize=9.0,
                 color="0.3", linespacing=1.3)
    if footer:
        fig.text(0.015, 0.012, footer, ha="left", va="bottom", fontsize=7, color="0.35",
                 linespacing=1.3)
    lines = footer.count("\n") + 1 if footer else 0
    bottom = 0.03 + 0.018 * lines
    top = 0.935 - 0.021 * len(sub_lines) - 0.012 if sub_lines else 0.93
    fig.get_layout_engine().set(rect=(0.005, bottom, 0.99, top - bottom), h_pad=0.06,
                                w_pad=0.06)
    fig._resurgence_body = (bottom, top)  # where page builders without a layout engine may draw
    return fig


def freeze_layout(fig: Figure, decimals: int = 6) -> None:
    """Run the layout engine once, round every axes position and switch the engine off.

    The constrained-layout solver's last bits vary from process to process (its
    internal order is not fixed), which moves text by 1e-10 points and changes the
    PDF's bytes. Rounding the solved positions to ``decimals`` (1e-6 of the page)
    makes every later draw, and so every file, identical.
    """
    engine = fig.get_layout_engine()
    if engine is None or not isinstance(engine, mpl.layout_engine.ConstrainedLayoutEngine):
        return
    fig.draw_without_rendering()
    for ax in fig.axes:
        pos = ax.get_position(original=True)
        ax.set_position([round(float(v), decimals) for v in pos.bounds], which="both")
    fig.set_layout_engine("none")


def body(fig: Figure) -> tuple[float, float]:
    """The figure-y range between the header and the footer of a page from :func:`new_page`."""
    return getattr(fig, "_resurgence_body", (0.06, 0.9))


def footer_text(sources: Iterable[str], names: dict[str, str], *, note: str = "",
                ident: str = "") -> str:
    """The footer: the publishers cited (full names, in the order given), a note, the report id.

    Examples
    --------
    >>> footer_text(["sohr"], {"sohr": "Syrian Observatory for Human Rights"}, ident="x")
    'Sources: Syrian Observatory for Human Rights. x'
    """
    seen: list[str] = []
    for s in sources:
        if s not in seen:
            seen.append(s)
    parts = []
    if seen:
        parts.append("Sources: " + "; ".join(names.get(s, s) for s in seen) + ".")
    if note:
        parts.append(note)
    if ident:
        parts.append(ident)
    text = " ".join(parts)
    return "\n".join(textwrap.wrap(text, FOOTER_WRAP)) if text else ""


def date_axis(ax: Axes, start: pd.Timestamp, end: pd.Timestamp, *, label: bool = True) -> None:
    """Month ticks that never overlap: yearly for spans over three years, else quarterly."""
    ax.set_xlim(start, end)
    years = (end - start).days / 365.25
    if years > 3:
        base = 1 if years <= 9 else 2
        ax.xaxis.set_major_locator(mdates.YearLocator(base=base))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    else:
        months = (1, 7) if years > 1.5 else (1, 4, 7, 10)
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=months))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
        ax.xaxis.set_minor_locator(mdates.MonthLocator())
    if label:
        ax.set_xlabel("month")


def value_axis(ax: Axes, label: str, *, nbins: int = 5) -> None:
    """A count axis starting at zero with a few round ticks."""
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=nbins, min_n_ticks=3))
    ax.set_ylabel(label)
