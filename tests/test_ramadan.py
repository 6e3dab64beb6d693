"""Ramadan calendar table and the monthly Ramadan share."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from resurgence import InputError, month_range, ramadan_share
from resurgence.ramadan import ramadan_dates, ramadan_days

# Published first days of Ramadan (Umm al-Qura / Saudi announcements) and Eid al-Fitr.
PUBLISHED = [
    (1435, "2014-06-28", "2014-07-28"),
    (1440, "2019-05-06", "2019-06-04"),
    (1443, "2022-04-02", "2022-05-02"),
    (1444, "2023-03-23", "2023-04-21"),
    (1445, "2024-03-11", "2024-04-10"),
    (1446, "2025-03-01", "2025-03-30"),
]


@pytest.mark.parametrize(("year", "start", "eid"), PUBLISHED)
def test_published_dates(year, start, eid):
    d = ramadan_dates().set_index("hijri_year")
    assert d.loc[year, "start"] == pd.Timestamp(start)
    assert d.loc[year, "end"] == pd.Timestamp(eid)


def test_table_is_consistent():
    d = ramadan_dates()
    assert d["hijri_year"].diff().dropna().eq(1).all()
    assert d["days"].isin([29, 30]).all()
    assert ((d["end"] - d["start"]).dt.days == d["days"]).all()
    gaps = (d["start"].shift(-1) - d["start"]).dt.days.dropna()
    assert gaps.between(353, 356).all()  # a lunar year


def test_share_splits_ramadan_between_months():
    months = month_range("2000-01", "2030-12")
    days = ramadan_days(months)
    share = ramadan_share(months)
    assert share.between(0, 1).all()
    per_year = days.groupby(days.index.year).sum()
    # Every Gregorian year holds 29-30 days of Ramadan, except years such as 2000
    # and 2030 that hold the end of one Ramadan and the start of the next.
    assert per_year.drop([2000, 2030]).isin([29, 30]).all()
    assert per_year[2000] > 30 and per_year[2030] > 30
    # Days add up to the tabulated length of each Ramadan.
    d = ramadan_dates().set_index("hijri_year")
    assert days["2024-03-01"] + days["2024-04-01"] == d.loc[1445, "days"]
    assert share["2024-03-01"] == pytest.approx(21 / 31)


def test_outside_table_is_an_error():
    with pytest.raises(InputError, match="tabulated"):
        ramadan_share(["1900-01"])


def test_table_matches_hijridate():
    pytest.importorskip("hijridate")
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "scripts" / "make_ramadan_table.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_accepts_any_month_like():
    a = ramadan_share(pd.period_range("2024-01", "2024-06", freq="M"))
    b = ramadan_share([f"2024-0{m}" for m in range(1, 7)])
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy())
