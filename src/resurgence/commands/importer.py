"""``resurgence import {ucdp,acled,gtd} PATH ...``: event exports -> a validated observation table.

The table (CSV, the curated files' columns) goes to standard output or, with
``--out``, atomically to a file; put it in a folder with the curated tables (or
pass it to ``--data``) and the panel includes it. A summary of what was counted
goes to standard error. A malformed export is rejected with every problem listed
(file, line, column, rule, value) and exit code 1; nothing is written.

With ``--out``, the other observation tables in the same folder are checked first:
primary figures of the same publisher for the same series and months (an older
release, such as the bundled ``ucdp_ged_is.csv``) are a conflict, and the import
stops with exit code 1 unless ``--supersede`` says the new release wins (those
rows are then marked ``superseded`` in their file, with a ``choice_note``). A
table holding the very same observation ids (this release imported before under
another file name) is an error either way.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import pandas as pd

from ..sources.acled import ACLED_URL, read_acled
from ..sources.aggregate import BREAKDOWNS, MONTH_RULES, aggregate_events, observations_csv
from ..sources.events import DATE_PRECISIONS, LOCATION_PRECISIONS
from ..sources.gtd import GTD_URL, read_gtd
from ..atomic import atomic_write_text
from ..errors import InputError
from ..sources.releases import (
    describe_rows,
    is_observation_table,
    overlapping_primary,
    shared_ids,
    supersede,
)
from ..sources.ucdp import UCDP_URL, read_ucdp
from ._output import emit

_HELP = {
    "ucdp": ("UCDP GED or candidate CSV files (.csv or .csv.gz)", UCDP_URL),
    "acled": ("ACLED export CSV files; several exports of one query are reconciled", ACLED_URL),
    "gtd": ("Global Terrorism Database CSV files", GTD_URL),
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="aggregate an event export (UCDP, ACLED, GTD) into monthly observations",
        description="Read an event export, check it, and aggregate it into monthly observation "
        "rows by governorate (and optionally by violence or event type), one set of series per "
        "actor. Months inside the file's coverage without events are real zeros.",
    )
    datasets = p.add_subparsers(dest="dataset", metavar="DATASET", required=True)
    for name, (what, url) in _HELP.items():
        q = datasets.add_parser(name, help=what, description=what + ".")
        q.add_argument("paths", nargs="+", metavar="PATH", help="export file(s)")
        q.add_argument("--actor", action="append", metavar="NAME",
                       help="keep events involving this actor (repeatable: one series set each); "
                       "an id or name from data/reference/actors.csv such as IS, a UCDP actor "
                       "id, or a name as the file spells it (* and ? are wildcards)")
        q.add_argument("--associated", action="store_true",
                       help="also match ACLED's associated actors and GTD's third group")
        q.add_argument("--by", action="append", choices=sorted(BREAKDOWNS), default=[],
                       help="add series broken down by this field (repeatable)")
        q.add_argument("--regions", choices=("all", "total", "none"), default="all",
                       help="governorate series for every subset (all), only for the totals "
                       "(total), or none (default: all)")
        q.add_argument("--month-rule", choices=MONTH_RULES, default="start",
                       help="where events spanning months count (default: start)")
        q.add_argument("--location-precision", choices=LOCATION_PRECISIONS, default="region",
                       help="events located less precisely count in the unknown region "
                       "(default: region)")
        q.add_argument("--max-date-precision", choices=DATE_PRECISIONS,
                       help="drop events whose date is known less precisely")
        q.add_argument("--coverage", nargs=2, metavar=("FIRST", "LAST"),
                       help="first and last covered month, YYYY-MM (default: from the file)")
        q.add_argument("--area", default="syria", help="area id (default: syria)")
        q.add_argument("--source-url", default=url, help=f"source_url of the rows (default {url})")
        q.add_argument("--source-title", help="source_title of the rows (default: names the files)")
        q.add_argument("--release", metavar="NAME",
                       help="name of this release or export, in the observation ids and the "
                       "title, e.g. 25.1 (default: the file name); two releases need two names")
        if name == "acled":
            q.add_argument("--date-format", help="strptime format of event_date (default: detect)")
        if name == "gtd":
            q.add_argument("--perpetrators", choices=("include", "exclude"), default="include",
                           help="nkill/nwound as published (include) or without the attackers")
            q.add_argument("--encoding", default="auto",
                           help="auto (UTF-8, else Latin-1) or a codec")
        q.add_argument("--out", metavar="FILE", help="write the table to FILE (atomically)")
        q.add_argument("--supersede", action="store_true",
                       help="where another table in FILE's folder has primary figures for the "
                       "same series and months (an older release), make this import primary and "
                       "mark those rows superseded in their file (default: stop with an error)")
        q.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.supersede and not args.out:
        raise InputError("--supersede needs --out FILE: it looks for the tables to supersede "
                         "in FILE's folder")
    if args.dataset == "ucdp":
        events = read_ucdp(args.paths, area=args.area, release=args.release,
                           source_url=args.source_url)
    elif args.dataset == "acled":
        events = read_acled(args.paths, area=args.area, date_format=args.date_format,
                            release=args.release, source_url=args.source_url)
    else:
        events = read_gtd(args.paths, area=args.area, perpetrators=args.perpetrators,
                          encoding=args.encoding, release=args.release,
                          source_url=args.source_url)
    fields = ("actor1", "actor2", "actor_other") if args.associated else ("actor1", "actor2")
    obs = aggregate_events(
        events, actor=args.actor, actor_fields=fields, by=args.by, regions=args.regions,
        month_rule=args.month_rule, region_precision=args.location_precision,
        max_date_precision=args.max_date_precision,
        coverage=tuple(args.coverage) if args.coverage else None, source_title=args.source_title)
    conflicts = _conflicts(obs, Path(args.out), args.supersede) if args.out else []
    emit(observations_csv(obs), args.out)
    # the new table first: if the run stops here, validation reports the conflict (loudly);
    # the other way round, months would silently lose their primary figure
    for path, table, mask in conflicts:
        note = (f"superseded by {Path(args.out).name} ({obs['source_title'].iat[0]}), imported "
                "with --supersede")
        atomic_write_text(path, _table_csv(supersede(table, mask, note)))
        print(f"superseded {describe_rows(table, mask)} in {path}", file=sys.stderr)
    s = obs.attrs.get("summary", {})
    first, last = obs["start"].min(), obs["start"].max()
    series = obs.groupby(["region", "measure", obs["subset"].fillna("")]).ngroups
    print(f"imported {s.get('selected', len(events))} of {s.get('events', len(events))} "
          f"{args.dataset} event(s) in {args.area}: "
          f"{len(obs)} observation(s), {series} series, {first:%Y-%m}..{last:%Y-%m}; "
          f"{s.get('spanning', 0)} spanning months (rule {args.month_rule}), "
          f"{s.get('unknown_location', 0)} in the unknown region"
          + (f", written to {args.out}" if args.out else ""), file=sys.stderr)
    return 0


def _read_table(path: Path) -> pd.DataFrame | None:
    """A CSV file in the output folder as text, or None if it holds no observations."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), [])
        if not is_observation_table(header):
            return None
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, csv.Error, pd.errors.ParserError,
            pd.errors.EmptyDataError):
        return None          # not an observation table this check can read; validate says why


def _table_csv(table: pd.DataFrame) -> str:
    buf = io.StringIO()
    table.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def _conflicts(obs: pd.DataFrame, out: Path, allow: bool):
    """Tables beside ``out`` with primary figures for the new rows' series and months."""
    found, errors = [], []
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.csv")):
        if path.resolve() == out.resolve():
            continue                 # the file being replaced
        table = _read_table(path)
        if table is None:
            continue
        same = shared_ids(obs, table)
        if same:
            errors.append(f"{path} already holds {len(same):,} of these observation ids "
                          f"({same[0]}, ...): this release was imported before. Import over "
                          f"that file (--out {path}), remove it, or give this release another "
                          "name (--release NAME)")
            continue
        mask = overlapping_primary(obs, table)
        if mask.any():
            found.append((path, table, mask))
            if not allow:
                errors.append(f"{path} has primary figures for the same series and months: "
                              f"{describe_rows(table, mask)}. Two primary figures for one month "
                              "conflict: re-run with --supersede to make this import primary and "
                              f"mark those rows superseded in {path.name} (with a choice_note), "
                              "or write the import to another folder")
    if errors:
        raise InputError("; ".join(errors) + "; nothing was written")
    return found
