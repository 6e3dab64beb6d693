"""``resurgence report``: regenerate the PDF briefing and its PNGs.

Writes ``OUT/resurgence-YYYY-MM.pdf`` and ``OUT/png/<page>.png`` (default
``OUT = reports``) from the bundled data or ``--data`` folders. The default month is
the latest month with a calendar-month figure in the data. A progress bar is
drawn on standard error when it is a terminal, not in CI, and only for runs
longer than a second; standard output gets one line per file written.
"""

from __future__ import annotations

import argparse
import sys
import time

from ..months import parse_month
from .series import add_data_argument


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="regenerate the PDF briefing and its PNGs (reports/)",
        description="Regenerate reports/resurgence-YYYY-MM.pdf (summary, coverage, one page "
        "per area with levels and changepoints, governorates, publishers side by side, "
        "sources) and one PNG per page under reports/png/. Same data, same bytes.",
    )
    add_data_argument(p)
    p.add_argument("--month", metavar="YYYY-MM",
                   help="report month (default: the latest month with a calendar-month figure); "
                   "figures ending after it are left out")
    p.add_argument("--out", metavar="DIR", default="reports",
                   help="output folder (default: reports)")
    p.add_argument("--no-png", action="store_true", help="write the PDF only")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="no progress bar and no list of files")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..panel import load_panel
    from ..report import build_report, write_report
    from ..progress import Progress

    month = parse_month(args.month) if args.month else None
    t0 = time.monotonic()
    progress = Progress(None if args.quiet else sys.stderr)
    with progress:
        progress.phase("loading data", 1)
        panel = load_panel(args.data)
        progress.step()
        report = build_report(panel, month=month, progress=progress)
        written = write_report(report, args.out, png=not args.no_png, progress=progress)
    if not args.quiet:
        for path in written:
            print(path)
        print(f"{len(report.figures)} page(s) for {report.month:%Y-%m} in "
              f"{time.monotonic() - t0:.1f} s", file=sys.stderr)
    return 0
