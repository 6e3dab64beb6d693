"""as_model_frame against a row-by-row reference, and its refusals, on random frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resurgence import SeriesError
from resurgence.covariates import FRAME_COLUMNS, as_model_frame
from resurgence.months import interval_months, to_month


def _reference(y: pd.DataFrame) -> pd.DataFrame:
    """The definition, one row at a time: sorted by start, month of the start, exposure."""
    rows = sorted(
        ((pd.Timestamp(a), pd.Timestamp(b), float(v))
         for a, b, v in zip(y["start"], y["end"], y["value"])),
        key=lambda r: r[0])  # sorted() is stable, as the frame's sort must be
    return pd.DataFrame({"start": [r[0] for r in rows], "end": [r[1] for r in rows],
                         "month": [to_month(r[0]) for r in rows],
                         "months": [interval_months(r[0], r[1]) for r in rows],
                         "value": [r[2] for r in rows]})


def _random_frame(rng: np.random.Generator) -> pd.DataFrame:
    n = int(rng.integers(1, 15))
    if rng.random() < 0.5:  # calendar months, some of them longer
        first = pd.Timestamp("2019-01-01") + pd.offsets.MonthBegin(int(rng.integers(0, 60)))
        starts, t = [], first
        for _ in range(n):
            starts.append(t)
            t = t + pd.offsets.MonthBegin(int(rng.integers(1, 4)))
        starts = pd.DatetimeIndex(starts)
        ends = pd.DatetimeIndex([s + pd.offsets.MonthBegin(1) if rng.random() < 0.7
                                 else s + pd.Timedelta(days=int(rng.integers(1, 28)))
                                 for s in starts])
    else:  # running-total differences: arbitrary days
        cuts = np.sort(rng.choice(3000, n + 1, replace=False))
        days = pd.Timestamp("2018-01-01") + pd.to_timedelta(cuts, "D")
        starts, ends = days[:-1], days[1:]
    y = pd.DataFrame({"start": starts, "end": ends,
                      "value": rng.integers(0, 60, len(starts)).astype(float),
                      "note": "x"})
    if rng.random() < 0.4:
        y = y.sample(frac=1.0, random_state=int(rng.integers(1 << 30)))
    if rng.random() < 0.3:
        y = y.astype({"start": str, "end": str})
    return y


def test_matches_the_row_by_row_definition_on_random_frames():
    rng = np.random.default_rng(20261203)
    for _ in range(300):
        y = _random_frame(rng)
        got = as_model_frame(y)
        want = _reference(y)
        assert got.columns.tolist() == FRAME_COLUMNS
        assert (got.index == np.arange(len(y))).all()
        for col in ("start", "end", "month"):
            assert (got[col].to_numpy() == want[col].to_numpy()).all(), col
        np.testing.assert_allclose(got["months"], want["months"], rtol=0, atol=1e-12)
        np.testing.assert_array_equal(got["value"], want["value"])
        last = max(pd.Timestamp(e) for e in y["end"]) - pd.Timedelta(days=1)
        assert got.attrs["cutoff"] == to_month(last) + pd.offsets.MonthBegin(1)


@pytest.mark.parametrize("change, message", [
    (lambda y: y.assign(value=[1.0, np.nan, 2.0]), "missing or non-numeric"),
    (lambda y: y.assign(value=[1.0, -1.0, 2.0]), "non-negative"),
    (lambda y: y.assign(end=y["start"]), "end is not after its start"),
    (lambda y: y.assign(end=y["end"] + pd.Timedelta(days=40)), "overlap"),
    (lambda y: y.drop(columns="value"), "lacks columns: value"),
    (lambda y: y.iloc[:0], "empty model frame"),
    (lambda y: y.assign(start=y["start"].dt.tz_localize("UTC"),
                        end=y["end"].dt.tz_localize("UTC")), "without a time zone"),
])
def test_refusals(change, message):
    starts = pd.date_range("2024-01-01", periods=3, freq="MS")
    y = pd.DataFrame({"start": starts, "end": starts + pd.offsets.MonthBegin(1),
                      "value": [1.0, 2.0, 3.0]})
    with pytest.raises(SeriesError, match=message):
        as_model_frame(change(y))
