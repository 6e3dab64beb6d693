"""Matching two publishers' figures over the same intervals (known answers)."""

from __future__ import annotations

import pandas as pd
import pytest

from resurgence import load_panel, monthly_panel
from resurgence.report.compare import agreement, match_intervals


def _obs(rows):
    base = {"kind": "period", "region": "ALL", "measure": "attacks", "qualifier": "exact",
            "date_basis": "stated", "date_error_days": 0, "use": "primary",
            "confidence": "high", "source_url": "https://example.org", "source_title": "t",
            "via": "", "region_as_published": "ALL", "note": "", "choice_note": ""}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["obs_id"] = [f"x-{i}" for i in range(len(frame))]
    return frame


@pytest.fixture()
def pair(tmp_path):
    rows = [
        # SOHR: calendar months Jan and Feb 2024, and a running-total difference over March
        {"source": "sohr", "area": "sdf_areas", "start": "2024-01-01", "end": "2024-02-01",
         "value": 10},
        {"source": "sohr", "area": "sdf_areas", "start": "2024-02-01", "end": "2024-03-01",
         "value": 20},
        {"source": "sohr", "area": "sdf_areas", "start": "2024-03-01", "end": "2024-04-01",
         "value": 5},
        # RIC: Jan (same month) and a two-month figure over Feb-Mar
        {"source": "ric", "area": "nes", "start": "2024-01-01", "end": "2024-02-01",
         "value": 12},
        {"source": "ric", "area": "nes", "start": "2024-02-01", "end": "2024-04-01",
         "value": 50},
        # a two-day interval is never compared
        {"source": "ric", "area": "nes", "start": "2024-04-01", "end": "2024-04-03",
         "value": 3},
    ]
    _obs(rows).to_csv(tmp_path / "pair.csv", index=False)
    panel = load_panel([tmp_path])
    return panel.intervals, panel.monthly


def test_months_match_exactly_and_longer_intervals_pro_rata(pair):
    iv, mon = pair
    m = match_intervals(iv, mon, "sohr/sdf_areas/all/attacks", "ric/nes/all/attacks")
    assert m[["a", "b", "kind"]].to_dict("records") == [
        {"a": 10.0, "b": 12.0, "kind": "month"},
        {"a": 25.0, "b": 50.0, "kind": "prorated"},   # SOHR Feb + Mar against RIC's two months
    ]
    assert m["rate_b"].tolist() == [12.0, 25.0]


def test_agreement_counts(pair):
    iv, mon = pair
    m = match_intervals(iv, mon, "sohr/sdf_areas/all/attacks", "ric/nes/all/attacks")
    st = agreement(m)
    assert st == {"n": 2, "agree": 1, "a_higher": 0, "b_higher": 1, "median_ratio": 1.6}


def test_no_overlap_gives_an_empty_table(pair):
    iv, mon = pair
    iv2 = iv[~((iv["source"] == "ric") & (iv["start"] < "2024-04-01"))]
    m = match_intervals(iv2, monthly_panel(iv2), "sohr/sdf_areas/all/attacks",
                        "ric/nes/all/attacks")
    assert m.empty and agreement(m)["n"] == 0
