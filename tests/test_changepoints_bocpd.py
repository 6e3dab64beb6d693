"""BOCPD against brute-force enumeration of all segmentations, with NaN and exposure."""

from __future__ import annotations

import numpy as np
import pytest

from _cp_brute import bocpd_brute
from resurgence import InputError, SeriesError, bocpd


@pytest.mark.parametrize("model", ["poisson", "normal"])
@pytest.mark.parametrize("seed", range(4))
def test_run_length_posterior_matches_enumeration(model, seed):
    rng = np.random.default_rng(seed)
    n = 7
    if model == "poisson":
        x = rng.poisson(rng.choice([1.0, 6.0]), n).astype(float)
        e = rng.choice([1.0, 2.0, 6.0], n)
        prior = {"alpha": 1.5, "beta": 0.7}
    else:
        x = rng.normal(0, 2, n)
        e = np.ones(n)
        prior = {"mu": 0.3, "kappa": 0.5, "alpha": 1.2, "beta": 2.0}
    if seed % 2:
        x[[2, 5]] = np.nan
    hazard = 0.2
    res = bocpd(x, model=model, hazard=hazard, prior=prior,
                exposure=e if model == "poisson" else None)
    for t in range(1, n + 1):
        want = bocpd_brute(x[:t], e[:t], hazard, model, prior)
        assert res.run_length[t - 1, :t] == pytest.approx(want, abs=1e-10)


def test_detects_a_planted_change_and_truncates():
    rng = np.random.default_rng(11)
    y = np.r_[rng.poisson(2, 40), rng.poisson(10, 40)]
    res = bocpd(y, hazard=1 / 40)
    assert res.model == "poisson"
    lagged = res.p_change_lag(5)
    assert int(lagged.idxmax()) in range(39, 42)
    assert lagged.drop(index=range(36, 45)).max() < 0.3
    assert np.isnan(res.p_change.iloc[0])
    assert res.p_recent(45) > 0.99
    short = bocpd(y, hazard=1 / 40, max_run_length=20)
    assert short.run_length.shape == (80, 21)
    assert np.allclose(short.run_length.sum(axis=1), 1.0)
    assert int(short.p_change_lag(5).idxmax()) in range(39, 42)


def test_bocpd_errors():
    with pytest.raises(SeriesError, match="missing"):
        bocpd([np.nan, np.nan])
    with pytest.raises(InputError, match="hazard"):
        bocpd([1, 2, 3], hazard=1.5)
    with pytest.raises(InputError, match="unknown prior"):
        bocpd([1, 2, 3], prior={"mu": 1.0})
    with pytest.raises(SeriesError, match="non-negative"):
        bocpd([1, -2, 3], model="poisson")
