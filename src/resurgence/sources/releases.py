"""Two releases of one publisher's series: find where they overlap and supersede the older.

A newer UCDP GED release (or a later ACLED export imported on its own) states the
same series and months as an observation table already in the folder, such as
the bundled ``data/series/ucdp_ged_is.csv``. Their observation ids differ (they
carry the release, :func:`resurgence.sources.events.release_id`), but two
``primary`` figures for one series and interval are a conflict that validation
rejects (``unique_primary_key``): the choice between them must be explicit.
``resurgence import ... --supersede`` makes it: the new rows are primary and the
overlapping primary rows of the other table become ``superseded``, with a
``choice_note`` naming the new file. Rows of the other table outside the overlap
(months or series the new release does not state) stay primary.

These functions work on an observation table as text (every column a string, as
read with ``dtype=str, keep_default_na=False``), so that rewriting a table changes
only the cells of the rows superseded; reading and writing the files is the
command's job (:mod:`resurgence.commands.importer`).
"""

from __future__ import annotations

import pandas as pd

from ..checks import PRIMARY_KEY

__all__ = ["is_observation_table", "overlapping_primary", "shared_ids", "describe_rows",
           "supersede"]


def is_observation_table(columns) -> bool:
    """Whether a table with these columns (a header row) holds observations."""
    return {"obs_id", "use", *PRIMARY_KEY} - {"subset"} <= {str(c).strip() for c in columns}


def _keys(frame: pd.DataFrame) -> pd.Series:
    """One string per row for its primary key (dates as ``YYYY-MM-DD``, empty subset = "")."""
    parts = []
    for col in PRIMARY_KEY:
        if col not in frame.columns:
            values = pd.Series("", index=frame.index)
        elif col in ("start", "end"):
            values = pd.to_datetime(frame[col].replace("", None), errors="coerce").dt.strftime(
                "%Y-%m-%d").fillna("")
        else:
            values = frame[col].astype(object).fillna("").astype(str).str.strip()
        parts.append(values)
    key = parts[0]
    for p in parts[1:]:
        key = key + "\x1f" + p
    return key


def overlapping_primary(new: pd.DataFrame, table: pd.DataFrame) -> pd.Series:
    """Rows of ``table`` that are primary figures for a series and interval ``new`` states.

    Examples
    --------
    >>> row = {"obs_id": "a", "source": "ucdp", "area": "syria", "region": "ALL",
    ...        "measure": "events", "subset": "", "kind": "period", "start": "2016-01-01",
    ...        "end": "2016-02-01", "use": "primary"}
    >>> old = pd.DataFrame([row, {**row, "obs_id": "b", "start": "2016-02-01",
    ...                           "end": "2016-03-01"}])
    >>> new = pd.DataFrame([{**row, "obs_id": "c", "start": pd.Timestamp("2016-02-01"),
    ...                      "end": pd.Timestamp("2016-03-01"), "subset": None}])
    >>> overlapping_primary(new, old).tolist()
    [False, True]
    """
    primary = table["use"].astype(str).str.strip() == "primary"
    wanted = set(_keys(new[new["use"] == "primary"]))
    return primary & _keys(table).isin(wanted)


def shared_ids(new: pd.DataFrame, table: pd.DataFrame) -> list[str]:
    """Observation ids in both (the same release imported twice)."""
    return sorted(set(new["obs_id"].astype(str)) & set(table["obs_id"].astype(str)))


def describe_rows(table: pd.DataFrame, mask: pd.Series) -> str:
    """``3,008 row(s) of 64 series, 2016-01..2019-11 ("UCDP GED ...")``."""
    rows = table[mask]
    series = rows[["source", "area", "region", "measure"]].astype(str).agg("/".join, axis=1)
    if "subset" in rows.columns:
        series = series + rows["subset"].astype(str).map(lambda s: f"/{s}" if s else "")
    start = pd.to_datetime(rows["start"].replace("", None), errors="coerce").dropna()
    span = f", {start.min():%Y-%m}..{start.max():%Y-%m}" if len(start) else ""
    titles = rows["source_title"].astype(str).unique() if "source_title" in rows else []
    title = f' ("{titles[0]}")' if len(titles) == 1 and titles[0] else ""
    return f"{len(rows):,} row(s) of {series.nunique()} series{span}{title}"


def supersede(table: pd.DataFrame, mask: pd.Series, note: str) -> pd.DataFrame:
    """``table`` with the ``mask`` rows marked ``superseded`` and ``note`` as their choice note.

    Examples
    --------
    >>> t = pd.DataFrame({"obs_id": ["a", "b"], "use": ["primary", "primary"]})
    >>> out = supersede(t, pd.Series([False, True]), "superseded by x.csv")
    >>> out[["use", "choice_note"]].values.tolist()
    [['primary', ''], ['superseded', 'superseded by x.csv']]
    """
    out = table.copy()
    if "choice_note" not in out.columns:
        out["choice_note"] = ""
    out.loc[mask.to_numpy(), "use"] = "superseded"
    out.loc[mask.to_numpy(), "choice_note"] = note
    return out
