"""FitMemory: a refit on identical training data is not redone, and nothing else changes."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

from resurgence import AutoForecaster, InputError, ModelWarning, SeriesError, backtest
from resurgence.forecast import CountDistribution, FitMemory, Forecaster, NaiveForecaster
from resurgence.forecast.memory import frame_digest
from _simulate import seasonal_nb


class Counting(Forecaster):
    """Poisson around the training mean; counts its fits; warns, or fails on a short series."""

    name = "counting"

    def __init__(self, *, calls: list | None = None, min_length: int = 0) -> None:
        self.calls = calls
        self.min_length = min_length

    def __repr__(self) -> str:  # the call log is not a parameter of the fit
        return f"Counting(min_length={self.min_length})"

    def _fit(self, frame):
        self.calls.append(self.cutoff_)
        if len(frame) < self.min_length:
            raise SeriesError(f"too short: {len(frame)} months")
        warnings.warn(f"fitted on {len(frame)} months", ModelWarning)
        self.mu_ = frame["value"].mean()

    def _predict_distribution(self, months):
        return CountDistribution.negbin(np.full(len(months), self.mu_), 0.0, months)


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def test_backtest_is_identical_with_and_without_memory():
    y = seasonal_nb(11, years=4)
    with_memory = AutoForecaster(method="pool", n_windows=3, step=3, horizon=3, initial=24)
    without = AutoForecaster(method="pool", n_windows=3, step=3, horizon=3, initial=24,
                             memory=False)
    a = _quiet(backtest, y, {"auto": with_memory}, horizon=2, step=1, n_windows=7, initial=36)
    b = _quiet(backtest, y, {"auto": without}, horizon=2, step=1, n_windows=7, initial=36)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert without.memory is None
    memory = with_memory.memory
    # 7 outer origins one month apart, each with 3 inner origins 3 months apart: the inner
    # origins of all of them are 7 + 2 * 3 = 13 distinct months, each fitted once per candidate
    assert memory.hits + memory.misses == 7 * 3 * 5  # 7 fits x 3 inner origins x 5 candidates
    assert memory.misses == 13 * 5


def test_a_fit_on_the_same_data_is_done_once_and_a_different_one_is_not_reused():
    calls: list = []
    memory = FitMemory()
    y = seasonal_nb(12, years=3)
    model = Counting(calls=calls)
    a = _quiet(memory.fit, model, y)
    b = _quiet(memory.fit, model, y.copy())
    c = _quiet(memory.fit, model, y.iloc[:-1])
    d = _quiet(memory.fit, Counting(calls=calls, min_length=1), y)  # other parameters
    assert a is b and c is not a and d is not a
    assert len(calls) == 3 and (memory.hits, memory.misses) == (1, 3)
    assert c.mu_ == pytest.approx(y.iloc[:-1].mean()) and a.mu_ == pytest.approx(y.mean())


def test_warnings_and_errors_of_a_remembered_fit_come_again():
    calls: list = []
    memory = FitMemory()
    y = seasonal_nb(13, years=2)
    for _ in range(2):
        with pytest.warns(ModelWarning, match="fitted on 24 months"):
            memory.fit(Counting(calls=calls), y)
        with pytest.raises(SeriesError, match="too short: 24 months"):
            memory.fit(Counting(calls=calls, min_length=30), y)
    assert len(calls) == 2 and memory.hits == 2


def test_frame_digest_reads_the_model_columns_and_the_cutoff_only():
    f = pd.DataFrame({"start": pd.to_datetime(["2024-01-01", "2024-02-01"]),
                      "end": pd.to_datetime(["2024-02-01", "2024-04-01"]),
                      "value": [3.0, 7.0], "obs_ids": [["a"], ["b", "c"]]})  # unhashable cells
    g = f.copy()
    g["obs_ids"] = "other"
    assert frame_digest(f) == frame_digest(g)
    later = f.copy()
    later.attrs = {"cutoff": pd.Timestamp("2024-06-01")}
    assert frame_digest(later) != frame_digest(f)
    assert frame_digest(f.assign(value=[3.0, 8.0])) != frame_digest(f)
    s = pd.Series([1.0, 2.0], index=pd.date_range("2024-01-01", periods=2, freq="MS"))
    assert frame_digest(s) != frame_digest(s.shift(1, freq="MS"))


def test_the_memory_is_bounded_shared_by_clones_and_not_pickled_with_its_fits():
    memory = FitMemory(maxsize=2)
    y = seasonal_nb(14, years=3)
    for k in range(4):
        _quiet(memory.fit, NaiveForecaster(), y.iloc[: 30 + k])
    assert len(memory) == 2
    _quiet(memory.fit, NaiveForecaster(), y.iloc[:33])  # the newest two are kept
    assert memory.hits == 1
    auto = AutoForecaster(memory=memory)
    assert auto.clone().memory is memory
    assert AutoForecaster().memory is not AutoForecaster().memory
    copy = pickle.loads(pickle.dumps(auto))
    assert isinstance(copy.memory, FitMemory) and len(copy.memory) == 0
    assert copy.memory.maxsize == 2
    with pytest.raises(InputError, match="memory must be"):
        AutoForecaster(memory="yes")
    with pytest.raises(InputError, match="maxsize"):
        FitMemory(maxsize=0)
