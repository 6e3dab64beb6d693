"""Regenerate ``data/reference/ramadan.csv``: Ramadan in Gregorian dates, Umm al-Qura calendar.

The table is committed so that the package has no runtime dependency on a calendar
library; this script is how it was made and how to check it. It needs the
``hijridate`` package (``pip install hijridate``), which implements the Umm al-Qura
calendar of Saudi Arabia for 1343-1500 AH (1924-2077 CE); the table covers
Ramadan 1344-1500 AH (1926-2077 CE).

Usage::

    .venv/bin/python -m pip install hijridate
    .venv/bin/python scripts/make_ramadan_table.py            # writes the table
    .venv/bin/python scripts/make_ramadan_table.py --check    # exit 1 if it differs

Columns: ``hijri_year``; ``start`` (1 Ramadan); ``end`` (1 Shawwal, exclusive, so the
interval is half-open like every interval in resurgence); ``days`` (29 or 30).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "data" / "reference" / "ramadan.csv"


def build() -> str:
    from hijridate import Hijri, ummalqura

    # 1343 AH, the first year hijridate covers, has a 28-day Ramadan in its table (the
    # historical record of the period is incomplete), so the table starts with 1344 AH.
    first_year = ummalqura.HIJRI_RANGE[0][0] + 1
    last_year = ummalqura.HIJRI_RANGE[1][0]
    lines = ["hijri_year,start,end,days"]
    for year in range(first_year, last_year + 1):
        start = Hijri(year, 9, 1).to_gregorian()
        end = Hijri(year, 10, 1).to_gregorian()
        days = (end - start).days
        assert days in (29, 30), (year, days)
        lines.append(f"{year},{start.isoformat()},{end.isoformat()},{days}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    text = build()
    if args.check:
        same = TABLE.exists() and TABLE.read_text(encoding="utf-8") == text
        print("ramadan.csv is up to date" if same else "ramadan.csv differs from hijridate")
        return 0 if same else 1
    TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)} ({text.count(chr(10)) - 1} years)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
