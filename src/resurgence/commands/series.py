"""``resurgence series``: the monthly panel (or its series list, or its intervals)."""

from __future__ import annotations

import argparse

from ..months import format_month
from ..panel import load_panel, select_series
from ._output import FORMATS, emit, render


def add_data_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", action="append",
                   help="observation files or folders (default: the bundled data/series); repeatable")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "series",
        help="print the monthly panel (one row per series and month)",
        description="Print the long monthly panel: months no source states are empty, not 0. "
        "Filters combine; regions accept any alias.",
    )
    add_data_argument(p)
    p.add_argument("--source", help="publisher id, e.g. sohr")
    p.add_argument("--area", help="area id, e.g. sdf_areas")
    p.add_argument("--region", help="region name, alias or code, e.g. ALL or 'Deir Ezzor'")
    p.add_argument("--measure", help="measure id, e.g. attacks")
    p.add_argument("--subset", help="subset of an event dataset, e.g. violence=one_sided")
    p.add_argument("--series", dest="series_id", metavar="ID", help="one series id")
    view = p.add_mutually_exclusive_group()
    view.add_argument("--list", action="store_true", help="one row per series with its coverage")
    view.add_argument("--intervals", action="store_true",
                      help="the interval counts (coarser periods and running-total differences)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    panel = load_panel(args.data)
    filters = dict(source=args.source, area=args.area, region=args.region, measure=args.measure,
                   subset=args.subset, series_id=args.series_id)
    if args.list:
        table = select_series(panel.series, **filters).copy()
        for c in ("first_month", "last_month"):
            table[c] = table[c].map(format_month)
    elif args.intervals:
        table = select_series(panel.intervals, **filters).copy()
        for c in ("start", "end"):
            table[c] = table[c].dt.strftime("%Y-%m-%d")
        table["months"] = table["months"].round(3)
    else:
        table = select_series(panel.monthly, **filters).copy()
        table["month"] = table["month"].map(format_month)
    if args.format == "csv" and "value" in table.columns:
        # counts print as integers; a missing month stays an empty field
        table["value"] = table["value"].astype("Int64")
    emit(render(table.reset_index(drop=True), args.format), args.out)
    return 0
