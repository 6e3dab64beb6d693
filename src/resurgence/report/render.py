"""Figures -> bytes -> files: a deterministic PDF and PNGs, written atomically.

* **Deterministic**: the PDF's metadata is fixed (no creation or modification date,
  so ``SOURCE_DATE_EPOCH`` does not matter; a fixed Producer), fonts are embedded
  subsets of DejaVu Sans (``pdf.fonttype 42``), PNGs carry a fixed ``Software``
  tag; page order is the registry's. The same data and the same library versions
  give byte-identical files.
* **Atomic**: everything is rendered in memory first; only then is each file
  written to a temporary name beside its target and renamed over it (PNGs first,
  the PDF last). A run killed while rendering (nearly all of its time) leaves the
  previous files untouched and no temporary file; temporary files a run killed
  during the final writes could leave are removed by the next run.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages

from .._version import __version__
from ..atomic import atomic_write_bytes
from .build import Report
from ..progress import NULL, Progress
from .registry import ReportFigure, page_kinds
from .style import report_style

__all__ = ["pdf_bytes", "png_bytes", "write_report", "PNG_DPI"]

PNG_DPI = 120
PRODUCER = f"resurgence {__version__} (matplotlib pdf backend)"


def pdf_bytes(figures: Sequence[ReportFigure], *, title: str = "", subject: str = "",
              progress: Progress = NULL) -> bytes:
    """All pages in one PDF, with fixed metadata (no dates)."""
    buf = io.BytesIO()
    meta = {"Title": title, "Author": "resurgence", "Subject": subject,
            "Keywords": "ISIS; Syria; conflict monitoring; changepoints",
            "Creator": f"resurgence {__version__}", "Producer": PRODUCER,
            "CreationDate": None, "ModDate": None}
    with report_style(), PdfPages(buf, metadata=meta) as pdf:
        for f in figures:
            pdf.savefig(f.figure)
            progress.step(detail=f.name)
    return buf.getvalue()


def png_bytes(figure: ReportFigure, *, dpi: int = PNG_DPI) -> bytes:
    """One page as a PNG with fixed metadata."""
    buf = io.BytesIO()
    with report_style():
        figure.figure.savefig(buf, format="png", dpi=dpi,
                              metadata={"Software": f"resurgence {__version__}"})
    return buf.getvalue()


def _clean_temporaries(folder: Path) -> None:
    # temporaries of atomic_path are named .<target>.<random>.tmp
    if not folder.is_dir():
        return
    for p in sorted(folder.glob(".*.tmp")):
        if p.name.startswith((".resurgence-", )) or ".png." in p.name:
            p.unlink(missing_ok=True)


def _write_if_changed(target: Path, data: bytes) -> None:
    if not (target.is_file() and target.stat().st_size == len(data)
            and target.read_bytes() == data):
        atomic_write_bytes(target, data)


def write_report(report: Report, out_dir: str | os.PathLike[str] = "reports", *,
                 png: bool = True, progress: Progress = NULL) -> list[Path]:
    """Render ``report`` and write ``out_dir/resurgence-YYYY-MM.pdf`` and ``out_dir/png/*.png``.

    PNGs of earlier runs whose pages this run no longer has (e.g. an area that
    dropped out) are removed; other files in ``png/`` are left alone.

    Returns
    -------
    list of Path
        The files written, PNGs first and the PDF last.
    """
    out = Path(out_dir)
    png_dir = out / "png"
    progress.phase("rendering PDF", len(report.figures))
    pdf = pdf_bytes(report.figures, title=report.title,
                    subject=f"resurgence briefing {report.month:%Y-%m}", progress=progress)
    pngs: dict[str, bytes] = {}
    if png:
        progress.phase("rendering PNGs", len(report.figures))
        for f in report.figures:
            pngs[f.name] = png_bytes(f)
            progress.step(detail=f.name)
    # Everything is rendered: now the short commit phase.
    _clean_temporaries(out)
    _clean_temporaries(png_dir)
    written = []
    for name, data in pngs.items():
        target = png_dir / f"{name}.png"
        _write_if_changed(target, data)
        written.append(target)
    target = out / report.pdf_name
    _write_if_changed(target, pdf)
    written.append(target)
    if png and png_dir.is_dir():
        kinds = [k.name for k in page_kinds()]
        for p in sorted(png_dir.glob("*.png")):
            ours = any(p.stem == k or p.stem.startswith(k + "-") for k in kinds)
            if ours and p.stem not in pngs:
                p.unlink()
    return written
