"""With the unscaled Gaussian cost and the same penalty, breakpoints equal ruptures' exact Pelt."""

from __future__ import annotations

import numpy as np
import pytest

from resurgence import detect_changepoints
from resurgence.changepoints.simulate import simulate

rpt = pytest.importorskip("ruptures")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("pen", [3.0, 10.0, 25.0])
def test_identical_to_ruptures_pelt_l2(seed, pen):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(200, 501))
    y, _ = simulate("gauss_steps", n=n, seed=seed)
    y = (y - y.mean()) / y.std() * 2.0  # scale so the penalties matter
    ours = detect_changepoints(y, cost="l2", penalty=pen, method="pelt", min_size=2)
    theirs = rpt.Pelt(model="l2", min_size=2, jump=1).fit(y).predict(pen=pen)
    assert ours.indices.tolist() + [n] == theirs
    assert ours.cost_name == "l2" and ours.penalty.value == pen


def _objective(y, ends, pen):
    b = [0, *ends]
    return sum(((y[s:e] - y[s:e].mean()) ** 2).sum() for s, e in zip(b[:-1], b[1:])) + pen * (
        len(b) - 2)


def test_where_ruptures_prunes_too_early_ours_is_the_optimum():
    """On pure noise with a tiny penalty ruptures' Pelt (which removes a dominated start
    at once, even with min_size=2) misses the optimum; ours matches unpruned optimal
    partitioning and has a strictly lower penalised cost. Found by this test, seed 42."""
    y = np.random.default_rng(42).normal(size=300)
    pen = 0.5
    ours = detect_changepoints(y, cost="l2", penalty=pen).indices.tolist() + [300]
    exact = detect_changepoints(y, cost="l2", penalty=pen, method="optpart").indices.tolist()
    theirs = rpt.Pelt(model="l2", min_size=2, jump=1).fit(y).predict(pen=pen)
    assert ours == exact + [300]
    assert ours != theirs
    assert _objective(y, ours, pen) < _objective(y, theirs, pen) - 0.1
    # at a penalty where ruptures' pruning is harmless, the answers agree again
    assert (detect_changepoints(y, cost="l2", penalty=2.0).indices.tolist() + [300]
            == rpt.Pelt(model="l2", min_size=2, jump=1).fit(y).predict(pen=2.0))
