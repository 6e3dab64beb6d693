"""The panel runner: the same answers as the one-series functions, on every executor."""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import resurgence as rs
from resurgence.alerts.base import History
from resurgence.alerts.monitor import judge
from resurgence.errors import InputError
from resurgence.forecast import NaiveForecaster
from resurgence.runner import run_panel

TABLES = ("series", "segments", "changepoints", "alerts", "forecasts", "failures")


def _long(seed: int = 0, S: int = 30, T: int = 120) -> pd.DataFrame:
    """NB series with and without level shifts, gaps, late starts, a short and a bad one."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2015-01", periods=T, freq="MS")
    rows = []
    for i in range(S):
        mu = np.full(T, np.exp(rng.uniform(np.log(1), np.log(60))))
        if i % 3 == 0:
            tau = int(rng.integers(20, T - 20))
            mu[tau:] *= rng.choice([0.3, 3.0])
        y = rng.negative_binomial(4, 4 / (4 + mu)).astype(float)
        if i % 4 == 1:
            y[rng.random(T) < 0.2] = np.nan
        if i % 7 == 2:
            y[: T // 2] = np.nan
        rows.append(pd.DataFrame({"series_id": f"s{i:02d}", "month": months, "value": y}))
    rows.append(pd.DataFrame({"series_id": "short", "month": months[-3:], "value": [1.0, 2, 3]}))
    rows.append(pd.DataFrame({"series_id": "negative", "month": months,
                              "value": np.r_[np.full(T - 1, 5.0), -2.0]}))
    frame = pd.concat(rows, ignore_index=True)
    return frame.sample(frac=1.0, random_state=1).reset_index(drop=True)  # row order is irrelevant


def _series(long: pd.DataFrame, sid: str) -> pd.Series:
    s = long[long["series_id"] == sid].set_index("month")["value"].sort_index()
    s = rs.as_monthly_series(s)
    return s.loc[s.first_valid_index():s.last_valid_index()]


@pytest.fixture(scope="module")
def long() -> pd.DataFrame:
    return _long()


@pytest.fixture(scope="module")
def result(long) -> rs.PanelResult:
    return run_panel(long)


def test_changepoints_are_those_of_detect_changepoints(long, result):
    found = 0
    for sid in sorted(set(long["series_id"]) - {"short", "negative"}):
        ref = rs.detect_changepoints(_series(long, sid))
        cps = result.changepoints[result.changepoints["series_id"] == sid]
        segs = result.segments[result.segments["series_id"] == sid]
        assert list(cps["month"]) == list(ref.labels)
        assert list(cps["month_lo"]) == list(ref.changepoints["label_lo"])
        for col in ("ratio", "ratio_lo", "ratio_hi", "loc_prob"):
            np.testing.assert_array_equal(cps[col].to_numpy(), ref.changepoints[col].to_numpy())
        for col in ("level", "level_lo", "level_hi", "n_obs", "exposure"):
            np.testing.assert_array_equal(segs[col].to_numpy(), ref.segments[col].to_numpy())
        assert list(segs["first"]) == list(ref.segments["first"])
        found += ref.n_changepoints
    assert found >= 8  # the panel has level shifts to find


def test_alert_verdicts_are_those_of_judge(long, result):
    last = long["month"].max()
    judged = result.alerts.set_index("series_id")
    assert "short" in judged.index  # judged, with too little history
    assert judged.loc["short", "status"] == "insufficient"
    for sid in sorted(set(long["series_id"]) - {"negative"}):
        y = _series(long, sid)
        if y.index[-1] != last or np.isnan(y.iloc[-1]):
            assert sid not in judged.index
            continue
        ref = judge(History.from_series(y, last)).record()
        row = judged.loc[sid]
        assert (row["flag"], row["severity"], row["detectors"], row["status"]) == (
            ref["flag"], ref["severity"], ref["detectors"], ref["status"])
        np.testing.assert_allclose([row["expected"], row["threshold"], row["p_value"]],
                                   [ref["expected"], ref["threshold"], ref["p_value"]],
                                   rtol=1e-6, atol=1e-12, equal_nan=True)


def test_series_that_cannot_be_analysed_are_failures_not_errors(result):
    f = result.failures.set_index(["series_id", "task"])["error"]
    assert "too short" in f.loc[("short", "changepoints")]
    assert "negative" in f.loc[("negative", "alerts")]
    # signed data are not counts: cost="auto" segments them with the Gaussian cost
    assert result.series.set_index("series_id").loc["negative", "cost"] == "normal_mean"
    assert "negative" not in set(result.alerts["series_id"])


def test_panel_input_gives_evaluate_month_and_model_frame_changepoints():
    panel = rs.load_panel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = run_panel(panel, month="2024-03")
        ref = rs.evaluate_month(panel, "2024-03")
    pd.testing.assert_frame_equal(res.alerts, ref)
    assert res.alerts["flag"].sum() == 2  # CEP's March 2024 figures (docs/alerts.md)
    sid = "sohr/regime_desert/all/attacks"
    known = panel.intervals[panel.intervals["end"] <= pd.Timestamp("2024-04-01")]
    cp = rs.detect_changepoints(rs.model_frame(known, sid))
    got = res.changepoints[res.changepoints["series_id"] == sid]
    assert list(got["month"]) == list(cp.labels)


def test_long_and_wide_inputs_agree_and_block_size_does_not_matter(long, result):
    wide = long.pivot(index="month", columns="series_id", values="value")
    other = run_panel(wide, block_size=7)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(result, name), getattr(other, name))


def test_thread_and_process_pools_give_identical_results(long, result):
    with ThreadPoolExecutor(2) as pool:
        threads = run_panel(long, executor=pool, block_size=8)
    procs = run_panel(long, executor=2, block_size=8)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(result, name), getattr(threads, name))
        pd.testing.assert_frame_equal(getattr(result, name), getattr(procs, name))


@pytest.mark.slow
def test_dask_cluster_gives_identical_results(long, result):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = run_panel(long, executor=client, block_size=8)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(result, name), getattr(on_dask, name))


def test_month_limits_the_data_used(long):
    month = pd.Timestamp("2022-06-01")
    res = run_panel(long, month=month)
    assert res.month == month
    assert (res.segments["last"] <= month).all()
    assert (res.alerts["month"] == month).all()
    sid = res.alerts["series_id"].iloc[0]
    y = _series(long, sid).loc[:month]
    ref = judge(History.from_series(y, month)).record()
    assert res.alerts.iloc[0]["threshold"] == ref["threshold"]


def test_forecasts_and_progress(long):
    calls = []
    res = run_panel(long, tasks=["forecasts"], forecaster=NaiveForecaster(), horizon=3,
                    progress=lambda done, total: calls.append((done, total)), block_size=10)
    assert calls[-1][0] == calls[-1][1] == 32 and len(calls) == 4
    sid = "s05"
    ref = NaiveForecaster().fit(_series(long, sid)).predict(3)
    got = res.forecasts[res.forecasts["series_id"] == sid].drop(columns="series_id")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), ref.reset_index(drop=True))
    assert res.alerts.empty and res.changepoints.empty


@pytest.mark.parametrize("bad, message", [
    (pd.DataFrame({"series_id": ["a", "a"], "month": ["2024-01", "2024-01"], "value": [1, 2]}),
     "row 2: series 'a' has two values for 2024-01"),
    (pd.DataFrame({"series_id": ["a"], "month": ["2024-13"], "value": [1]}),
     "row 1: '2024-13' is not a month"),
    (pd.DataFrame({"series_id": ["a"], "month": ["2024-01-15"], "value": [1]}),
     "not the first day of a month"),
    (pd.DataFrame({"series_id": ["a"], "month": ["2024-01"], "value": ["many"]}),
     "'value' must be numeric"),
    ([1, 2, 3], "takes a Panel, a long DataFrame"),
])
def test_bad_input_is_one_clear_error(bad, message):
    with pytest.raises(InputError, match=message):
        run_panel(bad)


def test_bad_options_are_input_errors(long):
    with pytest.raises(InputError, match="unknown task"):
        run_panel(long, tasks=["everything"])
    with pytest.raises(InputError, match="worker processes must be at least 1"):
        run_panel(long, executor=0)
    with pytest.raises(InputError, match="cannot run on"):
        run_panel(long, executor="a cluster")
