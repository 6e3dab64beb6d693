import numpy as np
import pandas as pd
import pytest

from resurgence.errors import InputError, SeriesError
from resurgence.months import (
    as_monthly_series,
    format_month,
    interval_months,
    month_fractions,
    parse_month,
    to_month,
)


@pytest.mark.parametrize("bad", ["2024-13", "2024-1", "24-01", "2024/01", "", "January 2024",
                                 "0000-01"])
def test_parse_month_rejects(bad):
    with pytest.raises(InputError, match="YYYY-MM"):
        parse_month(bad)


def test_month_round_trip():
    assert format_month(parse_month("1999-12")) == "1999-12"
    assert to_month(pd.Period("2023-02", freq="M")) == pd.Timestamp("2023-02-01")
    assert to_month("2023-02-28") == pd.Timestamp("2023-02-01")


def test_whole_months_have_exposure_one_whatever_their_length():
    assert interval_months("2024-02-01", "2024-03-01") == 1.0
    assert interval_months("2024-01-01", "2025-01-01") == 12.0
    # 2024-01-17..2024-02-14 inclusive: 15/31 of January + 14/29 of February
    f = month_fractions("2024-01-17", "2024-02-15")
    assert f.tolist() == pytest.approx([15 / 31, 14 / 29])


def test_month_fractions_rejects_empty_interval():
    with pytest.raises(InputError, match="not after"):
        month_fractions("2024-01-05", "2024-01-05")


def test_as_monthly_series_keeps_gaps_missing():
    y = pd.Series([3, 0, 5], index=pd.PeriodIndex(["2024-01", "2024-02", "2024-05"], freq="M"))
    out = as_monthly_series(y)
    assert list(out.index.strftime("%Y-%m")) == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    assert out.iloc[1] == 0.0  # a reported zero stays zero
    assert np.isnan(out.iloc[2]) and np.isnan(out.iloc[3])  # unreported months stay missing


def test_as_monthly_series_rejects_duplicates_and_text():
    with pytest.raises(SeriesError, match="duplicate months.*2024-01"):
        as_monthly_series(pd.Series([1, 2], index=["2024-01", "2024-01-15"]))
    with pytest.raises(SeriesError, match="numeric"):
        as_monthly_series(pd.Series(["a", "b"], index=["2024-01", "2024-02"]))



def test_a_numeric_index_is_not_read_as_months():
    # pandas would read 0 and 1 as nanoseconds after 1970 (one duplicated month)
    with pytest.raises(SeriesError, match="holds numbers"):
        as_monthly_series(pd.Series([1.0, 2.0], index=[0, 1]))
