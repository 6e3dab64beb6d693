"""The numpy IRLS quasi-Poisson GLM against statsmodels on the same data."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from resurgence.alerts.glm import fit_quasipoisson


def _design(rng, n, trend=True, season=True):
    cols = [np.ones(n)]
    if trend:
        cols.append(np.linspace(-2, 2, n))
    if season:
        level = rng.integers(0, 4, n)
        cols += [(level == k).astype(float) for k in (1, 2, 3)]
    return np.column_stack(cols)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_statsmodels(seed, weighted):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(15, 80))
    X = _design(rng, n)
    expo = rng.uniform(0.2, 6.0, n)          # interval counts: a log(months) offset
    mu = expo * np.exp(X @ np.array([1.5, 0.2, 0.3, -0.2, 0.1]))
    size = 3.0
    y = rng.negative_binomial(size, size / (size + mu)).astype(float)
    w = rng.uniform(0.1, 1.0, n) if weighted else None
    ours = fit_quasipoisson(X, y, offset=np.log(expo), weights=w)
    ref = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log(expo),
                 var_weights=w).fit(scale="X2", tol=1e-12)
    assert ours.converged
    np.testing.assert_allclose(ours.coef, ref.params, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.dispersion, ref.scale, rtol=1e-7)
    np.testing.assert_allclose(ours.se(), ref.bse, rtol=1e-6)
    np.testing.assert_allclose(ours.p_values()[1:], 2 * __import__("scipy").stats.t.sf(
        np.abs(ref.params / ref.bse), ref.df_resid)[1:], rtol=1e-6)
    np.testing.assert_allclose(ours.mu, ref.fittedvalues, rtol=1e-7)
    infl = ref.get_influence()
    np.testing.assert_allclose(ours.hat, infl.hat_matrix_diag, rtol=1e-6, atol=1e-10)


def test_intercept_only_is_total_over_exposure():
    y = np.array([12.0, 0.0, 7.0, 30.0])
    e = np.array([1.0, 0.5, 2.0, 6.0])
    fit = fit_quasipoisson(np.ones((4, 1)), y, offset=np.log(e))
    assert np.exp(fit.coef[0]) == pytest.approx(y.sum() / e.sum(), rel=1e-10)
    assert fit.df_resid == 3


def test_zeros_and_prediction_standard_error():
    rng = np.random.default_rng(3)
    X = _design(rng, 40, season=False)
    y = rng.poisson(np.exp(0.2 + 0.3 * X[:, 1])).astype(float)
    y[:5] = 0
    fit = fit_quasipoisson(X, y)
    ref = sm.GLM(y, X, family=sm.families.Poisson()).fit(scale="X2")
    x0 = np.array([1.0, 0.5])
    eta, se = fit.predict_eta(x0)
    assert eta == pytest.approx(float(x0 @ ref.params), rel=1e-8)
    assert se == pytest.approx(float(np.sqrt(x0 @ ref.cov_params() @ x0)), rel=1e-6)
