"""monitor() and evaluate_month(): prospective verdicts, the bundled data's done-when checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import resurgence as rs
from resurgence.alerts.monitor import VERDICT_COLUMNS
from resurgence.errors import InputError

DESERT = "sohr/regime_desert/all/attacks"


@pytest.fixture(scope="module")
def panel():
    return rs.load_panel()


def _series(values, start="2016-01"):
    return pd.Series(np.asarray(values, float),
                     index=pd.date_range(start, periods=len(values), freq="MS"), name="x")


def _same(a: pd.Series, b: pd.Series) -> None:
    for col in VERDICT_COLUMNS:
        x, y = a[col], b[col]
        if isinstance(x, float) and np.isnan(x):
            assert isinstance(y, float) and np.isnan(y), col
        else:
            assert x == y, (col, x, y)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), mean=st.sampled_from([0.7, 4.0, 25.0]),
       missing=st.floats(0.0, 0.2), cut=st.integers(30, 70))
def test_row_for_a_month_uses_only_data_up_to_it(seed, mean, missing, cut):
    rng = np.random.default_rng(seed)
    y = _series(rng.negative_binomial(3, 3 / (3 + mean), 72))
    y[rng.random(72) < missing] = np.nan
    y.iloc[cut - 1] = rng.poisson(mean * 4)           # sometimes an escalation at the cut
    month = y.index[cut - 1]
    full = rs.monitor(y, start=month - pd.offsets.MonthBegin(2), end=month)
    truncated = rs.monitor(y.iloc[:cut], start=month - pd.offsets.MonthBegin(2))
    assert list(truncated.index) == list(full.index)
    for m in truncated.index:
        _same(full.loc[m], truncated.loc[m])
    changed = y.copy()
    changed.iloc[cut:] = 999.0                        # the future cannot change the past
    _same(rs.monitor(changed, start=month, end=month).loc[month], full.loc[month])


def test_model_frame_rows_are_prospective_too(panel):
    frame = panel.frame("sohr/sdf_areas/all/attacks")
    full = rs.monitor(frame)
    month = pd.Timestamp("2024-01-01")
    known = frame[frame["end"] <= month + pd.offsets.MonthBegin(1)]
    part = rs.monitor(known)
    _same(full.loc[month], part.loc[month])
    assert full.loc[month, "observed"] == 17.0


def test_monitor_output_shape_and_missing_months():
    rng = np.random.default_rng(1)
    y = _series(rng.poisson(6, 72))
    y.iloc[-3] = np.nan
    y.iloc[-1] = 30
    out = rs.monitor(y, start=y.index[-6])
    assert list(out.columns) == VERDICT_COLUMNS
    assert list(out.index) == list(y.index[-6:])
    assert out["status"].iloc[-3] == "insufficient" and not out["flag"].iloc[-3]
    last = out.iloc[-1]
    assert last["flag"] and "farrington" in last["detectors"]
    assert last["severity"] in ("moderate", "high", "critical")
    assert last["expected"] < last["threshold"] < last["observed"]


def test_monitor_bad_input():
    with pytest.raises(InputError):
        rs.monitor(pd.DataFrame({"value": [1, 2]}))
    with pytest.raises(InputError):
        rs.monitor(pd.Series([], dtype=float))


def test_short_series_get_a_reason_not_an_error():
    out = rs.monitor(_series([4.0, 6.0, 30.0]))
    assert (out["status"] == "insufficient").all() and not out["flag"].any()
    assert "too short" in out["reasons"].iloc[-1]


# -- the bundled data: done-when checks ---------------------------------------------------
def test_desert_january_2024_is_judged_from_running_totals(panel):
    out = rs.evaluate_month(panel, "2024-01", checks=True).set_index("series_id")
    row = out.loc[DESERT]
    assert row["observed"] == 26.0 and row["status"] == "ok"
    # the 2023 baseline exists only as running-total differences: about 13 a month in 2023
    # (2020-2023: 10.6), varying far beyond Poisson between the snapshots
    assert 9.0 < row["expected"] < 14.0
    far = {c["detector"]: c for c in row["checks"]}["farrington"]
    assert far["status"] == "ok" and "running" not in far["reason"]
    assert 0.0 < far["p_value"] < 0.2
    assert "baseline 7 counts" in far["reason"]


def test_desert_quiet_august_2024_raises_nothing(panel):
    out = rs.evaluate_month(panel, "2024-08").set_index("series_id")
    row = out.loc[DESERT]
    assert row["observed"] == 9.0 and row["status"] == "ok"
    assert not row["flag"] and row["severity"] == "none"
    assert row["expected"] > 15.0 and row["p_value"] > 0.5   # 9 against ~20+ a month in 2024


def test_evaluate_month_only_series_with_a_figure_that_month(panel):
    out = rs.evaluate_month(panel, "2024-08")
    assert set(out["month"]) == {pd.Timestamp("2024-08-01")}
    assert out["observed"].notna().all()
    assert rs.evaluate_month(panel, "2030-01").empty
    sub = rs.evaluate_month(panel, "2024-08", series=[DESERT])
    assert list(sub["series_id"]) == [DESERT]


def test_evaluate_month_ignores_later_running_totals(panel):
    intervals = panel.intervals
    month = pd.Timestamp("2024-01-01")
    early = intervals[intervals["end"] <= month + pd.offsets.MonthBegin(1)]
    a = rs.evaluate_month(panel, month).set_index("series_id")
    b = rs.evaluate_month(early, month).set_index("series_id")
    pd.testing.assert_frame_equal(a, b)
