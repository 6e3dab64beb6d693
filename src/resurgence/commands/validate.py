"""``resurgence validate [PATH ...]``: check observation files, report every problem."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from ..intervals import interval_counts
from ..panel import monthly_panel
from ..reference import default_series_dir
from ..validation import consistency_report, load_observations
from ._output import FORMATS, emit, render


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check observation files (default: the bundled data/series)",
        description="Validate observation CSV files. Exit 0 when valid; otherwise print one "
        "line per problem (file, row, column, check, value) and exit 1.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders of *.csv")
    p.add_argument("--warnings", action="store_true",
                   help="list every place where a source disagrees with itself")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="format of --warnings; with csv or json, standard output holds only "
                   "the table and the status lines go to standard error")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    paths = args.paths or [default_series_dir()]
    obs = load_observations(paths, warn=False)
    intervals = interval_counts(obs)
    panel = monthly_panel(intervals)
    report = consistency_report(obs)
    nfiles = obs["_file"].nunique()
    # With a machine format, standard output holds the table alone (parseable even when
    # empty); the human status lines go to standard error.
    machine = args.format != "table"
    status = sys.stderr if machine else sys.stdout
    print(f"valid: {len(obs)} observations in {nfiles} file(s), "
          f"{panel['series_id'].nunique()} series, "
          f"{int((intervals['status'] == 'revision').sum())} revision(s) flagged", file=status)
    if len(report):
        counts = report["check"].value_counts().sort_index()
        summary = ", ".join(f"{k} {v}" for k, v in counts.items())
        print(f"warnings: {len(report)} place(s) where a source disagrees with itself ({summary})",
              file=sys.stderr)
        if not args.warnings:
            print("run `resurgence validate --warnings` to list them", file=sys.stderr)
    if args.warnings and (len(report) or machine):
        cols = ["check", "source", "area", "region", "measure", "start", "end", "total",
                "parts_low", "parts_high", "obs_ids", "message"]
        table = report[cols].copy()
        for c in ("start", "end"):  # an empty report has untyped columns
            table[c] = pd.to_datetime(table[c]).dt.strftime("%Y-%m-%d")
        emit(render(table, args.format))
    return 0
