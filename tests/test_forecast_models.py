"""Every forecaster follows the protocol: integer count intervals, NaN skipped, fallbacks warn."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from resurgence import (
    AutoForecaster,
    GLMForecaster,
    ModelError,
    ModelWarning,
    NaiveForecaster,
    SarimaxForecaster,
    SeasonalNaiveForecaster,
    SeriesError,
)
from _simulate import seasonal_nb

SMALL_AUTO = AutoForecaster(n_windows=2, step=6, horizon=3)
MODELS = [NaiveForecaster(), SeasonalNaiveForecaster(), GLMForecaster(),
          GLMForecaster(trend=False, window=36, ramadan=True), SarimaxForecaster(), SMALL_AUTO]
IDS = ["naive", "snaive", "glm", "glm_local", "sarimax", "auto"]


@pytest.fixture(scope="module")
def series() -> pd.Series:
    return seasonal_nb(11, years=6, mean=12, alpha=0.3)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_protocol(model, series):
    fc = model.clone().fit(series).predict(4, level=(95, 80, 50))
    assert fc.columns.tolist() == ["month", "mean", "lo-95", "hi-95", "lo-80", "hi-80",
                                   "lo-50", "hi-50"]
    assert fc["month"].tolist() == list(pd.date_range("2019-01-01", periods=4, freq="MS"))
    bounds = fc.drop(columns=["month", "mean"])
    assert (bounds >= 0).all().all()
    assert all(np.issubdtype(t, np.integer) for t in bounds.dtypes)
    assert (fc["lo-95"] <= fc["lo-80"]).all() and (fc["lo-80"] <= fc["lo-50"]).all()
    assert (fc["hi-50"] <= fc["hi-80"]).all() and (fc["hi-80"] <= fc["hi-95"]).all()
    assert (fc["mean"] >= 0).all() and (fc["lo-95"] <= fc["mean"]).all()
    assert (fc["mean"] <= fc["hi-95"]).all()


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_distribution_is_consistent_with_table(model, series):
    m = model.clone().fit(series)
    dist = m.predict_distribution(3)
    table = m.predict(3, level=[80])
    lo, hi = dist.interval(80)
    assert (table["lo-80"].to_numpy() == lo).all() and (table["hi-80"].to_numpy() == hi).all()
    assert np.all(np.diff(dist.cdf, axis=1) >= -1e-12) and np.allclose(dist.cdf[:, -1], 1)
    # Integer bounds of a discrete distribution cover at least the nominal probability.
    F = lambda k: np.where(k >= 0, dist.cdf[np.arange(3), np.clip(k, 0, None)], 0.0)  # noqa: E731
    assert np.all(F(hi) - F(lo - 1) >= 0.8 - 1e-9)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_nan_months_are_skipped_never_zero(model, series):
    gappy = series.copy()
    gappy.iloc[[5, 6, 30, -3]] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        m = model.clone().fit(gappy)
    assert len(m.frame_) == len(series) - 4
    assert m.cutoff_ == pd.Timestamp("2019-01-01")
    fc = m.predict(2)
    assert fc["mean"].notna().all()


def test_trailing_nan_moves_the_horizon_not_the_data(series):
    gappy = series.copy()
    gappy.iloc[-2:] = np.nan
    m = NaiveForecaster().fit(gappy)
    fc = m.predict(1)
    assert fc["month"].iloc[0] == pd.Timestamp("2019-01-01")
    assert fc["mean"].iloc[0] == series.iloc[-3]
    # Three months after the last observation: wider than a one-step naive interval.
    one_step = NaiveForecaster().fit(series.iloc[:-2]).predict(1)
    assert fc["hi-80"].iloc[0] - fc["lo-80"].iloc[0] > one_step["hi-80"].iloc[0] - one_step["lo-80"].iloc[0]


def test_naive_and_seasonal_naive_points(series):
    assert NaiveForecaster().fit(series).predict(3)["mean"].tolist() == [series.iloc[-1]] * 3
    snaive = SeasonalNaiveForecaster().fit(series).predict(14)["mean"].to_numpy()
    np.testing.assert_array_equal(snaive[:12], series.iloc[-12:].to_numpy())
    np.testing.assert_array_equal(snaive[12:], series.iloc[-12:-10].to_numpy())


def test_glm_uses_interval_counts():
    y = seasonal_nb(12, years=8, mean=20, alpha=0.1, amplitude=0.0)
    # Early years only as quarterly totals, the last two years monthly.
    q = y.iloc[:72]
    starts = q.index[::3]
    frame = pd.DataFrame({"start": starts, "end": starts + pd.offsets.MonthBegin(3),
                          "value": q.groupby(np.arange(72) // 3).sum().to_numpy()})
    tail = pd.DataFrame({"start": y.index[72:], "end": y.index[72:] + pd.offsets.MonthBegin(1),
                         "value": y.iloc[72:].to_numpy()})
    mixed = pd.concat([frame, tail], ignore_index=True)
    m = GLMForecaster(trend=False, fourier=0).fit(mixed)
    assert m.result_.n_obs == 24 + 24
    assert m.predict(1)["mean"].iloc[0] == pytest.approx(y.mean(), rel=0.02)
    # The naive method has only the monthly tail to work with.
    assert NaiveForecaster().fit(mixed).predict(1)["mean"].iloc[0] == y.iloc[-1]


def test_naive_needs_a_monthly_observation():
    frame = pd.DataFrame({"start": ["2020-01-01"], "end": ["2020-07-01"], "value": [60]})
    with pytest.raises(SeriesError, match="one-month"):
        NaiveForecaster().fit(frame)


@pytest.mark.parametrize("model", MODELS[1:], ids=IDS[1:])
@pytest.mark.parametrize("n", [1, 2, 7, 11])
def test_short_series_fall_back_with_warning(model, n, series):
    with pytest.warns(ModelWarning):
        fc = model.clone().fit(series.iloc[:n]).predict(3)
    assert fc["mean"].notna().all() and (fc["hi-95"] >= fc["lo-95"]).all()


@pytest.mark.parametrize("model", MODELS, ids=IDS)
@pytest.mark.parametrize("n", [13, 25])
def test_barely_seasonal_series_never_crash(model, n, series):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        fc = model.clone().fit(series.iloc[:n]).predict(13)
    assert fc["mean"].notna().all() and (fc["hi-95"] >= fc["lo-95"]).all()


def test_all_zero_series_forecasts_zero():
    y = pd.Series(0.0, index=pd.date_range("2020-01-01", periods=40, freq="MS"))
    with pytest.warns(ModelWarning):
        fc = GLMForecaster().fit(y).predict(2)
    assert fc["mean"].tolist() == [0.0, 0.0] and fc["hi-95"].tolist() == [0, 0]


def test_predict_before_fit_and_bad_horizon(series):
    with pytest.raises(ModelError, match="not fitted"):
        NaiveForecaster().predict(1)
    m = NaiveForecaster().fit(series)
    for h in [0, -1, 1.5]:
        with pytest.raises(Exception, match="horizon"):
            m.predict(h)


def test_clone_and_params():
    m = GLMForecaster(trend=False, window=24, n_nodes=10)
    c = m.clone()
    assert c is not m and c.get_params() == m.get_params()
    assert "window=24" in repr(m)


def test_glm_parameter_uncertainty_widens_but_keeps_the_fitted_mean(series):
    """Quadrature over each month's log rate, centred at eta - v/2: the mean is exp(eta)."""
    with_unc = GLMForecaster(fourier=1).fit(series.iloc[:30])
    plug_in = GLMForecaster(fourier=1, n_nodes=0).fit(series.iloc[:30])
    months = pd.date_range(with_unc.cutoff_, periods=12, freq="MS")
    rate = with_unc.result_.rate(months).to_numpy()
    a, b = with_unc.predict_distribution(12), plug_in.predict_distribution(12)
    np.testing.assert_allclose(a.forecast(), rate, rtol=1e-9)
    np.testing.assert_allclose(a.mean(), rate, rtol=1e-4)
    np.testing.assert_allclose(b.forecast(), rate, rtol=1e-9)
    # Wider: the 95% interval of the mixture contains the plug-in one, strictly at 12 months.
    (alo, ahi), (blo, bhi) = a.interval(95), b.interval(95)
    assert (alo <= blo).all() and (ahi >= bhi).all() and ahi[-1] > bhi[-1]
    # And deterministic.
    np.testing.assert_array_equal(a.cdf, GLMForecaster(fourier=1).fit(series.iloc[:30])
                                  .predict_distribution(12).cdf)


def test_auto_reports_its_choice(series):
    auto = SMALL_AUTO.clone().fit(series)
    assert set(auto.scores_.index) == {"glm", "glm_local", "sarimax", "seasonal_naive", "naive",
                                       "pool"}
    assert auto.weights_.sum() == pytest.approx(1.0)
    assert auto.chosen_ == ("pool" if len(auto.weights_) > 1 else auto.weights_.index[0])
    select = AutoForecaster(n_windows=2, step=6, horizon=3, method="select").fit(series)
    assert select.chosen_ == select.scores_["crps"].drop("pool").idxmin()
    pooled = AutoForecaster(n_windows=2, step=6, horizon=3, method="pool").fit(series)
    assert pooled.weights_.sum() == pytest.approx(1.0) and len(pooled.weights_) == 5
    assert pooled.predict(2)["mean"].notna().all()
    with pytest.raises(Exception, match="method must be one of"):
        AutoForecaster(method="best").fit(series)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_a_series_with_no_observed_value_is_a_clear_error(model):
    """An empty CSV column: IndexError, 'invalid month NaT' or a zero forecast before."""
    y = pd.Series(np.nan, index=pd.date_range("2020-01-01", periods=3, freq="MS"))
    with pytest.raises(SeriesError, match="no observed values"):
        model.clone().fit(y)


@pytest.fixture(scope="module")
def panel():
    from resurgence.panel import load_panel

    return load_panel()


SPARSE = ["sohr/sdf_areas/aleppo/isis_members", "ucdp/syria/tartus/fatalities_high",
          "ucdp/syria/latakia/fatalities", "ucdp/syria/tartus/events"]


@pytest.mark.slow
@pytest.mark.parametrize("model", [GLMForecaster(), AutoForecaster()], ids=["glm", "auto"])
@pytest.mark.parametrize("sid", SPARSE)
def test_sparse_bundled_series_are_not_extrapolated_beyond_the_data(panel, sid, model):
    """The audit's cases: mean 6292 and hi-95 99999 for a series whose highest rate was one
    a month; a mean of 1245 outside its own 80% interval (trends and seasons fitted to a
    handful of events, parameter draws with huge variances)."""
    frame = panel.frame(sid)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        fitted = model.clone().fit(frame)
        fc = fitted.predict(12)
        dist = fitted.predict_distribution(12)
    top_rate = (frame["value"] / frame["months"]).max()
    assert (fc["mean"] <= top_rate).all(), fc
    assert (fc["hi-95"] <= 3 * frame["value"].max() + 3).all(), fc
    assert not dist.truncated


def test_trend_is_held_flat_beyond_the_span_of_the_data():
    y = seasonal_nb(21, years=2, mean=10, trend=0.6, amplitude=0.0, alpha=0.05)
    m = GLMForecaster(fourier=0).fit(y)
    assert m.result_.params["trend"] > 0.2
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelWarning)
        m.predict(24)  # within the 24-month span: no warning
    with pytest.warns(ModelWarning, match="trend held flat after 2016-12"):
        mean = m.predict(60)["mean"].to_numpy()
    assert np.all(np.diff(mean[:24]) > 0)
    np.testing.assert_allclose(mean[24:], mean[23], rtol=1e-9)


def test_a_distribution_beyond_the_support_is_flagged_and_warned():
    from resurgence.forecast import CountDistribution

    months = pd.date_range("2024-01-01", periods=2, freq="MS")
    assert not CountDistribution.negbin([5.0, 50.0], 0.5, months).truncated
    assert CountDistribution.negbin([5.0, 5e5], 0.5, months).truncated
    assert CountDistribution.transformed_normal([3.0, 14.0], [0.5, 1.0], months).truncated
    # Two observations, 3 then 34: a log-scale random walk whose 12-month interval is huge.
    y = pd.Series([3.0, 34.0], index=pd.date_range("2020-04-01", periods=2, freq="MS"))
    with pytest.warns(ModelWarning, match="above 99,999"):
        NaiveForecaster().fit(y).predict(12)


def test_horizon_has_a_documented_upper_bound(series):
    """--horizon 100000 ran out of memory (exit 70) before."""
    from resurgence import InputError
    from resurgence.forecast import MAX_HORIZON

    assert MAX_HORIZON == 120
    m = NaiveForecaster().fit(series)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)  # a 10-year random walk is wide
        assert len(m.predict(MAX_HORIZON)) == MAX_HORIZON
    with pytest.raises(InputError, match="at most 120 months"):
        m.predict(MAX_HORIZON + 1)
    with pytest.raises(InputError, match="at most 120 months"):
        AutoForecaster(horizon=500).fit(series)


def test_screen_keeps_the_benchmark_unless_the_equal_pool_beats_it():
    """On a random walk of large counts the last value is what to beat; on a stable
    seasonal NB series the candidates' pool beats it and the clearly worse are screened out."""
    rng = np.random.default_rng(5)
    months = pd.date_range("2016-01-01", periods=60, freq="MS")
    walk = pd.Series(np.round(200 * np.exp(np.cumsum(rng.normal(0, 0.2, 60)))), index=months)
    auto = AutoForecaster().fit(walk)
    sc = auto.scores_["crps"]
    assert sc["pool"] >= sc["naive"] and auto.chosen_ == "naive"
    seasonal = seasonal_nb(31, years=8, mean=40, alpha=0.1, amplitude=0.6)
    auto = AutoForecaster().fit(seasonal)
    sc = auto.scores_["crps"]
    assert sc["pool"] < sc["naive"] and len(auto.weights_) >= 1
    assert "seasonal_naive" not in auto.weights_ or auto.weights_["seasonal_naive"] < 0.3
    assert auto.weights_.idxmax() in ("glm", "glm_local", "sarimax")
