"""Stacked Farrington baselines and batched level-shift searches against the one-series code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resurgence.alerts import Farrington, default_detectors
from resurgence.alerts.base import History
from resurgence.alerts.batch import fit_baselines
from resurgence.alerts.glm import fit_quasipoisson, fit_quasipoisson_many
from resurgence.alerts.monitor import judge, judge_many, monitor


def _panel(seed: int, S: int = 40, T: int = 96) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Series of every kind the baseline branches on: seasonal, trending, spiky, sparse,
    all-zero, short, gappy."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2015-01", periods=T, freq="MS")
    tt = np.arange(T)
    Y = np.empty((S, T))
    for i in range(S):
        kind = i % 8
        mu = np.exp(rng.uniform(np.log(0.3), np.log(80)))
        rate = np.full(T, mu)
        if kind == 1:
            rate = mu * np.exp(0.8 * np.sin(2 * np.pi * tt / 12))
        elif kind == 2:
            rate = mu * np.exp(np.linspace(-0.7, 0.7, T))
        size = rng.choice([0.8, 3.0, 1e6])
        y = rng.negative_binomial(size, size / (size + rate)).astype(float)
        if kind == 3:
            y[rng.integers(0, T, 3)] *= 6
        if kind == 4:
            y[:] = 0.0
            y[-1] = 2.0
        if kind == 5:
            y[: T - 10] = np.nan
        if kind == 6:
            y[rng.random(T) < 0.3] = np.nan
            y[-1] = 4.0
        Y[i] = y
    return months, Y


def _histories(months, Y):
    out = []
    for i, y in enumerate(Y):
        out.append(History.from_series(pd.Series(y, index=months, name=f"s{i}"), months[-1]))
    return out


def test_stacked_irls_matches_one_series_fits():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(50), np.linspace(-2, 2, 50), rng.integers(0, 2, 50)])
    Y = rng.poisson(np.exp(1 + 0.3 * X[:, 1]), size=(12, 50)).astype(float)
    W = (rng.random((12, 50)) > 0.2).astype(float) * rng.uniform(0.3, 1.0, (12, 50))
    many = fit_quasipoisson_many(X, Y, W)
    for i in range(12):
        rows = W[i] > 0
        one = fit_quasipoisson(X[rows], Y[i, rows], weights=W[i, rows])
        np.testing.assert_allclose(many.coef[i], one.coef, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(many.dispersion[i], one.dispersion, rtol=1e-9)
        np.testing.assert_allclose(many.hat[i, rows], one.hat, rtol=1e-7, atol=1e-12)
        assert many.df_resid[i] == one.df_resid and bool(many.converged[i]) == one.converged


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("far", [Farrington(), Farrington(reweight="anscombe"),
                                 Farrington(trend=False, n_periods=1)])
def test_stacked_baselines_match_fit_baseline(seed, far):
    months, Y = _panel(seed)
    hs = _histories(months, Y)
    stacked = fit_baselines(hs, far)
    kinds = set()
    for h, b in zip(hs, stacked):
        ref = far.baseline(h)
        if isinstance(ref, str):
            assert b == ref
            kinds.add("short")
            continue
        kinds.add("zero" if ref.zero else ("trend" if ref.trend else "flat"))
        kinds.update({"seasonal"} if ref.seasonal else set())
        kinds.update({"reweighted"} if ref.downweighted else set())
        assert (b.trend, b.seasonal, b.zero, b.downweighted, b.n_obs, b.df) == (
            ref.trend, ref.seasonal, ref.zero, ref.downweighted, ref.n_obs, ref.df)
        np.testing.assert_allclose([b.expected, b.se0, b.phi, b.first, b.last],
                                   [ref.expected, ref.se0, ref.phi, ref.first, ref.last],
                                   rtol=1e-8, equal_nan=True)
    # the panels exercise every branch of the baseline
    expect = {"short", "zero", "flat", "reweighted"}
    expect |= {"trend"} if far.trend else set()
    expect |= {"seasonal"} if far.n_periods > 1 else set()
    assert expect <= kinds


@pytest.mark.parametrize("seed", range(3))
def test_judge_many_gives_judge_verdicts(seed):
    months, Y = _panel(seed + 10)
    # escalations in the last months so that every detector has something to say
    Y[::5, -2:] = Y[::5, -2:] * 4 + 10
    hs = _histories(months, Y)
    dets = default_detectors()
    many = judge_many(hs, dets)
    flagged = 0
    for h, v in zip(hs, many):
        one = judge(h, dets)
        assert (v.flag, v.severity, v.detectors, v.status) == (one.flag, one.severity,
                                                              one.detectors, one.status)
        np.testing.assert_allclose([v.expected, v.threshold, v.p_value],
                                   [one.expected, one.threshold, one.p_value],
                                   rtol=1e-6, atol=1e-12, equal_nan=True)
        flagged += v.flag
        # "above 1 = flagged" holds for the verdict as for each detector
        assert v.status != "ok" or ((v.score > 1) <= v.flag and v.flag <= (v.score >= 1))
        for e in v.evaluations:
            assert e.status != "ok" or ((e.score > 1) <= e.flag and e.flag <= (e.score >= 1))
    assert flagged >= 3


def test_judge_many_returns_or_raises_errors_per_series():
    months = pd.date_range("2020-01", periods=30, freq="MS")
    good = History.from_frame(pd.DataFrame({"start": months, "end": months + pd.offsets.MonthBegin(1),
                                            "months": 1.0, "value": 5.0}), months[-1])
    bad = History(months[-1], 3.0, good.start, good.end, good.exposure,
                  np.r_[good.value[:-1], -1.0], "bad")
    out = judge_many([good, bad], errors="return")
    assert out[0].status == "ok" and "negative counts in bad" in str(out[1])
    with pytest.raises(Exception, match="negative counts"):
        judge_many([good, bad])


def test_a_negative_count_in_the_month_judged_is_rejected():
    months = pd.date_range("2020-01", periods=30, freq="MS")
    y = pd.Series(np.r_[np.full(29, 5.0), -1.0], index=months, name="bad")
    with pytest.raises(Exception, match="negative counts in bad"):
        History.from_series(y, months[-1])
    with pytest.raises(Exception, match="negative counts"):
        monitor(y, start=y.index[-1])
