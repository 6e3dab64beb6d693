"""Rolling-origin backtests: shape, no look-ahead, scores by hand, and the issue's acceptance test."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from resurgence import (
    AutoForecaster,
    InputError,
    ModelError,
    ModelWarning,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    SeriesError,
    backtest,
    score_backtest,
)
from resurgence.forecast import CountDistribution, Forecaster
from resurgence.forecast.scoring import pinball_loss
from _simulate import seasonal_nb


class Spy(Forecaster):
    """Poisson around the training mean; records the last month it was trained on."""

    name = "spy"

    def __init__(self, *, log: list | None = None) -> None:
        self.log = log

    def _fit(self, frame):
        self.log.append((self.cutoff_, frame["end"].max()))
        self.mu_ = frame["value"].mean()

    def _predict_distribution(self, months):
        return CountDistribution.negbin(np.full(len(months), self.mu_), 0.0, months)


def test_shape_and_origins():
    y = seasonal_nb(1, years=5)
    bt = backtest({"a": y, "b": y.iloc[:50]}, [NaiveForecaster(), SeasonalNaiveForecaster()],
                  horizon=3, step=2, initial=24)
    # a: origins from month 24 to 57 every 2 months, aligned on the last one.
    a = bt[(bt["series_id"] == "a") & (bt["model"] == "naive")]
    assert a["origin"].max() == y.index[-3] and a["origin"].min() == y.index[25]
    assert len(a) == 3 * 17
    assert set(bt["horizon"]) == {1, 2, 3}
    assert (bt["month"] == bt["origin"] + pd.to_timedelta(0, "D")).sum() == len(bt) // 3
    cols = ["series_id", "model", "origin", "horizon", "month", "y", "mean", "lo-50", "hi-50",
            "lo-80", "hi-80", "lo-95", "hi-95", "crps"]
    assert bt.columns.tolist() == cols
    last = bt[(bt["series_id"] == "b")]["origin"].max()
    assert last == y.index[47]
    n_windows = backtest(y, NaiveForecaster(), horizon=3, n_windows=4, initial=24)
    assert n_windows["origin"].nunique() == 4


def test_no_look_ahead():
    log: list = []
    y = seasonal_nb(2, years=5)
    bt = backtest(y, {"spy": Spy(log=log)}, horizon=4, step=5, initial=30)
    assert len(log) == bt["origin"].nunique()
    for cutoff, last_end in log:
        assert last_end <= cutoff
    assert [c for c, _ in log] == sorted(bt["origin"].unique())


def test_auto_inner_backtest_sees_only_training_data():
    log: list = []
    y = seasonal_nb(3, years=6)
    auto = AutoForecaster(candidates={"spy": Spy(log=log), "naive": NaiveForecaster()},
                          n_windows=2, step=3, horizon=3, initial=24)
    bt = backtest(y, {"auto": auto}, horizon=2, n_windows=1, initial=48)
    origin = bt["origin"].iloc[0]
    inner = [c for c, _ in log if c < origin]
    assert len(inner) == 2  # the two inner origins
    for cutoff, last_end in log:
        assert last_end <= cutoff <= origin


def test_nan_targets_are_kept_but_not_scored():
    y = seasonal_nb(4, years=4)
    y.iloc[40:43] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        bt = backtest(y, NaiveForecaster(), horizon=2, initial=36)
    assert bt["y"].isna().sum() > 0 and bt.loc[bt["y"].isna(), "crps"].isna().all()
    scores = score_backtest(bt)
    assert scores["n"].iloc[0] == bt["y"].notna().sum()


def test_scores_by_hand():
    y = seasonal_nb(5, years=5, mean=30)
    bt = backtest(y, [NaiveForecaster(), SeasonalNaiveForecaster()], horizon=3, initial=36)
    s = score_backtest(bt).set_index("model")
    naive = bt[bt["model"] == "naive"]
    err = naive["y"] - naive["mean"]
    assert s.loc["naive", "mae"] == pytest.approx(err.abs().mean())
    assert s.loc["naive", "rmse"] == pytest.approx(np.sqrt((err**2).mean()))
    assert s.loc["naive", "crps"] == pytest.approx(naive["crps"].mean())
    cover = ((naive["lo-80"] <= naive["y"]) & (naive["y"] <= naive["hi-80"])).mean()
    assert s.loc["naive", "coverage_80"] == pytest.approx(cover)
    pin = np.mean([pinball_loss(naive[c], naive["y"], q).mean() for c, q in
                   [("lo-50", .25), ("hi-50", .75), ("lo-80", .1), ("hi-80", .9),
                    ("lo-95", .025), ("hi-95", .975)]])
    assert s.loc["naive", "pinball"] == pytest.approx(pin)
    per_series = score_backtest(bt, by=("series_id", "model", "horizon"))
    assert len(per_series) == 2 * 3


def test_failures_are_visible():
    frame = pd.DataFrame({"start": pd.date_range("2015-01-01", periods=8, freq="6MS")})
    frame["end"] = frame["start"] + pd.offsets.MonthBegin(6)
    frame["value"] = 60
    monthly = pd.DataFrame({"start": pd.date_range("2019-01-01", periods=12, freq="MS")})
    monthly["end"] = monthly["start"] + pd.offsets.MonthBegin(1)
    monthly["value"] = 10
    data = pd.concat([frame, monthly], ignore_index=True)
    with pytest.warns(ModelWarning, match="failed"):
        bt = backtest(data, NaiveForecaster(), horizon=2, initial=12)
    scores = score_backtest(bt)
    assert scores["n_failed"].iloc[0] >= 1


def test_bad_arguments():
    y = seasonal_nb(6, years=2)
    with pytest.raises(SeriesError, match="no forecast origin"):
        backtest(y, NaiveForecaster(), horizon=12, initial=24)
    with pytest.raises(InputError, match="unique"):
        backtest(y, [NaiveForecaster(), NaiveForecaster()], horizon=1, initial=12)
    with pytest.raises(InputError):
        backtest(y, NaiveForecaster(), horizon=0)
    with pytest.raises(InputError, match="at most 120"):
        backtest(y, NaiveForecaster(), horizon=100_000, initial=12)
    with pytest.raises(InputError):
        backtest(["not", "data"], NaiveForecaster())


def test_long_panel_input():
    y = seasonal_nb(7, years=4)
    panel = pd.concat([pd.DataFrame({"series_id": sid, "month": y.index.strftime("%Y-%m"),
                                     "value": y.to_numpy() + k})
                       for k, sid in enumerate(["x/a", "x/b"])])
    bt = backtest(panel, NaiveForecaster(), horizon=2, initial=40)
    assert set(bt["series_id"]) == {"x/a", "x/b"}


@pytest.mark.slow
def test_default_beats_naive_and_seasonal_naive_and_is_calibrated():
    """The issue's acceptance test on simulated seasonal negative-binomial series."""
    data = {
        "flat": seasonal_nb(2024, years=10, mean=12, alpha=0.25),
        "rising": seasonal_nb(2025, years=10, mean=30, alpha=0.1, trend=0.06),
    }
    models = [NaiveForecaster(), SeasonalNaiveForecaster(), AutoForecaster()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        bt = backtest(data, models, horizon=12, step=6, n_windows=6, initial=48)
    s = score_backtest(bt).set_index("model")
    assert s.loc["auto", "crps"] < s.loc["naive", "crps"]
    assert s.loc["auto", "crps"] < s.loc["seasonal_naive", "crps"]
    assert 0.70 <= s.loc["auto", "coverage_80"] <= 0.90


class Broken(Forecaster):
    name = "broken"

    def _fit(self, frame):
        raise ModelError("cannot fit anything")


def test_a_model_that_always_fails_still_gets_a_score_row():
    y = seasonal_nb(10, years=4)
    with pytest.warns(ModelWarning, match="4 fit.*failed: cannot fit"):
        bt = backtest(y, [Broken(), NaiveForecaster()], horizon=2, n_windows=4, initial=24)
    s = score_backtest(bt).set_index("model")
    assert s.loc["broken", "n"] == 0 and s.loc["broken", "n_failed"] == 8
    assert np.isnan(s.loc["broken", "crps"]) and s.loc["naive", "n"] == 8


def test_short_series_in_a_collection_is_skipped_with_warning():
    long, short = seasonal_nb(8, years=4), seasonal_nb(9, years=1)
    with pytest.warns(ModelWarning, match="too short"):
        bt = backtest({"long": long, "short": short}, NaiveForecaster(), horizon=2, initial=36)
    assert set(bt["series_id"]) == {"long"}


def test_series_without_observed_values():
    empty = pd.Series(np.nan, index=pd.date_range("2020-01-01", periods=40, freq="MS"))
    with pytest.raises(SeriesError, match="no observed values"):
        backtest(empty, NaiveForecaster(), horizon=2, initial=12)
    with pytest.raises(SeriesError, match="no observed values"):
        backtest({"b": empty}, NaiveForecaster(), horizon=2, initial=12)
    # In a collection it is skipped, like a series too short for any origin.
    with pytest.warns(ModelWarning, match="no observed values, skipped: b"):
        bt = backtest({"a": seasonal_nb(3, years=4), "b": empty}, NaiveForecaster(),
                      horizon=2, initial=36)
    assert set(bt["series_id"]) == {"a"}


def test_default_initial_adapts_to_a_short_series():
    """ucdp/syria/all/events has 47 months: 'no forecast origin ... initial (36) + horizon
    (12)' with the defaults before."""
    from resurgence.forecast.backtest import default_initial

    y = seasonal_nb(11, years=4).iloc[:47]
    bt = backtest(y, NaiveForecaster())
    assert bt["origin"].nunique() == 12 and bt["origin"].min() == y.index[24]
    long = seasonal_nb(12, years=8)
    assert backtest(long, NaiveForecaster(), horizon=3)["origin"].min() == long.index[36]
    assert default_initial(47, 12) == 24 and default_initial(47, 6) == 30
    assert default_initial(47, 12, n_windows=4) == 32 and default_initial(30, 12) == 24
    # Explicit values are kept as given.
    assert backtest(y, NaiveForecaster(), initial=30)["origin"].min() == y.index[30]
