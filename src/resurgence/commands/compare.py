"""``resurgence compare SERIES_A SERIES_B``: two publishers' series side by side.

Prints one row per month both series state (``--either``: every month one of
them does) with the difference and the ratio, then a summary line on standard
error (months, totals, ratio of totals, correlations).
"""

from __future__ import annotations

import argparse
import sys

from ..months import format_month
from ..panel import load_panel
from ..sources.compare import compare_series, comparison_summary
from ._output import FORMATS, emit, render
from .series import add_data_argument


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="put two series side by side (e.g. UCDP against SOHR or RIC)",
        description="Compare two series of the panel month by month: the months both state, "
        "the difference (a - b) and the ratio (a / b). Publishers count different things; "
        "the comparison shows where they agree, it never merges them.",
    )
    p.add_argument("series_a", metavar="SERIES_A",
                   help="series id, e.g. ucdp/syria/all/events")
    p.add_argument("series_b", metavar="SERIES_B",
                   help="series id, e.g. ric/nes/all/sleeper_cell_attacks")
    add_data_argument(p)
    p.add_argument("--either", action="store_true",
                   help="every month either series states (the other is empty)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    panel = load_panel(args.data)
    table = compare_series(panel, args.series_a, args.series_b,
                           months="either" if args.either else "both")
    summary = comparison_summary(table)
    shown = table.copy()
    shown["month"] = shown["month"].map(format_month)
    shown["ratio"] = shown["ratio"].round(3)
    if args.format != "json":
        for col in shown.columns[1:4]:
            shown[col] = shown[col].astype("Int64")
    emit(render(shown, args.format), args.out)
    print(f"{summary['months']} month(s) both state: totals {summary['total_a']:g} and "
          f"{summary['total_b']:g} (ratio {summary['ratio_of_totals']:.3g}), mean absolute "
          f"difference {summary['mean_abs_difference']:.3g}, correlation "
          f"{summary['pearson']:.2f} (Spearman {summary['spearman']:.2f})", file=sys.stderr)
    return 0
