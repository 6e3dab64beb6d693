"""Interval counts: periods as they are, running totals differenced, revisions flagged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resurgence.intervals import interval_counts
from resurgence.months import exposure_months, interval_months


def _obs(ends, values, *, start="2024-01-01", kind="cumulative", qualifiers=None, use=None):
    n = len(values)
    return pd.DataFrame({
        "obs_id": [f"o{i}" for i in range(n)], "source": "sohr", "area": "sdf_areas",
        "region": "ALL", "measure": "attacks", "kind": kind,
        "start": pd.Timestamp(start) if start else pd.NaT, "end": pd.to_datetime(ends),
        "value": np.asarray(values, dtype=float),
        "qualifier": qualifiers or ["exact"] * n, "date_error_days": 2.0,
        "use": use or ["primary"] * n,
    })


def test_first_snapshot_counts_from_the_stated_start_then_differences():
    out = interval_counts(_obs(["2024-02-02", "2024-02-27", "2024-04-03"], [20, 44, 75]))
    assert out["value"].tolist() == [20, 24, 31]
    assert out["start"].dt.strftime("%m-%d").tolist() == ["01-01", "02-02", "02-27"]
    assert (out["derivation"] == "difference").all() and (out["status"] == "ok").all()
    assert out["obs_ids"].tolist() == ["o0", "o0;o1", "o1;o2"]
    assert out["series_id"].unique().tolist() == ["sohr/sdf_areas/all/attacks"]


def test_a_drop_is_a_flagged_revision_never_clipped_and_the_next_interval_runs_from_the_maximum():
    out = interval_counts(_obs(["2024-02-24", "2024-02-25", "2024-03-23"], [56, 54, 92]))
    assert out["value"].tolist() == [56, -2, 36]
    assert out["status"].tolist() == ["ok", "revision", "ok"]
    ok = out[out["status"] == "ok"]
    assert ok["value"].sum() == 92  # the used counts add up to the latest total
    assert out.iloc[2]["start"] == pd.Timestamp("2024-02-24")


def test_unstated_start_only_informs_differences():
    out = interval_counts(_obs(["2019-05-01", "2020-06-16", "2021-01-27"], [280, 518, 652], start=None))
    assert out["value"].tolist() == [238, 134]
    assert out["start"].min() == pd.Timestamp("2019-05-01")


def test_qualified_snapshots_give_approximate_differences():
    out = interval_counts(_obs(["2024-02-01", "2024-03-01"], [10, 15], qualifiers=["at_least", "exact"]))
    assert out["qualifier"].tolist() == ["at_least", "about"]


def test_periods_pass_through_and_non_primary_rows_are_ignored():
    obs = _obs(["2024-02-01", "2024-02-01"], [17, 18], kind="period", use=["primary", "alternative"])
    out = interval_counts(obs)
    assert out["value"].tolist() == [17]
    assert out["derivation"].tolist() == ["period"] and out["months"].tolist() == [1.0]


def test_chains_are_separate_per_start_and_series():
    a = _obs(["2023-11-30"], [150], start="2023-01-01")
    b = _obs(["2024-02-02"], [20], start="2024-01-01")
    out = interval_counts(pd.concat([a, b], ignore_index=True).assign(obs_id=["a", "b"]))
    assert sorted(out["value"].tolist()) == [20, 150]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12))
def test_used_intervals_always_add_up_to_the_running_maximum(increments):
    """Whatever the drops, ok intervals are >= 0 and sum to the chain's maximum."""
    rng = np.random.default_rng(len(increments))
    values = np.cumsum(increments).astype(float)
    drops = rng.random(len(values)) < 0.3
    values = np.where(drops, np.maximum(values - rng.integers(1, 5, len(values)), 0), values)
    ends = pd.date_range("2024-01-10", periods=len(values), freq="7D")
    out = interval_counts(_obs(ends, values))
    ok = out[out["status"] == "ok"]
    assert (ok["value"] >= 0).all()
    assert (out.loc[out["status"] == "revision", "value"] < 0).all()
    assert ok["value"].sum() == pytest.approx(np.maximum.accumulate(values)[-1])
    # used intervals tile time without overlap
    assert (ok["start"].iloc[1:].to_numpy() == ok["end"].iloc[:-1].to_numpy()).all()


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 3000), st.integers(1, 800))
def test_vectorised_exposure_matches_month_by_month_fractions(offset, length):
    start = pd.Timestamp("2016-01-01") + pd.Timedelta(days=offset)
    end = start + pd.Timedelta(days=length)
    fast = exposure_months(pd.Series([start]), pd.Series([end]))[0]
    assert fast == pytest.approx(interval_months(start, end), abs=1e-9)
