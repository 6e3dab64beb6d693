#!/usr/bin/env python3
"""Regenerate the bundled UCDP data from ../shared/sources/ucdp_ged_syria/.

1. ``data/events/ucdp_ged_is_syria_20160101_20191130.csv.gz``: the rows of UCDP's
   GED Syria 2016-01-01..2019-11-30 release that involve the Islamic State
   (``side_a_new_id == 234`` or ``side_b_new_id == 234``: UCDP actor 234, named
   ``IS``), every column and value unchanged, in the release's row order.
2. ``data/series/ucdp_ged_is.csv``: monthly observations built from that file by
   the package itself (``read_ucdp`` + ``aggregate_events``): events, deaths (best,
   low, high) by governorate (plus ``unknown`` and ``ALL``) and, nationally, by
   violence type; coverage 2016-01..2019-11 (the release's period); month rule
   ``split`` (see ``MONTH_RULE``); default location rule (``where_prec`` 6-7 ->
   ``unknown``).

Usage::

    python scripts/import_ucdp_events.py [--sources ../shared/sources] [--check]

``--check`` exits 1 if the committed files differ from what the source gives
(a test runs it), instead of writing. The event file is compared by content
(gzip bytes depend on the zlib version).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from resurgence.atomic import atomic_write_bytes, atomic_write_text  # noqa: E402
from resurgence.errors import DataWarning  # noqa: E402
from resurgence.sources.aggregate import aggregate_events, observations_csv  # noqa: E402
from resurgence.sources.ucdp import read_ucdp  # noqa: E402

RAW = Path("ucdp_ged_syria") / "ucdp_ged_syria_20160101_20191130.csv.gz"
EVENTS = ROOT / "data" / "events" / "ucdp_ged_is_syria_20160101_20191130.csv.gz"
SERIES = ROOT / "data" / "series" / "ucdp_ged_is.csv"
IS_ACTOR_ID = "234"
COVERAGE = ("2016-01", "2019-11")
TITLE = "UCDP GED Syria 20160101-20191130, Islamic State events (data/events)"
#: The release part of the observation ids (``ucdp-ged_syria_20160101_20191130-syria-...``), so
#: that a later GED release imported beside this file has other ids and can supersede it.
RELEASE = "GED Syria 20160101-20191130"
#: Spanning events spread over their months by days (largest remainder). Under the
#: import default ``start``, three country-level events dated only "2016" would put 6,389
#: deaths into January 2016 (7,681 in all, against 1,793 spread): a spike no model should
#: see. Event counts barely differ between the rules (docs/event_data.md measures both).
MONTH_RULE = "split"


def default_sources() -> Path:
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "sources").is_dir():
            return base / "shared" / "sources"
    return ROOT.parent / "shared" / "sources"


def event_text(raw_path: Path) -> str:
    """The header and the Islamic State rows of the release, values unchanged."""
    with gzip.open(raw_path, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        a, b = header.index("side_a_new_id"), header.index("side_b_new_id")
        rows = [r for r in reader if IS_ACTOR_ID in (r[a], r[b])]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def gzip_bytes(text: str) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buf.getvalue()


def series_text(events_path: Path) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # low/best/high: kept as published
        events = read_ucdp(events_path, release=RELEASE)
    obs = aggregate_events(events, actor="IS", by=("violence",), regions="total",
                           month_rule=MONTH_RULE, coverage=COVERAGE, source_title=TITLE)
    return observations_csv(obs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, default=default_sources())
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    text = event_text(args.sources / RAW)
    stale = []
    if args.check:
        if not EVENTS.exists() or gzip.decompress(EVENTS.read_bytes()).decode("utf-8") != text:
            stale.append(str(EVENTS))
        if not SERIES.exists() or SERIES.read_text(encoding="utf-8") != series_text(EVENTS):
            stale.append(str(SERIES))
    else:
        atomic_write_bytes(EVENTS, gzip_bytes(text))
        atomic_write_text(SERIES, series_text(EVENTS))
    if stale:
        print("out of date with ../shared/sources: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
