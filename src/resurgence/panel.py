"""Interval counts -> the long monthly panel, series metadata and model frames.

The panel has one row per series and month from the series' first covered
month to its last; the value is the count stated for exactly that calendar
month, NaN where no one-month figure exists (never zero). Coarser intervals
that also inform a series stay in the interval table; :func:`model_frame`
picks a non-overlapping set of them for models that take counts with
exposures. Publishers are never summed: a series belongs to one source.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError
from .intervals import interval_counts
from .months import month_numbers, months_from_numbers
from .reference import canonical_region, load_reference
from .schemas import PanelSchema, empty_frame
from .validation import load_observations

__all__ = [
    "Panel",
    "load_panel",
    "monthly_panel",
    "panel_series",
    "model_frame",
    "series_table",
    "select_series",
]

PANEL_COLUMNS = list(PanelSchema.to_schema().columns)
_META = ["series_id", "source", "area", "region", "measure", "subset"]


def _is_calendar_month(start: pd.Series, end: pd.Series) -> pd.Series:
    return (start.dt.day == 1) & (start.dt.normalize() == start) & (
        end == start + pd.offsets.MonthBegin(1))


def monthly_panel(intervals: pd.DataFrame) -> pd.DataFrame:
    """The long monthly panel from interval counts.

    Parameters
    ----------
    intervals : pandas.DataFrame
        As returned by :func:`resurgence.interval_counts`.

    Returns
    -------
    pandas.DataFrame
        Columns ``series_id, source, area, region, measure, month, value,
        qualifier, obs_id``; every month between each series' first and last
        covered month (by any usable interval); ``value`` NaN where no
        calendar-month figure was stated.

    Examples
    --------
    >>> panel = load_panel()
    >>> s = panel_series(panel.monthly, "sohr/sdf_areas/all/attacks")
    >>> int(s["2024-01-01"])
    17
    """
    usable = intervals[intervals["status"] == "ok"]
    if usable.empty:
        return empty_frame(PanelSchema)
    direct = usable[(usable["derivation"] == "period")
                    & _is_calendar_month(usable["start"], usable["end"])]
    groups = usable.groupby("series_id", sort=True)
    meta = groups.head(1).set_index("series_id").loc[list(groups.groups)]  # first row each
    first = month_numbers(groups["start"].min())
    last = month_numbers(groups["end"].max() - pd.Timedelta(days=1))
    counts = last - first + 1
    at = np.repeat(np.arange(len(counts)), counts)   # series of each panel row
    month = months_from_numbers(first[at] + (np.arange(len(at))
                                             - np.repeat(np.cumsum(counts) - counts, counts)))
    out = pd.DataFrame({col: meta[col].to_numpy(dtype=object)[at]
                        for col in ["source", "area", "region", "measure"]})
    out["subset"] = pd.Series(meta["subset"].to_numpy(dtype=object)[at], dtype=object)
    out.insert(0, "series_id", meta.index.to_numpy(dtype=object)[at])
    out["month"] = month
    stated = direct.set_index(["series_id", "start"])[["value", "qualifier", "obs_ids"]]
    found = stated.reindex(pd.MultiIndex.from_arrays([out["series_id"], out["month"]]))
    out["value"] = found["value"].to_numpy(dtype=float)
    for col, src in (("qualifier", "qualifier"), ("obs_id", "obs_ids")):
        values = found[src].to_numpy(dtype=object)
        # the dtype a per-series build then concat gives: str only if every series has one
        every = np.bincount(at[pd.notna(values)], minlength=len(counts)).all()
        out[col] = values if every else pd.Series(values, dtype=object)
    return PanelSchema.validate(out[PANEL_COLUMNS])


def panel_series(monthly: pd.DataFrame, series_id: str) -> pd.Series:
    """One series of the panel as a monthly ``pandas.Series`` (NaN = not stated).

    Raises
    ------
    InputError
        If the panel has no such series (the message suggests close ids).

    Examples
    --------
    >>> s = panel_series(load_panel().monthly, "sohr/regime_desert/all/attacks")
    >>> s.name, int(s["2024-01-01"])
    ('sohr/regime_desert/all/attacks', 26)
    """
    rows = monthly[monthly["series_id"] == series_id]
    if rows.empty:
        raise InputError(_unknown_series_message(series_id, monthly["series_id"].unique()))
    out = pd.Series(rows["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["month"]),
                    name=series_id)
    out.index.freq = "MS"
    out.index.name = "month"
    return out


def _unknown_series_message(series_id: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(series_id, sorted(set(known)), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else " (list them with `resurgence series --list`)"
    return f"unknown series {series_id!r}{hint}"


def model_frame(intervals: pd.DataFrame, series_id: str) -> pd.DataFrame:
    """The non-overlapping observations of one series, for models with exposures.

    Calendar-month figures are taken first; then, among the coarser intervals
    (periods and differences of running totals) that overlap none of them, the
    set that covers the most months without overlapping (weighted interval
    scheduling; ties go to earlier intervals). Revisions are never used.

    Returns
    -------
    pandas.DataFrame
        Columns ``start, end, month (first month touched), months (exposure),
        value, derivation, obs_ids``, in time order. A count over ``months``
        months has expectation ``months x monthly rate``.

    Examples
    --------
    >>> mf = model_frame(load_panel().intervals, "sohr/regime_desert/all/attacks")
    >>> mf.loc[mf["month"] == "2024-01-01", ["months", "value"]].to_dict("records")
    [{'months': 1.0, 'value': 26.0}]
    """
    rows = intervals[(intervals["series_id"] == series_id) & (intervals["status"] == "ok")]
    if rows.empty:
        raise InputError(_unknown_series_message(series_id, intervals["series_id"].unique()))
    monthly_mask = (rows["derivation"] == "period") & _is_calendar_month(rows["start"], rows["end"])
    chosen = rows[monthly_mask]
    rest = rows[~monthly_mask]
    if len(chosen) and len(rest):
        rs, re_ = rest["start"].to_numpy()[:, None], rest["end"].to_numpy()[:, None]
        cs, ce = chosen["start"].to_numpy()[None, :], chosen["end"].to_numpy()[None, :]
        clash = ((rs < ce) & (re_ > cs)).any(axis=1)  # overlaps a calendar-month figure
        rest = rest[~clash]
    picked = _max_coverage(rest)
    out = pd.concat([chosen, picked]).sort_values(["start", "end"], kind="stable")
    out = out.assign(month=months_from_numbers(month_numbers(out["start"])))
    return out[["start", "end", "month", "months", "value", "derivation", "obs_ids"]].reset_index(drop=True)


def _max_coverage(rows: pd.DataFrame) -> pd.DataFrame:
    """Weighted interval scheduling: the non-overlapping subset covering most months."""
    if len(rows) <= 1:
        return rows
    rows = rows.sort_values(["end", "start"], kind="stable").reset_index(drop=True)
    starts = rows["start"].to_numpy()
    ends = rows["end"].to_numpy()
    weight = rows["months"].to_numpy(dtype=float)
    prev = np.searchsorted(ends, starts, side="right") - 1  # last interval ending <= start
    best = np.zeros(len(rows) + 1)
    take = np.zeros(len(rows), dtype=bool)
    for j in range(len(rows)):
        with_j = weight[j] + best[prev[j] + 1]
        take[j] = with_j > best[j] + 1e-12
        best[j + 1] = with_j if take[j] else best[j]
    keep, j = [], len(rows) - 1
    while j >= 0:
        if take[j]:
            keep.append(j)
            j = prev[j]
        else:
            j -= 1
    return rows.iloc[sorted(keep)]


def series_table(intervals: pd.DataFrame, monthly: pd.DataFrame) -> pd.DataFrame:
    """One row per series: what it is and how well it is covered.

    Columns: ``series_id, source, area, region, measure, first_month,
    last_month, months, months_observed, coarse_intervals, revisions``.
    """
    mon = monthly.groupby("series_id", sort=True).agg(
        first_month=("month", "min"), last_month=("month", "max"), months=("month", "size"),
        months_observed=("value", "count"))
    is_month = (intervals["derivation"] == "period") & _is_calendar_month(intervals["start"], intervals["end"])
    coarse = intervals[~is_month & (intervals["status"] == "ok")].groupby("series_id").size()
    revisions = intervals[intervals["status"] == "revision"].groupby("series_id").size()
    meta = intervals.drop_duplicates("series_id").set_index("series_id")[_META[1:]]
    out = meta.join(mon, how="left")
    out["coarse_intervals"] = coarse.reindex(out.index).fillna(0).astype(int)
    out["revisions"] = revisions.reindex(out.index).fillna(0).astype(int)
    out[["months", "months_observed"]] = out[["months", "months_observed"]].fillna(0).astype(int)
    return out.reset_index().sort_values("series_id", kind="stable").reset_index(drop=True)


def select_series(
    frame: pd.DataFrame,
    *,
    source: str | None = None,
    area: str | None = None,
    region: str | None = None,
    measure: str | None = None,
    subset: str | None = None,
    series_id: str | None = None,
) -> pd.DataFrame:
    """Filter a panel, interval or series table; unknown values are errors, not empty results.

    ``region`` accepts any alias (``"Deir Ezzor"``, ``"deir_ez_zor"``, ``"ALL"``).

    Raises
    ------
    InputError
        If a filter value is not in its vocabulary.

    Examples
    --------
    >>> p = load_panel()
    >>> sorted(select_series(p.series, source="sohr", region="Deir Ezzor")["area"].unique())
    ['regime_desert', 'sdf_areas']
    """
    ref = load_reference()
    out = frame
    for column, value, vocab in (
        ("source", source, set(ref.publishers["id"])),
        ("area", area, set(ref.areas["id"])),
        ("measure", measure, set(ref.measures["id"])),
    ):
        if value is None:
            continue
        if value not in vocab:
            raise InputError(f"unknown {column} {value!r}; known: {', '.join(sorted(vocab))}")
        out = out[out[column] == value]
    if region is not None:
        out = out[out["region"] == canonical_region(region)]
    if subset is not None:
        out = out[out["subset"].astype(object).fillna("") == subset]
    if series_id is not None:
        if series_id not in set(frame["series_id"]):
            raise InputError(_unknown_series_message(series_id, frame["series_id"].unique()))
        out = out[out["series_id"] == series_id]
    return out


@dataclass(frozen=True)
class Panel:
    """Everything built from one set of observation files.

    Attributes
    ----------
    observations : DataFrame
        Validated observations (all uses), with ``_file`` and ``_line``.
    intervals : DataFrame
        Interval counts (:func:`resurgence.interval_counts`).
    monthly : DataFrame
        The long monthly panel (:func:`monthly_panel`).
    series : DataFrame
        One row per series (:func:`series_table`).
    """

    observations: pd.DataFrame
    intervals: pd.DataFrame
    monthly: pd.DataFrame
    series: pd.DataFrame

    def get(self, series_id: str) -> pd.Series:
        """The monthly series ``series_id`` (see :func:`panel_series`)."""
        return panel_series(self.monthly, series_id)

    def frame(self, series_id: str) -> pd.DataFrame:
        """The model frame of ``series_id`` (see :func:`model_frame`)."""
        return model_frame(self.intervals, series_id)


def load_panel(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    *,
    warn: bool = False,
) -> Panel:
    """Load, validate and build the panel from observation files (default: bundled data).

    Examples
    --------
    >>> p = load_panel()
    >>> p.get("sohr/regime_desert/all/attacks")["2024-01-01"]
    np.float64(26.0)
    """
    obs = load_observations(paths, warn=warn)
    intervals = interval_counts(obs)
    monthly = monthly_panel(intervals)
    return Panel(obs, intervals, monthly, series_table(intervals, monthly))
