"""The PDF and PNG briefing: ``resurgence report`` and its library API.

>>> from resurgence import load_panel
>>> from resurgence.report import build_report
>>> rep = build_report(load_panel(["docs/examples/report_data"]))   # or load_panel()
>>> [f.name for f in rep.figures][:4]
['summary', 'alerts', 'coverage', 'area-cep-central-syria']

Layout: :mod:`~.build` (which pages, no I/O), :mod:`~.pages` (one module per page
kind, registered in :mod:`~.registry`), :mod:`~.selection` (which series),
:mod:`~.draw` and :mod:`~.style` (how series and pages look), :mod:`~.render`
(deterministic, atomic files); the terminal progress bar is :mod:`resurgence.progress`.
"""

from .build import Report, build_report
from .context import ReportContext, ReportOptions, default_month
from ..progress import Progress
from .registry import ReportFigure, register_overlay, register_page
from .render import pdf_bytes, png_bytes, write_report

__all__ = [
    "Report",
    "ReportContext",
    "ReportFigure",
    "ReportOptions",
    "Progress",
    "build_report",
    "default_month",
    "pdf_bytes",
    "png_bytes",
    "register_overlay",
    "register_page",
    "write_report",
]
