"""detect_changepoints: inputs, edge cases, errors, results, penalties, CROPS, plug-in costs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import resurgence
from resurgence import (
    ChangepointResult,
    Cost,
    InputError,
    SeriesError,
    crops,
    detect_changepoints,
)


def _months(n, start="2020-01"):
    return pd.date_range(start, periods=n, freq="MS")


def test_public_api_is_exported():
    for name in ("detect_changepoints", "bocpd", "crops", "Cost", "ChangepointResult"):
        assert name in resurgence.__all__
        assert hasattr(resurgence, name)


@pytest.mark.parametrize("bad, match", [
    ([], "empty"),
    ([np.nan, np.nan, np.nan], "all 3 values are missing"),
    ([1.0, 2.0, 3.0], "too short: 3 observed"),
    ([1.0, np.nan, np.nan, 2.0, np.nan], "too short: 2 observed"),
])
def test_unusable_series_raise_clear_errors(bad, match):
    with pytest.raises(SeriesError, match=match):
        detect_changepoints(bad)


def test_negative_counts_rejected_by_count_costs():
    with pytest.raises(SeriesError, match="non-negative counts; position 2"):
        detect_changepoints([1, 2, -3, 4, 5, 6], cost="poisson")
    # auto picks a Gaussian cost for signed data instead
    assert detect_changepoints([1, 2, -3, 4, 5, 6]).cost_name == "normal_mean"


def test_bad_arguments():
    y = np.arange(20.0)
    with pytest.raises(InputError, match="unknown cost"):
        detect_changepoints(y, cost="cauchy")
    with pytest.raises(InputError, match="unknown penalty"):
        detect_changepoints(y, penalty="hq")
    with pytest.raises(InputError, match=">= 0"):
        detect_changepoints(y, penalty=-1)
    with pytest.raises(InputError, match="unknown method"):
        detect_changepoints(y, method="window")
    with pytest.raises(InputError, match="min_size"):
        detect_changepoints(y, min_size=0)
    with pytest.raises(SeriesError, match="infinite"):
        detect_changepoints(np.r_[y, np.inf])
    with pytest.raises(SeriesError, match="1-D"):
        detect_changepoints(np.ones((5, 2)))
    with pytest.raises(SeriesError, match="numeric"):
        detect_changepoints(["a", "b", "c", "d"])
    with pytest.raises(InputError, match="need a count cost"):
        detect_changepoints(np.arange(10.0), exposure=np.full(10, 2.0), cost="normal_mean")


@pytest.mark.parametrize("y", [np.full(30, 7.0), np.zeros(30), np.full(30, -2.5)])
def test_constant_series_has_no_changepoint(y):
    res = detect_changepoints(y)
    assert res.n_changepoints == 0
    assert res.segments["level"].iloc[0] == pytest.approx(y[0])


def test_auto_cost_choice():
    assert detect_changepoints(np.r_[np.zeros(10), np.ones(10) * 5]).cost_name == "negbin"
    assert detect_changepoints(np.linspace(0, 1, 20)).cost_name == "normal_mean"
    frame = pd.DataFrame({"month": _months(8).strftime("%Y-%m"), "months": [1.0] * 8,
                          "value": [1.5, 2, 3, 1, 2, 3, 2, 1]})
    assert detect_changepoints(frame).cost_name == "negbin"


def test_series_months_and_nan_are_kept_and_skipped():
    rng = np.random.default_rng(0)
    y = pd.Series(np.r_[rng.poisson(3, 30), rng.poisson(15, 30)].astype(float), index=_months(60))
    y.iloc[[5, 28, 29, 30, 44]] = np.nan
    y = y.drop(y.index[[10, 11]])  # absent months become NaN, not zero
    res = detect_changepoints(y)
    assert res.n_changepoints == 1
    # the change is at the first observed month of the new regime (months 28-30 are NaN)
    assert res.indices.tolist() == [31]
    assert res.labels[0] == pd.Timestamp("2022-08-01")
    seg = res.segments
    assert seg["n_obs"].tolist() == [25, 28]  # NaN at 5, 10, 11, 28-30 and 44
    assert seg["first"].iloc[0] == pd.Timestamp("2020-01-01")
    assert seg["last"].iloc[0] == pd.Timestamp("2022-04-01")  # last observed before the gap
    cp = res.changepoints.iloc[0]
    assert cp["loc_lo"] <= 31 <= cp["loc_hi"]
    assert 2.5 < cp["ratio"] < 8


def test_nan_is_skipped_not_imputed():
    """Inserting missing months between observations changes no cost."""
    y = np.array([2.0, 3, 1, 2, 3, 2, 19, 21, 20, 22, 20, 21])
    with_gaps = np.array([2.0, np.nan, 3, 1, 2, 3, np.nan, np.nan, 2, 19, 21, 20, 22, np.nan,
                          20, 21])
    a, b = detect_changepoints(y), detect_changepoints(with_gaps)
    assert a.objective == pytest.approx(b.objective)
    assert a.indices.tolist() == [6]
    assert b.indices.tolist() == [9]  # position of the 19 in the gappy series


def test_interval_counts_with_exposure():
    """A 6-month count of 60 is a rate of 10 a month, not a spike."""
    frame = pd.DataFrame({
        "month": ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-11", "2023-12",
                  "2024-01", "2024-02"],
        "months": [1, 1, 1, 1, 6, 1, 1, 1, 1],
        "value": [2, 3, 2, 3, 60, 11, 9, 10, 12],
    })
    res = detect_changepoints(frame, cost="poisson")
    assert res.indices.tolist() == [4]
    assert res.segments["level"].round(3).tolist() == [2.5, 10.2]
    assert res.segments["exposure"].tolist() == [4.0, 10.0]
    assert res.labels[0] == pd.Timestamp("2023-05-01")
    same = detect_changepoints(frame["value"].to_numpy(), exposure=frame["months"].to_numpy(),
                               cost="poisson")
    assert same.indices.tolist() == [4]


def test_result_tables_and_penalties():
    rng = np.random.default_rng(3)
    y = pd.Series(np.r_[rng.poisson(4, 40), rng.poisson(12, 40)], index=_months(80))
    res = detect_changepoints(y)
    assert isinstance(res, ChangepointResult)
    assert res.penalty.name == "mbic" and res.penalty.segment_log_length
    assert list(res.segments.columns) == ["start", "end", "first", "last", "n_obs", "exposure",
                                          "level", "level_lo", "level_hi"]
    assert {"index", "label", "loc_lo", "loc_hi", "loc_prob", "ratio", "ratio_lo",
            "ratio_hi", "change"} <= set(res.changepoints.columns)
    assert res.segments["start"].iloc[1] == res.indices[0] == res.segments["end"].iloc[0]
    assert (res.segments["level_lo"] < res.segments["level"]).all()
    assert (res.segments["level"] < res.segments["level_hi"]).all()
    table = res.table()
    assert table["first"].tolist() == ["2020-01", "2023-05"]
    for pen in ("bic", "aic", 8.0):
        assert detect_changepoints(y, penalty=pen).n_changepoints >= 1
    # AIC's penalty is smallest, so it never finds fewer changepoints than MBIC
    n_aic = detect_changepoints(y, penalty="aic").n_changepoints
    assert n_aic >= res.n_changepoints
    assert "negbin" in repr(res) and "2023-05" in repr(res)


def test_crops_path_and_elbow():
    rng = np.random.default_rng(7)
    y = np.r_[rng.normal(0, 1, 60), rng.normal(4, 1, 60), rng.normal(0, 1, 60)]
    path = crops(y, 1.0, 500.0)
    ks = path["n_changepoints"].tolist()
    assert ks == sorted(ks) and ks[0] == 0 and 2 in ks
    # each segmentation is optimal on its own penalty range: ranges tile [1, 500]
    assert path["pen_hi"].iloc[0] == 500.0 and path["pen_lo"].iloc[-1] == 1.0
    assert np.allclose(path["pen_lo"].iloc[:-1].to_numpy(), path["pen_hi"].iloc[1:].to_numpy())
    for _, row in path.iterrows():  # PELT at a penalty inside the range gives that row
        mid = np.sqrt(row["pen_lo"] * row["pen_hi"])
        got = detect_changepoints(y, penalty=mid).indices
        assert tuple(got.tolist()) == row["indices"]
    res = detect_changepoints(y, penalty="crops", pen_range=(1.0, 500.0))
    assert res.penalty.name == "crops" and res.crops is not None
    assert res.n_changepoints == 2


class MedianAbsCost(Cost):
    """A user-written cost: absolute deviations from the segment median."""

    model = "l1_median"

    def error(self, start, end):
        seg = self.signal_[start:end]
        seg = seg[~np.isnan(seg)]
        return float(np.abs(seg - np.median(seg)).sum())


@pytest.mark.parametrize("method", ["pelt", "optpart", "binseg"])
def test_user_cost_plugs_in_without_touching_search(method):
    rng = np.random.default_rng(1)
    y = np.r_[rng.laplace(0, 1, 50), rng.laplace(6, 1, 50)]
    res = detect_changepoints(y, cost=MedianAbsCost(), penalty=10.0, method=method)
    assert res.indices.tolist() == [50]
    assert res.cost_name == "l1_median"
    assert np.isnan(res.segments["level_lo"]).all()  # no interval formula for a custom cost


def test_plot_returns_axes_without_showing(monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plot() called plt.show()"))
    y = pd.Series(np.r_[np.full(20, 3.0), np.full(20, 9.0)] + np.tile([0, 1], 20),
                  index=_months(40))
    ax = detect_changepoints(y).plot()
    assert ax.get_title().startswith("1 changepoint")
    fig, ax2 = plt.subplots()
    assert detect_changepoints(y).plot(ax=ax2) is ax2
    plt.close("all")
