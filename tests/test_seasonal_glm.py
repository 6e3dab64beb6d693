"""seasonal_glm: known effects recovered, nominal error rates, interval counts, fallbacks."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from resurgence import ModelWarning, SeriesError, seasonal_glm
from resurgence.covariates import CalendarDesign, as_model_frame

from _simulate import seasonal_nb


def _quiet(y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelWarning)
        return seasonal_glm(y, **kw)


def test_effects_table_and_profile():
    y = seasonal_nb(1, years=12, mean=30, trend=0.08, amplitude=0.5)
    res = _quiet(y)
    eff = res.effects.set_index("term")
    assert list(eff.index) == ["trend", "sin1", "cos1", "sin2", "cos2", "ramadan"]
    assert eff.loc["trend", "rr_low"] < np.exp(0.08) < eff.loc["trend", "rr_high"]
    assert (eff["rr_low"] <= eff["rate_ratio"]).all() and (eff["rate_ratio"] <= eff["rr_high"]).all()
    assert res.significant("seasonality") and res.significant("trend")
    # The simulated cycle 0.5 sin + ... peaks in spring and bottoms out in autumn.
    truth = CalendarDesign(trend=False, fourier=2, ramadan=False).monthly(
        pd.date_range("2020-01-01", periods=12, freq="MS"))
    true_lrr = truth["sin1"] * 0.5 - 0.25 * truth["cos1"] + 0.15 * truth["sin2"]
    prof = res.seasonal_profile
    assert int(prof["rate_ratio"].idxmax()) == int(np.argmax(true_lrr.to_numpy()) + 1)
    covered = (prof["rr_low"].to_numpy() <= np.exp(true_lrr.to_numpy())) & (
        np.exp(true_lrr.to_numpy()) <= prof["rr_high"].to_numpy())
    assert covered.sum() >= 10
    assert 0.15 < res.dispersion < 0.5 and res.family == "negbin"


def test_poisson_reference_matches_statsmodels_glm():
    y = seasonal_nb(2, years=8, mean=40, alpha=0.0)
    res = _quiet(y, family="poisson", ramadan=False)
    X = res.design.monthly(y.index)
    glm = sm.GLM(y.to_numpy(), X.to_numpy(), family=sm.families.Poisson()).fit()
    np.testing.assert_allclose(res.params.to_numpy(), glm.params, rtol=1e-5, atol=1e-7)
    reduced = sm.GLM(y.to_numpy(), X[["const", "trend"]].to_numpy(),
                     family=sm.families.Poisson()).fit()
    lr = res.tests.set_index("test").loc["seasonality"]
    assert lr["statistic"] == pytest.approx(reduced.deviance - glm.deviance, rel=1e-5)
    assert lr["df"] == 4


def test_poisson_counts_give_zero_dispersion_without_warning():
    y = seasonal_nb(3, years=8, mean=20, alpha=0.0)
    res = _quiet(y)
    assert res.dispersion >= 0 and res.dispersion < 0.05


def test_nan_months_are_skipped_not_zero():
    y = seasonal_nb(4, years=8)
    gappy = y.copy()
    gappy.iloc[[3, 40, 41, 77]] = np.nan
    a = _quiet(gappy)
    b = _quiet(gappy.dropna())  # same observations, gaps implied
    np.testing.assert_allclose(a.params.to_numpy(), b.params.to_numpy())
    assert a.n_obs == len(y) - 4
    zeroed = _quiet(gappy.fillna(0))
    assert not np.allclose(a.params.to_numpy(), zeroed.params.to_numpy())


def test_interval_counts_use_exposure():
    """Quarterly and half-year totals of a monthly series give the same monthly rate."""
    y = seasonal_nb(5, years=10, mean=25, amplitude=0.0, alpha=0.1)
    monthly = _quiet(y, fourier=0, ramadan=False, trend=False)
    starts = pd.date_range("2013-01-01", periods=40, freq="3MS")
    quarters = pd.DataFrame({"start": starts, "end": starts + pd.offsets.MonthBegin(3),
                             "value": y.groupby(np.arange(len(y)) // 3).sum().to_numpy()})
    frame = as_model_frame(quarters)
    assert (frame["months"] == 3).all()
    q = _quiet(quarters, fourier=0, ramadan=False, trend=False)
    assert q.baseline_rate == pytest.approx(monthly.baseline_rate, rel=1e-6)
    assert q.baseline_rate == pytest.approx(y.mean(), rel=1e-6)


def test_mixed_intervals_recover_trend():
    y = seasonal_nb(6, years=12, mean=20, trend=0.1, amplitude=0.0, alpha=0.1)
    # Irregular windows: a 45-day, a 2-month and a 5-month interval, repeated.
    edges = [pd.Timestamp("2013-01-01")]
    for i in range(200):
        step = [pd.Timedelta(days=45), pd.offsets.MonthBegin(2), pd.offsets.MonthBegin(5)][i % 3]
        nxt = edges[-1] + step
        if nxt > pd.Timestamp("2025-01-01"):
            break
        edges.append(nxt)
    daily = np.repeat(y.to_numpy() / y.index.days_in_month, y.index.days_in_month)
    days = pd.date_range("2013-01-01", periods=len(daily), freq="D")
    cum = pd.Series(np.r_[0, np.cumsum(daily)], index=days.append(pd.DatetimeIndex(["2025-01-01"])))
    frame = pd.DataFrame({"start": edges[:-1], "end": edges[1:]})
    frame["value"] = np.round(cum.reindex(frame["end"]).to_numpy() - cum.reindex(frame["start"]).to_numpy())
    res = _quiet(frame, fourier=0, ramadan=False)
    eff = res.effects.set_index("term").loc["trend"]
    assert eff["rr_low"] < np.exp(0.1) < eff["rr_high"]


def test_intervention_step_recovered():
    y = seasonal_nb(7, years=10, mean=30, alpha=0.2, steps={"baghuz": ("2019-03", 0.4)})
    res = _quiet(y, interventions={"baghuz": "2019-03"})
    eff = res.effects.set_index("term").loc["baghuz"]
    assert eff["rr_low"] < 0.4 < eff["rr_high"]
    assert res.significant("baghuz")


@pytest.mark.parametrize("n", [1, 2, 5, 11, 20, 30])
def test_short_series_fall_back_with_warning(n):
    y = seasonal_nb(8, years=3).iloc[:n]
    if n < 30:
        with pytest.warns(ModelWarning, match="fell back"):
            res = seasonal_glm(y, interventions={"late": "2015-06"})
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ModelWarning)
            res = seasonal_glm(y, interventions={"late": "2015-06"})
    assert np.isfinite(res.baseline_rate)
    assert res.fallbacks
    assert res.tests["test"].tolist()[:3] == ["seasonality", "ramadan", "trend"]


def test_coarse_intervals_drop_seasonality():
    years = pd.date_range("2015-01-01", periods=6, freq="12MS")
    frame = pd.DataFrame({"start": years, "end": years + pd.offsets.MonthBegin(12),
                          "value": [100, 120, 90, 140, 130, 150]})
    with pytest.warns(ModelWarning):
        res = seasonal_glm(frame)
    assert res.design.fourier == 0
    assert np.isnan(res.tests.set_index("test").loc["seasonality", "p_value"])


def test_all_zero_is_a_clear_error():
    y = pd.Series(0.0, index=pd.date_range("2020-01-01", periods=30, freq="MS"))
    with pytest.raises(SeriesError, match="zero"):
        seasonal_glm(y)


@pytest.mark.slow
def test_ramadan_ci_covers_truth_at_nominal_rate():
    n_seeds, truth = 200, 1.5
    covered = 0
    for seed in range(n_seeds):
        y = seasonal_nb(1000 + seed, years=10, mean=15, alpha=0.3, trend=0.04,
                        ramadan_rr=truth)
        eff = _quiet(y).effects.set_index("term").loc["ramadan"]
        covered += eff["rr_low"] <= truth <= eff["rr_high"]
    # 95% nominal; binomial sd at n=200 is 1.5 points.
    assert covered / n_seeds >= 0.91


@pytest.mark.slow
def test_ramadan_false_positive_rate_is_nominal():
    n_seeds = 200
    rejected = sum(
        _quiet(seasonal_nb(5000 + s, years=10, mean=15, alpha=0.3, trend=0.04)).significant("ramadan")
        for s in range(n_seeds)
    )
    # Nominal 5%; allow 2.33 binomial sds (one-sided 1%).
    assert rejected / n_seeds <= 0.05 + 2.33 * np.sqrt(0.05 * 0.95 / n_seeds)


# -- sparse series: separation and non-convergence fall back, never crash ---------------

def test_separation_check_agrees_with_the_two_group_answer():
    """With an intercept and one binary covariate the MLE exists exactly when both groups
    have a positive count (brute-force answer); the LP must agree on random cases."""
    from resurgence.separation import separated_observations

    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(4, 15))
        x = rng.integers(0, 2, n).astype(float)
        if x.min() == x.max():
            continue
        y = rng.poisson(0.4, n).astype(float)
        if y.sum() == 0:
            continue
        X = np.column_stack([np.ones(n), x])
        sep, _ = separated_observations(y, X)
        empty_group = y[x == 1].sum() == 0 or y[x == 0].sum() == 0
        assert sep.any() == empty_group
        if empty_group:  # the separated zeros are exactly the group without events
            group = 1.0 if y[x == 1].sum() == 0 else 0.0
            assert set(np.flatnonzero(sep)) == set(np.flatnonzero(x == group))


def _few_events_outside_ramadan() -> pd.Series:
    """Five years, mostly zero; the events all fall in months without a Ramadan day."""
    months = pd.date_range("2015-01-01", periods=60, freq="MS")
    from resurgence import ramadan_share

    outside = np.flatnonzero(ramadan_share(months).to_numpy() == 0)
    y = pd.Series(0.0, index=months)
    events = outside[::2][:22]
    y.iloc[events] = np.resize([1, 2, 1, 1, 3, 1, 2], len(events))
    return y


def test_separated_ramadan_term_is_dropped_with_a_reason():
    y = _few_events_outside_ramadan()
    with pytest.warns(ModelWarning, match="no Ramadan term .not identified"):
        res = seasonal_glm(y, fourier=1)
    assert "ramadan" not in res.effects["term"].tolist()
    assert np.isnan(res.tests.set_index("test").loc["ramadan", "p_value"])
    assert np.all(np.isfinite(res.params)) and (res.effects["std_error"] < 5).all()
    # The rest of the model is kept.
    assert {"trend", "sin1", "cos1"} <= set(res.effects["term"])


def test_long_run_of_zeros_then_a_few_events_falls_back():
    """The audit's case: 30 zero months, then a few 1s and 2s (ModelError before)."""
    y = pd.Series([0.0] * 30 + [1, 2, 1, 0, 2, 1],
                  index=pd.date_range("2018-01-01", periods=36, freq="MS"))
    with pytest.warns(ModelWarning, match="fell back"):
        res = seasonal_glm(y, interventions={"start": "2020-07"})
    assert np.all(np.isfinite(res.params)) and np.isfinite(res.llf)
    assert res.fallbacks
    # Nothing is left that would extrapolate to absurd rates.
    rate = res.rate(pd.date_range("2021-01-01", periods=12, freq="MS"))
    assert (rate < 5).all()


def test_no_observed_values_is_not_called_all_zero():
    y = pd.Series(np.nan, index=pd.date_range("2020-01-01", periods=12, freq="MS"))
    with pytest.raises(SeriesError, match="no observed values"):
        seasonal_glm(y)


@pytest.mark.slow
@pytest.mark.parametrize("steps", [None, {"baghuz": "2019-03", "fall_of_assad": "2024-12"}],
                         ids=["default", "steps"])
def test_every_bundled_series_fits_or_is_all_zero(steps):
    """Sweep of the bundled panel (about 10 series raised ModelError before)."""
    from resurgence.panel import load_panel

    panel = load_panel()
    for sid in panel.series["series_id"]:
        frame = panel.frame(sid)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ModelWarning)
            if frame["value"].sum() == 0:
                with pytest.raises(SeriesError, match="zero"):
                    seasonal_glm(frame, interventions=steps)
                continue
            res = seasonal_glm(frame, interventions=steps)
        assert np.all(np.isfinite(res.params)), sid
        assert np.all(np.isfinite(res.effects["std_error"])), sid
