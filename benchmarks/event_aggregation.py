#!/usr/bin/env python3
"""Scale: 1,000,000 ACLED-format events -> a governorate-month panel.

Generates an ACLED export (every column of a current export, random but
well-formed rows: 14 governorates in ACLED's spellings, 2017-2024, ten actors
including "Islamic State (Syria)", notes text), then times, in a fresh process:

1. ``read_acled``: parsing and checking the CSV (structure scan, pandera model,
   dates, regions) into the event frame;
2. ``aggregate_events``: monthly events and fatalities by governorate (+ unknown
   and ALL), all events, month rule ``start``;
3. the same for the Islamic State only, by event type (``--actor IS --by event_type``).

It prints the seconds of each step, events per second end to end, and the peak
resident memory of the timed process (``resource.getrusage``, which includes the
interpreter and imports). ``--repeat N`` times N fresh processes and prints each
run, then the minimum and median, with the load average before and after (the
machine is shared: say how loaded it was).

Usage::

    python benchmarks/event_aggregation.py [--events 1000000] [--keep FILE] [--repeat N]
    python benchmarks/event_aggregation.py --input FILE [--repeat N]   # an existing export
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

ADMIN1 = ["Aleppo", "Al Hasakeh", "Ar Raqqa", "As Sweida", "Damascus", "Dar'a", "Deir ez Zor",
          "Hama", "Homs", "Idleb", "Lattakia", "Quneitra", "Rural Damascus", "Tartous"]
ACTORS = ["Islamic State (Syria)", "Military Forces of Syria (2000-2024)",
          "SDF: Syrian Democratic Forces", "Hayat Tahrir al-Sham", "Civilians (Syria)",
          "Military Forces of Turkey (2016-)", "Unidentified Armed Group (Syria)",
          "Protesters (Syria)", "Military Forces of Russia (2000-)", "Syrian National Army"]
EVENT_TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians",
               "Protests", "Riots", "Strategic developments"]
DISORDER = ["Political violence", "Political violence", "Political violence", "Demonstrations",
            "Demonstrations", "Strategic developments"]
COLUMNS = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
           "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
           "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,"
           "source,source_scale,notes,fatalities,tags,timestamp").split(",")


def generate(path: Path, n: int, seed: int = 20240101) -> None:
    """Write ``n`` random, well-formed ACLED-format events to ``path``."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2017-01-01", "2024-12-31", freq="D")
    date = days[rng.integers(0, len(days), n)]
    etype = rng.integers(0, len(EVENT_TYPES), n)
    a1 = rng.integers(0, len(ACTORS), n)
    a2 = rng.integers(0, len(ACTORS), n)
    gov = rng.integers(0, len(ADMIN1), n)
    frame = pd.DataFrame({
        "event_id_cnty": np.char.add("SYR", np.arange(1, n + 1).astype(str)),
        "event_date": date.strftime("%Y-%m-%d"),
        "year": date.year,
        "time_precision": rng.choice([1, 2, 3], n, p=[0.9, 0.07, 0.03]),
        "disorder_type": np.asarray(DISORDER)[etype],
        "event_type": np.asarray(EVENT_TYPES)[etype],
        "sub_event_type": np.where(etype == 0, "Armed clash", "Attack"),
        "actor1": np.asarray(ACTORS)[a1], "assoc_actor_1": "", "inter1": "Rebel group",
        "actor2": np.where(rng.random(n) < 0.2, "", np.asarray(ACTORS)[a2]),
        "assoc_actor_2": "", "inter2": "State forces", "interaction": "State forces-Rebel group",
        "civilian_targeting": "", "iso": 760, "region": "Middle East", "country": "Syria",
        "admin1": np.asarray(ADMIN1)[gov], "admin2": "District", "admin3": "Subdistrict",
        "location": "Somewhere", "latitude": np.round(rng.uniform(32.3, 37.3, n), 4),
        "longitude": np.round(rng.uniform(35.7, 42.4, n), 4),
        "geo_precision": rng.choice([1, 2, 3], n, p=[0.8, 0.15, 0.05]),
        "source": "Benchmark Source", "source_scale": "National",
        "notes": "Generated benchmark event, not ACLED data: an attack was reported, "
                 "with casualties, near a village in the governorate.",
        "fatalities": rng.poisson(0.8, n), "tags": "",
        "timestamp": 1700000000 + rng.integers(0, 10_000_000, n),
    })
    frame[COLUMNS].to_csv(path, index=False)


def run(path: Path) -> dict:
    """The timed part (a fresh process, so its peak memory is its own)."""
    import warnings

    sys.path.insert(0, str(ROOT / "src"))
    import resurgence as rs

    t0 = time.perf_counter()
    events = rs.read_acled(path)
    t1 = time.perf_counter()
    panel = rs.aggregate_events(events)
    t2 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        is_panel = rs.aggregate_events(events, actor="IS", by=("event_type",))
    t3 = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"events": len(events), "read_s": t1 - t0, "aggregate_s": t2 - t1,
            "aggregate_is_s": t3 - t2, "rows": len(panel), "is_rows": len(is_panel),
            "peak_rss_mb": peak_kb / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the generated export here and keep it")
    parser.add_argument("--input", type=Path, help="time this export instead of generating one")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs (fresh processes)")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        print(json.dumps(run(args.run)))
        return 0
    if args.generate:
        generate(args.generate, args.events)
        return 0
    tmp = tempfile.TemporaryDirectory()
    if args.input:
        path = args.input
    else:
        path = args.keep or Path(tmp.name) / "acled_benchmark.csv"
        t = time.perf_counter()
        # generated and timed in child processes: a large parent would inflate the child's
        # peak memory (ru_maxrss survives fork and exec)
        subprocess.run([sys.executable, __file__, "--generate", str(path), "--events",
                        str(args.events)], check=True)
        size = os.path.getsize(path) / 1e6
        print(f"generated {args.events:,} ACLED-format events ({size:.0f} MB) in "
              f"{time.perf_counter() - t:.1f} s")
    load_before = os.getloadavg()
    runs = []
    for _ in range(args.repeat):
        out = subprocess.run([sys.executable, __file__, "--run", str(path)], capture_output=True,
                             text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        r["total_s"] = r["read_s"] + r["aggregate_s"]
        runs.append(r)
        print(f"read_acled (parse + check)      {r['read_s']:6.2f} s")
        print(f"aggregate_events (all, by governorate x month: {r['rows']:,} rows) "
              f"{r['aggregate_s']:6.2f} s")
        print(f"end to end                      {r['total_s']:6.2f} s  = "
              f"{r['events'] / r['total_s']:,.0f} events/s "
              f"(aggregation alone {r['events'] / r['aggregate_s']:,.0f} events/s)")
        print(f"Islamic State by event type     {r['aggregate_is_s']:6.2f} s "
              f"({r['is_rows']:,} rows)")
        print(f"peak resident memory            {r['peak_rss_mb']:6.0f} MB")
    load_after = os.getloadavg()
    if len(runs) > 1:
        print(f"\n{len(runs)} runs, minimum / median:")
        for key, label in (("read_s", "read_acled"), ("aggregate_s", "aggregate_events"),
                           ("total_s", "end to end"), ("aggregate_is_s", "IS by event type"),
                           ("peak_rss_mb", "peak memory (MB)")):
            values = [r[key] for r in runs]
            print(f"  {label:18s} {min(values):7.2f} / {statistics.median(values):7.2f}")
    print(f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after {', '.join(f'{x:.2f}' for x in load_after)} ({os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
