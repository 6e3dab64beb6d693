"""Detectors against known answers: exact quantiles, simulated truth, Monte Carlo."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from resurgence.alerts import (
    Evaluation,
    Farrington,
    History,
    LevelShift,
    NBCusum,
    combine,
    fit_baseline,
)
from resurgence.alerts.cusum import _Null
from resurgence.alerts.levelshift import rate_ratio_test
from resurgence.alerts.predictive import Predictive, predictive
from resurgence.errors import SeriesError


def _series(values, start="2018-01"):
    return pd.Series(np.asarray(values, float),
                     index=pd.date_range(start, periods=len(values), freq="MS"))


# -- predictive and threshold --------------------------------------------------------
@pytest.mark.parametrize("mu,phi", [(0.5, 1.0), (10.0, 1.0), (10.0, 3.0), (80.0, 2.0)])
@pytest.mark.parametrize("alpha", [0.01, 0.005])
def test_threshold_is_the_nb_quantile(mu, phi, alpha):
    pred = Predictive(np.array([mu]), np.array([phi]), np.array([1.0]))
    dist = stats.poisson(mu) if phi == 1 else stats.nbinom(mu / (phi - 1), 1 / phi)
    assert pred.threshold(alpha) == int(dist.ppf(1 - alpha))
    u = pred.threshold(alpha)
    assert dist.sf(u) <= alpha < dist.sf(u - 1)
    assert pred.sf(u + 1) == pytest.approx(dist.sf(u))


def test_mixture_threshold_bounds_its_components():
    pred = Predictive(np.array([5.0, 20.0]), np.array([1.0, 2.0]), np.array([0.5, 0.5]))
    u = pred.threshold(0.01)
    assert pred.sf(u + 1) <= 0.01 < pred.sf(u)


def test_plugin_predictive_matches_the_baseline():
    y = _series(np.tile([8.0, 12.0, 10.0, 9.0, 11.0], 12))
    b = fit_baseline(History.from_series(y, y.index[-1]))
    plug = predictive(b, uncertainty=False)
    assert plug.mean == pytest.approx(b.expected)
    mixed = predictive(b)
    assert mixed.threshold(0.005) >= plug.threshold(0.005)


# -- Farrington baseline ---------------------------------------------------------------
def test_baseline_excludes_recent_months_and_uses_exposure():
    y = _series([10.0] * 48 + [100.0, 100.0, 100.0, 10.0])
    h = History.from_series(y, y.index[-1])
    b = fit_baseline(h, gap=3)
    assert b.expected == pytest.approx(10.0)             # the three 100s are in the gap
    assert fit_baseline(h, gap=0).expected > 10.0


def test_interval_count_baseline_from_running_totals_only():
    # 2023 known only as running-total differences, 2024-01 as a calendar month
    frame = pd.DataFrame({
        "start": pd.to_datetime(["2022-01-01", "2022-05-01", "2022-11-15", "2023-03-01",
                                 "2023-07-10", "2024-01-01"]),
        "end": pd.to_datetime(["2022-05-01", "2022-11-15", "2023-03-01", "2023-07-10",
                               "2023-10-01", "2024-02-01"]),
        "value": [40.0, 65.0, 36.0, 44.0, 28.0, 45.0]})
    frame["months"] = (frame["end"] - frame["start"]).dt.days / 30.44
    h = History.from_frame(frame, "2024-01")
    assert h.observed == 45.0 and h.n == 5
    b = fit_baseline(h)
    total = frame["value"].iloc[:5].sum() / frame["months"].iloc[:5].sum()
    assert b.expected == pytest.approx(total, rel=0.02)
    ev = Farrington().evaluate(h)
    assert ev.status == "ok" and ev.flag and ev.p_value < 0.005


def test_trend_kept_only_when_significant():
    rng = np.random.default_rng(4)
    t = np.arange(72)
    rising = _series(rng.poisson(5 * np.exp(t / 36)))
    flat = _series(rng.poisson(10, 72))
    assert fit_baseline(History.from_series(rising, rising.index[-1])).trend
    assert not fit_baseline(History.from_series(flat, flat.index[-1])).trend


def test_seasonal_factor_follows_the_calendar():
    t = np.arange(72)
    y = _series(np.round(20 * np.exp(0.6 * np.sin(2 * np.pi * t / 12))))
    peak = y.index[(t % 12 == 3) & (t > 48)][0]
    trough = y.index[(t % 12 == 9) & (t > 48)][0]
    bp = fit_baseline(History.from_series(y, peak))
    bt = fit_baseline(History.from_series(y, trough))
    assert bp.seasonal and bt.seasonal
    assert bp.expected > 1.5 * bt.expected


def test_past_outbreak_is_down_weighted():
    y = _series([10.0, 9, 11, 10, 12, 8, 10, 11, 9, 10] * 4 + [60.0, 55.0] + [10.0] * 10 + [10.0])
    h = History.from_series(y, y.index[-1])
    b = fit_baseline(h)
    raw = fit_baseline(h, reweight=False)
    assert b.downweighted >= 2
    assert b.expected < raw.expected and b.phi < raw.phi


def test_zero_history_and_too_short_history():
    zeros = _series([0.0] * 40 + [4.0])
    ev = Farrington().evaluate(History.from_series(zeros, zeros.index[-1]))
    assert ev.status == "ok" and ev.flag and ev.p_value < 0.001
    short = _series([3.0, 5.0, 4.0, 20.0])
    ev = Farrington().evaluate(History.from_series(short, short.index[-1]))
    assert ev.status == "insufficient" and not ev.flag and "too short" in ev.reason
    gap = _series([5.0] * 30 + [np.nan])
    ev = Farrington().evaluate(History.from_series(gap, gap.index[-1]))
    assert ev.status == "insufficient" and "no count" in ev.reason


def test_negative_counts_are_rejected():
    with pytest.raises(SeriesError):
        History.from_series(_series([3.0, -1.0, 4.0]), "2018-03")


def test_score_and_flag_follow_the_threshold():
    rng = np.random.default_rng(8)
    y = _series(rng.poisson(10, 60))
    h = History.from_series(y, y.index[-1])
    base = fit_baseline(h)
    u = Farrington().evaluate(h, baseline=base).threshold
    for obs, flagged in ((u, False), (u + 1, True)):
        ev = Farrington().evaluate(dataclasses.replace(h, observed=float(obs)), baseline=base)
        assert ev.flag is flagged
        assert (ev.score > 1) is flagged
    low = Farrington(min_count=50).evaluate(dataclasses.replace(h, observed=u + 1.0), baseline=base)
    assert not low.flag and "min_count" in low.reason


# -- NB CUSUM ----------------------------------------------------------------------------
@pytest.mark.parametrize("mean,phi", [(0.8, 1.0), (6.0, 1.0), (15.0, 3.0)])
def test_cusum_null_distribution_matches_monte_carlo(mean, phi):
    alpha = 0.01
    m = np.full(4, mean)
    null = _Null(m, phi, 10**6, 0.0, 2.0)            # parameters known: no estimation error
    cuts, tail = null.run(alpha)
    rng = np.random.default_rng(1)
    R = 200_000
    if phi == 1:
        Y = rng.poisson(mean, (R, 4))
    else:
        r = mean / (phi - 1)
        Y = rng.negative_binomial(r, r / (r + mean), (R, 4))
    cell = np.zeros(R, dtype=int)                   # the statistic on the null's grid
    for j in range(3):
        step = null.shift(j, Y[:, j])
        cell = np.where(step >= cuts[j], 0, np.maximum(0, cell + step))   # spikes reset
    cell = np.minimum(np.maximum(0, cell + null.shift(3, Y[:, 3])), len(tail) - 1)
    p = np.where(cell <= 0, 1.0, tail[cell])
    realised = float(np.mean(p <= alpha))
    assert realised <= alpha + 3 * np.sqrt(alpha / R)
    assert realised >= alpha * 0.3                   # discreteness only lowers it


def test_cusum_flags_a_sustained_rise_that_no_single_month_shows():
    rng = np.random.default_rng(5)
    y = _series(np.r_[rng.poisson(8, 57), [14, 15, 15]])
    h = History.from_series(y, y.index[-1])
    far, cus = Farrington().evaluate(h), NBCusum().evaluate(h)
    assert not far.flag
    assert cus.flag and cus.score > 1 and cus.p_value <= 0.0025
    assert "sustained rise" in cus.reason


def test_cusum_resets_after_an_alarm():
    y = _series(np.r_[np.full(56, 8.0), [60.0, 8.0, 9.0, 8.0]])
    h = History.from_series(y, y.index[-1])
    ev = NBCusum().evaluate(h)
    assert ev.details["resets"] == 1 and not ev.flag


# -- level shift ------------------------------------------------------------------------
def test_rate_ratio_test_is_the_exact_conditional_binomial():
    y1, e1, y2, e2 = 40.0, 40.0, 9.0, 3.0
    ratio, lo, hi, p = rate_ratio_test(y1, e1, y2, e2, alpha=0.025)
    n, pi0 = y1 + y2, e2 / (e1 + e2)
    assert p == pytest.approx(stats.binom.sf(y2 - 1, n, pi0))
    assert ratio == pytest.approx(3.0)
    ci = stats.binomtest(int(y2), int(n)).proportion_ci(0.95, method="exact")
    assert lo == pytest.approx(ci.low / (1 - ci.low) * e1 / e2, rel=1e-8)
    assert hi == pytest.approx(ci.high / (1 - ci.high) * e1 / e2, rel=1e-8)


def test_level_shift_from_the_second_month_not_for_a_lone_spike():
    rng = np.random.default_rng(2)
    base = rng.poisson(6, 58)
    shifted = _series(np.r_[base, [19, 22]])
    ev = LevelShift().evaluate(History.from_series(shifted, shifted.index[-1]))
    assert ev.flag and ev.details["segment_start"] == "2022-11"
    spike = _series(np.r_[base, [40, 6]])
    ev = LevelShift().evaluate(History.from_series(spike, spike.index[-1]))
    assert not ev.flag


def test_level_shift_ignores_a_steady_trend():
    t = np.arange(96)
    y = _series(np.round(4 * np.exp(t / 48)))      # smooth, noise-free growth x7
    ev = LevelShift().evaluate(History.from_series(y, y.index[-1]))
    assert not ev.flag


# -- verdict ----------------------------------------------------------------------------
def _ev(name, flag, p):
    m = pd.Timestamp("2024-01-01")
    return Evaluation(name, m, 30.0, 10.0, 20.0, 2.0 if flag else 0.5, p, flag, f"{name} says")


@pytest.mark.parametrize("flags,p,severity", [
    ((False, False, False), 0.2, "none"),
    ((True, False, False), 0.003, "moderate"),
    ((True, False, False), 5e-5, "high"),
    ((True, True, False), 0.003, "high"),
    ((True, True, True), 0.003, "critical"),
    ((True, False, False), 1e-7, "critical"),
])
def test_severity_rule(flags, p, severity):
    evs = [_ev(n, f, p if f else 0.5) for n, f in zip(("farrington", "cusum", "levelshift"), flags)]
    v = combine(evs)
    assert v.severity == severity
    assert v.flag == any(flags)
    names = ("farrington", "cusum", "levelshift")
    assert v.detectors == tuple(n for n, f in zip(names, flags) if f)
    assert len(v.reasons) == max(sum(flags), 1)


def test_detectors_have_stable_configs():
    assert Farrington().config() == Farrington().config()
    assert Farrington(alpha=0.01).config() != Farrington().config()
    assert "alpha=0.0025" in NBCusum().config()
