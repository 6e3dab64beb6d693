"""The orchestrator: a panel and options in, the briefing's figures out (no file I/O).

Pages come from the registry (:mod:`resurgence.report.registry`) in their
registered order; a page kind may give several figures (one per area, or a table
continued on a second page) or none (nothing to show for this data).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..panel import Panel
from .context import ReportContext, ReportOptions
from ..progress import NULL, Progress
from .registry import ReportFigure, page_kinds
from .style import freeze_layout, report_style

__all__ = ["Report", "build_report"]


@dataclass
class Report:
    """The built briefing: its month, its pages in order and the context they came from."""

    month: pd.Timestamp
    figures: list[ReportFigure]
    context: ReportContext

    @property
    def pdf_name(self) -> str:
        """``resurgence-YYYY-MM.pdf``."""
        return f"resurgence-{self.month:%Y-%m}.pdf"

    @property
    def title(self) -> str:
        return f"ISIS activity in Syria: briefing for {self.month:%B %Y}"

    def close(self) -> None:
        """Drop the figures (frees their memory at once)."""
        self.figures.clear()


def build_report(panel: Panel, *, month: str | pd.Timestamp | None = None,
                 options: ReportOptions | None = None,
                 progress: Progress | None = None) -> Report:
    """Build every page of the briefing for ``month`` (default: the latest stated month).

    Parameters
    ----------
    panel : Panel
        From :func:`resurgence.load_panel` (the bundled data or a user's folder).
    month : str or Timestamp, optional
        ``YYYY-MM``. The report uses the figures that end by the end of that month.
    options : ReportOptions, optional
    progress : Progress, optional
        Told about each page kind as it is built.

    Returns
    -------
    Report

    Raises
    ------
    InputError
        If the data holds no series, or ``month`` is before the first figure.

    Examples
    --------
    >>> from resurgence import load_panel
    >>> rep = build_report(load_panel(["docs/examples/report_data"]), month="2023-06")
    >>> rep.pdf_name, rep.figures[0].name
    ('resurgence-2023-06.pdf', 'summary')
    """
    progress = progress or NULL
    ctx = ReportContext.create(panel, month, options)
    kinds = page_kinds()
    figures: list[ReportFigure] = []
    progress.phase("building pages", len(kinds))
    with report_style():
        for kind in kinds:
            for fig in kind.builder(ctx):
                if not (fig.name == kind.name or fig.name.startswith(kind.name + "-")):
                    raise RuntimeError(f"page {fig.name!r} of kind {kind.name!r} must be "
                                          f"named {kind.name!r} or {kind.name}-...")
                freeze_layout(fig.figure)
                figures.append(fig)
            progress.step(detail=kind.name)
    names = [f.name for f in figures]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise RuntimeError(f"two pages with the same name: {', '.join(dup)}")
    return Report(ctx.month, figures, ctx)
