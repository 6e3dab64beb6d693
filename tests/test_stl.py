"""stl_decompose: agrees with statsmodels, explicit about gaps, falls back on short series."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.seasonal import STL

from resurgence import ModelWarning, SeriesError, stl_decompose
from _simulate import seasonal_nb


def test_matches_statsmodels_on_complete_series():
    y = seasonal_nb(1, years=8, mean=40, amplitude=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelWarning)
        res = stl_decompose(y, transform="log1p")
    ref = STL(np.log1p(y.to_numpy()), period=12, seasonal=7, robust=True).fit()
    np.testing.assert_allclose(res.components["seasonal"].to_numpy(), ref.seasonal)
    np.testing.assert_allclose(res.components["trend"].to_numpy(), ref.trend)
    c = res.components
    np.testing.assert_allclose(c["trend"] + c["seasonal"] + c["resid"], c["observed"])
    assert res.method == "stl" and res.n_filled == 0
    assert res.seasonal_strength > 0.5


def test_no_season_means_weak_seasonal_strength():
    rng = np.random.default_rng(2)
    y = pd.Series(rng.poisson(50, 96).astype(float),
                  index=pd.date_range("2015-01-01", periods=96, freq="MS"))
    assert stl_decompose(y).seasonal_strength < 0.4


def test_interior_gaps_are_interpolated_and_flagged():
    y = seasonal_nb(3, years=6)
    y.iloc[[10, 30, 31]] = np.nan
    with pytest.warns(ModelWarning, match="interpolated 3"):
        res = stl_decompose(y)
    assert res.n_filled == 3
    assert res.components["observed"].isna().sum() == 3
    assert res.components[["trend", "seasonal", "resid"]].notna().all().all()


def test_leading_and_trailing_gaps_are_trimmed():
    y = seasonal_nb(4, years=4)
    y.iloc[:3] = np.nan
    y.iloc[-2:] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelWarning)
        res = stl_decompose(y)
    assert len(res.components) == len(y) - 5


def test_sparse_series_is_refused():
    y = seasonal_nb(5, years=4)
    y.iloc[1:-1:2] = np.nan
    with pytest.raises(SeriesError, match="seasonal_glm"):
        stl_decompose(y)


@pytest.mark.parametrize("n", [1, 2, 5, 23])
def test_short_series_fall_back_with_warning(n):
    y = seasonal_nb(6, years=2).iloc[:n]
    with pytest.warns(ModelWarning, match="fewer than two periods"):
        res = stl_decompose(y)
    assert res.method == "lowess"
    assert (res.components["seasonal"] == 0).all()
    assert len(res.components) == n


def test_empty_series_is_an_error():
    y = pd.Series([np.nan, np.nan], index=["2020-01", "2020-02"])
    with pytest.raises(SeriesError):
        stl_decompose(y)
