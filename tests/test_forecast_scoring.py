"""CRPS and pinball loss against brute-force integration and properscoring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from resurgence import crps
from resurgence.forecast import CountDistribution
from resurgence.forecast.scoring import crps_discrete, crps_normal, crps_sample, pinball_loss


def _brute(cdf_fn, y, lo, hi):
    """Numerical integral of (F(x) - 1{y <= x})^2 over [lo, hi]."""
    pts = sorted({lo, hi, y, *np.arange(np.ceil(lo), np.floor(hi) + 1)})
    total = 0.0
    for a, b in zip(pts[:-1], pts[1:]):
        total += integrate.quad(lambda x: (cdf_fn(x) - (x >= y)) ** 2, a, b, limit=200)[0]
    return total


@pytest.mark.parametrize("y", [0, 1, 3, 7, 2.5, -1.5, 40.2])
@pytest.mark.parametrize(("mu", "alpha"), [(4.0, 0.0), (4.0, 0.5), (15.0, 0.2)])
def test_discrete_crps_matches_integration(mu, alpha, y):
    months = pd.DatetimeIndex(["2024-01-01"])
    d = CountDistribution.negbin([mu], alpha, months)
    K = d.cdf.shape[1]
    F = lambda x: 0.0 if x < 0 else d.cdf[0, min(int(np.floor(x)), K - 1)]  # noqa: E731
    expect = _brute(F, y, min(y, 0) - 1, max(y, K) + 2)
    assert d.crps([y])[0] == pytest.approx(expect, rel=1e-6, abs=1e-9)


def test_discrete_crps_matches_properscoring():
    ps = pytest.importorskip("properscoring")
    months = pd.date_range("2024-01-01", periods=3, freq="MS")
    d = CountDistribution.negbin([2.0, 9.0, 30.0], 0.3, months)
    y = np.array([0.0, 12.0, 25.0])
    # A discrete distribution is a weighted ensemble on its support.
    support = np.arange(d.cdf.shape[1], dtype=float)
    pmf = np.diff(d.cdf, prepend=0.0, axis=1)
    for j in range(3):
        ref = ps.crps_ensemble(y[j], support, weights=pmf[j])
        assert d.crps(y)[j] == pytest.approx(float(ref), rel=1e-9)


def test_point_mass_crps_is_absolute_error():
    cdf = np.r_[np.zeros(5), 1.0]  # all mass on 5
    for y in [0, 3, 5, 9.5]:
        assert crps_discrete(cdf, y)[0] == pytest.approx(abs(y - 5))


def test_normal_crps_matches_integration_and_properscoring():
    for mu, sigma, y in [(0, 1, 0.3), (10, 3, 2), (-2, 0.5, -2)]:
        F = stats.norm(mu, sigma).cdf
        expect = _brute(F, y, mu - 12 * sigma, mu + 12 * sigma)
        assert crps_normal(mu, sigma, y) == pytest.approx(expect, rel=1e-6)
        assert crps(stats.norm(mu, sigma), y) == pytest.approx(expect, rel=1e-6)
    ps = pytest.importorskip("properscoring")
    assert crps_normal(1.0, 2.0, 0.0) == pytest.approx(ps.crps_gaussian(0.0, 1.0, 2.0))


def test_sample_crps_energy_form():
    rng = np.random.default_rng(0)
    x = rng.normal(size=9)
    brute = np.abs(x - 0.4).mean() - 0.5 * np.abs(x[:, None] - x[None, :]).mean()
    assert crps_sample(x, 0.4) == pytest.approx(brute)
    big = rng.normal(3, 2, size=40_000)
    assert crps(big, 1.0) == pytest.approx(crps_normal(3, 2, 1.0), rel=0.02)


def test_pinball():
    assert pinball_loss([5], [5], 0.1)[0] == 0
    assert pinball_loss([4], [6], 0.25)[0] == pytest.approx(0.5)
    assert pinball_loss([8], [6], 0.25)[0] == pytest.approx(1.5)


def test_crps_rejects_unknown_forecasts():
    from resurgence import InputError

    with pytest.raises(InputError):
        crps("not a forecast", 1.0)
