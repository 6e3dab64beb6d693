"""Named pandera checks used by :mod:`resurgence.schemas`.

Registering each rule under a name makes a schema read like a specification
(``region: Series[str] = Field(in_vocabulary="regions")``) and makes the failure
table name the rule. Frame-level checks also declare which columns they blame
(:data:`BLAME`), so a failure points at the cells that break the rule rather
than at every column of the row.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd
import pandera.extensions as extensions

from .months import month_numbers
from .reference import load_reference

__all__ = ["BLAME", "MAX_COUNT", "PRIMARY_KEY", "vocabulary"]

#: Columns that identify one figure of one series; at most one primary row per key.
PRIMARY_KEY = ("source", "area", "region", "measure", "subset", "kind", "start", "end")

#: The largest count accepted: the largest whole number a float64 column holds exactly
#: (2**53 - 1), so every accepted count survives the cast to int64 unchanged. No source
#: comes near it; a value above it is a typing error.
MAX_COUNT = 2**53 - 1

#: Frame-level check name -> columns a failure is reported against.
BLAME: dict[str, tuple[str, ...]] = {
    "start_before_end": ("start", "end"),
    "start_required_for_periods": ("start",),
    "not_in_future": ("end",),
    "not_before_1970": ("start",),
    "area_in_force": ("area", "start"),
    "unique_primary_key": ("start",),
    "value_nonnegative_unless_revision": ("value",),
    "unique_series_month": ("month",),
    "months_contiguous": ("month",),
}


def vocabulary(name: str) -> frozenset[str]:
    """The allowed values of a vocabulary: publishers, areas, measures or regions."""
    ref = load_reference()
    if name == "regions":
        return ref.region_names
    table = {"publishers": ref.publishers, "areas": ref.areas, "measures": ref.measures}[name]
    return frozenset(table["id"])


@extensions.register_check_method(statistics=["vocab"], check_type="vectorized")
def in_vocabulary(series: pd.Series, *, vocab: str) -> pd.Series:
    """Every value belongs to the named vocabulary in ``data/reference``."""
    allowed = vocabulary(vocab)
    return series.isna() | series.isin(allowed)


@extensions.register_check_method(check_type="vectorized")
def integer_valued(series: pd.Series) -> pd.Series:
    """Counts are whole numbers (NaN is allowed where the column is nullable)."""
    values = series.astype(float)
    return values.isna() | np.isclose(values, np.round(values))


@extensions.register_check_method(check_type="vectorized")
def count_bound(series: pd.Series) -> pd.Series:
    """Counts are at most :data:`MAX_COUNT` (NaN is allowed where the column is nullable)."""
    values = series.astype(float)
    return values.isna() | (values <= MAX_COUNT)


@extensions.register_check_method(check_type="vectorized")
def month_start(series: pd.Series) -> pd.Series:
    """Timestamps are the first day of a month at midnight."""
    return series.isna() | ((series.dt.day == 1) & (series.dt.normalize() == series))


@extensions.register_check_method(check_type="vectorized")
def start_before_end(df: pd.DataFrame) -> pd.Series:
    """An interval ends after it starts (``end`` is exclusive)."""
    return df["start"].isna() | (df["start"] < df["end"])


@extensions.register_check_method(check_type="vectorized")
def start_required_for_periods(df: pd.DataFrame) -> pd.Series:
    """Only a running tally (``kind == cumulative``) may leave its start unstated."""
    return df["start"].notna() | (df["kind"] == "cumulative")


@extensions.register_check_method(check_type="vectorized")
def not_in_future(df: pd.DataFrame) -> pd.Series:
    """No interval ends after today (``end`` is exclusive, so it may be tomorrow)."""
    tomorrow = pd.Timestamp(_dt.date.today()) + pd.Timedelta(days=1)
    return df["end"].isna() | (df["end"] <= tomorrow)


@extensions.register_check_method(check_type="vectorized")
def not_before_1970(df: pd.DataFrame) -> pd.Series:
    """Dates before 1970 are typing errors in this domain (no source reaches back that far)."""
    floor = pd.Timestamp("1970-01-01")
    return (df["start"].isna() | (df["start"] >= floor)) & (df["end"].isna() | (df["end"] >= floor))


@extensions.register_check_method(check_type="vectorized")
def area_in_force(df: pd.DataFrame) -> pd.Series:
    """An area that ceased to exist (e.g. regime-held desert after Dec 2024) gets no new figures."""
    areas = load_reference().areas.set_index("id")["valid_to"]
    valid_to = pd.to_datetime(df["area"].map(areas).replace("", None), errors="coerce")
    return valid_to.isna() | df["start"].isna() | (df["start"] < valid_to)


@extensions.register_check_method(check_type="vectorized")
def unique_primary_key(df: pd.DataFrame) -> pd.Series:
    """At most one primary figure per series and interval: a choice must be explicit."""
    primary = df["use"] == "primary"
    key = df.loc[primary, list(PRIMARY_KEY)].astype(object).fillna("unstated").astype(str)
    dup = key.duplicated(keep=False)
    out = pd.Series(True, index=df.index)
    out.loc[dup[dup].index] = False
    return out


@extensions.register_check_method(check_type="vectorized")
def value_nonnegative_unless_revision(df: pd.DataFrame) -> pd.Series:
    """A derived count is negative only where a running total went down (a revision)."""
    return (df["value"] >= 0) | (df["status"] == "revision")


@extensions.register_check_method(check_type="vectorized")
def unique_series_month(df: pd.DataFrame) -> pd.Series:
    """One panel row per series and month."""
    return ~df.duplicated(["series_id", "month"], keep=False)


@extensions.register_check_method(check_type="vectorized")
def months_contiguous(df: pd.DataFrame) -> pd.Series:
    """Each series has every month between its first and last (gaps are NaN rows)."""
    codes = pd.factorize(df["series_id"])[0]
    step = month_numbers(df["month"])
    order = np.lexsort((step, codes))  # by series, then month
    s, g = step[order], codes[order]
    bad_sorted = np.zeros(len(df), dtype=bool)
    bad_sorted[1:] = (g[1:] == g[:-1]) & (np.diff(s) != 1)
    bad = np.empty_like(bad_sorted)
    bad[order] = bad_sorted
    return pd.Series(~bad, index=df.index)
