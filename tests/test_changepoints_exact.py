"""PELT is exact: it equals brute-force optimal partitioning for every cost (property tests)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _cp_brute import brute_optimum
from resurgence.changepoints.costs import (
    NegativeBinomialCost,
    NormalMeanCost,
    NormalMeanVarCost,
    PoissonCost,
)
from resurgence.changepoints.search import binseg, optpart, pelt

COSTS = {
    "poisson": lambda: PoissonCost(),
    "negbin": lambda: NegativeBinomialCost(),
    "negbin_fixed": lambda: NegativeBinomialCost(dispersion=2.5),
    "normal_mean": lambda: NormalMeanCost(),
    "l2": lambda: NormalMeanCost(scale=1.0, winsorize=None),
    "normal_meanvar": lambda: NormalMeanVarCost(),
}


@st.composite
def series(draw, counts: bool):
    n = draw(st.integers(2, 10))
    if counts:
        vals = draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))
    else:
        vals = draw(st.lists(st.floats(-50, 50, allow_nan=False, width=32), min_size=n, max_size=n))
    y = np.asarray(vals, dtype=float)
    nan_mask = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    if draw(st.booleans()):
        y[np.asarray(nan_mask)] = np.nan
    if np.isnan(y).all():
        y[0] = 1.0
    expo = None
    if counts and draw(st.booleans()):
        expo = np.asarray(draw(st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0, 12.0]),
                                        min_size=n, max_size=n)))
    return y, expo


PROP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", list(COSTS))
@PROP
@given(data=st.data(), size=st.integers(1, 3), pen=st.sampled_from([0.0, 0.7, 2.0, 5.0, 15.0]),
       mbic=st.booleans())
def test_pelt_equals_brute_force(name, data, size, pen, mbic):
    counts = name in ("poisson", "negbin", "negbin_fixed")
    y, expo = data.draw(series(counts))
    cost = COSTS[name]().fit(y, expo)
    m = len(cost.boundaries_) - 1
    if m < max(size, cost.min_size):
        return
    shape = np.log if mbic else None
    best = brute_optimum(cost, pen, size, shape)
    for search in (pelt, optpart):
        seg = search(cost, pen, min_size=size, shape=shape)
        got = seg.cost + pen * len(seg.indices)
        assert got == pytest.approx(best, rel=1e-9, abs=1e-9), (search.__name__, y, expo)
    # the greedy search never beats the optimum
    seg = binseg(cost, pen, min_size=size, shape=shape)
    assert seg.cost + pen * len(seg.indices) >= best - 1e-9


@pytest.mark.parametrize("name", list(COSTS))
def test_costs_are_subadditive(name):
    """C(a,b) + C(b,c) <= C(a,c): what makes pruning with K = 0 exact."""
    rng = np.random.default_rng(5)
    counts = name in ("poisson", "negbin", "negbin_fixed")
    y = rng.poisson(6, 60).astype(float) if counts else rng.normal(0, 3, 60)
    y[rng.random(60) < 0.1] = np.nan
    c = COSTS[name]().fit(y, rng.choice([1.0, 2.0], 60) if counts else None)
    a = rng.integers(0, 20, 200)
    b = a + rng.integers(2, 20, 200)
    d = b + rng.integers(2, 20, 200)
    assert np.all(c.errors(a, b) + c.errors(b, d) <= c.errors(a, d) + 1e-9)


def test_pelt_is_exact_where_immediate_pruning_is_not():
    """With min_size > 1 a start dominated at end s may still be optimal for ends
    s+1 .. s+min_size-1; PELT keeps it that long and matches brute force."""
    rng = np.random.default_rng(0)
    for _ in range(300):
        y = rng.normal(0, 1, 9)
        c = NormalMeanCost(scale=1.0, winsorize=None).fit(y)
        for size in (2, 3):
            pen = float(rng.choice([0.5, 1.0, 3.0]))
            seg = pelt(c, pen, min_size=size)
            assert seg.cost + pen * len(seg.indices) == pytest.approx(
                brute_optimum(c, pen, size), abs=1e-9)


def test_a_cost_must_implement_error_or_errors():
    from resurgence.changepoints import Cost

    with pytest.raises(TypeError, match="must implement error"):
        class Empty(Cost):  # noqa: F841
            model = "empty"

    class OnlyErrors(Cost):
        def errors(self, starts, ends):
            return np.asarray(ends, dtype=float) - np.asarray(starts, dtype=float)

    c = OnlyErrors().fit(np.arange(5.0))
    assert c.error(1, 4) == 3.0  # the scalar form comes from the vectorised one
