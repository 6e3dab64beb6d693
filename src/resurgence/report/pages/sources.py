"""Sources page: every publisher, its counting rule and licence, and the citations owed.

All publishers of ``data/reference/publishers.csv`` are listed (with how many
figures of each the data holds, so a reader sees which ones the briefing rests
on), then UCDP's CC BY 4.0 citation. The table continues on further pages when it
does not fit one.
"""

from __future__ import annotations

import textwrap

from ..context import ReportContext
from ..registry import ReportFigure, register_page
from ..style import PAGE_SIZE, body, new_page
from ..table import Table, draw_table, paginate

UCDP_CITATION = (
    "UCDP Georeferenced Event Dataset (GED), licensed CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/). Cite: Sundberg, Ralph and Erik Melander "
    "(2013), Introducing the UCDP Georeferenced Event Dataset, Journal of Peace Research "
    "50(4): 523-532; and Högbladh, Stina (2019), UCDP GED Codebook version 19.1, Department "
    "of Peace and Conflict Research, Uppsala University.")
NOTE = (
    "Every figure in this briefing is a publisher's own count as stated on the page cited in "
    "the data (data/series/*.csv, column source_url); publishers are never summed or merged. "
    "ACLED and GTD rows are never redistributed: resurgence reads a user's own export.")

TABLE = Table(["Publisher", "Counting rule", "Licence / terms", "Figures used"],
              [0.21, 0.51, 0.18, 0.10], fontsize=7.6, bold_first=True)
BOX = (0.02, 0.20, 0.96, 0.68)


def publisher_rows(ctx: ReportContext) -> list[list[str]]:
    obs = ctx.panel.observations
    used = obs[obs["use"] == "primary"]
    counts = used.groupby("source").size()
    rows = []
    for p in ctx.reference.publishers.itertuples(index=False):
        n = int(counts.get(p.id, 0))
        span = ""
        if n:
            sel = used[used["source"] == p.id]
            first = sel["start"].min() if sel["start"].notna().any() else sel["end"].min()
            span = f" ({first:%Y}–{sel['end'].max():%Y})"
        name = f"{p.name} [{p.id}]" + (f" {p.url}" if p.url else "")
        rows.append([name, p.counting_rule, p.licence, f"{n}{span}" if n else "none"])
    return rows


@register_page("sources", order=90, description="sources: publishers, counting rules, licences")
def build(ctx: ReportContext) -> list[ReportFigure]:
    W, H = PAGE_SIZE
    rows = publisher_rows(ctx)
    size = (BOX[2] * W, BOX[3] * H)
    pages = paginate(TABLE, rows, *size)
    out = []
    for k, chunk in enumerate(pages):
        suffix = f" ({k + 1} of {len(pages)})" if len(pages) > 1 else ""
        fig = new_page(f"Sources: publishers, counting rules and licences{suffix}",
                       "Each publisher counts differently; read every series with its rule. "
                       "'Figures used': primary rows in the data behind this briefing.",
                       footer=ctx.footer([], note="Publishers' details: data/reference/"
                                         "publishers.csv; every figure's page: data/series/."))
        lo, hi = body(fig)
        fig.set_layout_engine("none")
        ax = fig.add_axes((BOX[0], BOX[1], BOX[2], hi - BOX[1]))
        draw_table(ax, TABLE, chunk, size_in=size)
        if k == len(pages) - 1:
            tail = fig.add_axes((0.02, 0.06, 0.96, 0.12))
            tail.set_axis_off()
            text = "\n".join(textwrap.wrap(NOTE, 190) + [""] + textwrap.wrap(UCDP_CITATION, 190))
            tail.text(0, 1, text, transform=tail.transAxes, ha="left", va="top", fontsize=7.6,
                      color="0.15", linespacing=1.35)
        name = "sources" + (f"-{k + 1}" if len(pages) > 1 else "")
        out.append(ReportFigure(name, fig.texts[0].get_text(), fig))
    return out
