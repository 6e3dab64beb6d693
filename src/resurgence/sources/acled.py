"""ACLED export CSV -> the event frame.

Reads the CSV that ACLED's export tool and API give (ACLED's terms forbid
redistributing its rows: resurgence ships none and reads your own export). The
format's quirks are handled explicitly:

- **Dates in every format ACLED has used**: ``2019-01-31`` (API and export
  tool), ``31 January 2019`` (the old export tool), ``31-January-2019``,
  ``31/01/2019`` (day first, as the codebook says; a file whose slashed dates
  only read month-first is read that way) and spreadsheet forms such as
  ``7-Feb-25`` or ``30-Sept-24``. Upper-case headers (``EVENT_ID_CNTY``) of old
  exports are accepted.
- **Date and location precision**: ``time_precision`` 1/2/3 (day, week, month)
  and ``geo_precision`` 1/2/3 (town, near a town or part of a region, only the
  province) become ``date_precision`` and ``location_precision``.
- **Actor types**: ``inter1``/``inter2`` as numeric codes (1-8) or as the text
  labels of recent exports.
- **Columns added and removed over time**: ``disorder_type`` (from 2023; derived
  from ``event_type`` for older exports), ``data_id``/``event_id_no_cnty``
  (removed in 2023, never used).
- **Events deleted or renumbered between exports**: ACLED is a living dataset;
  ``data_id`` changes at every update and events are deleted or merged. Events
  are keyed by ``event_id_cnty``; given several exports, the newest (by
  ``timestamp``) wins for an event in both, and an older export's event that is
  missing from a newer export covering its date is dropped as deleted or
  renumbered (a :class:`~resurgence.errors.DataWarning` lists them).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ..errors import DataWarning
from ._convert import (
    Converter,
    not_in_future,
    parse_iso_dates,
    raise_if_failed,
    schema_failures,
    show,
)
from ._csv import read_export
from .events import (
    _TEXT,
    DATE_PRECISIONS,
    LOCATION_PRECISIONS,
    area_rows,
    coverage_of,
    event_frame,
    join_text,
    lookup,
    recode,
    release_id,
    resolve_regions,
    slug,
)
from .ucdp import _paths

__all__ = ["read_acled", "AcledSchema", "parse_acled_dates", "ACLED_URL"]

ACLED_URL = "https://acleddata.com/data-export-tool/"

_REQUIRED = ("event_id_cnty", "event_date", "time_precision", "event_type", "actor1", "actor2",
             "country", "admin1", "geo_precision", "fatalities")
_OPTIONAL = ("sub_event_type", "disorder_type", "assoc_actor_1", "assoc_actor_2", "inter1",
             "inter2", "timestamp", "latitude", "longitude")
_NUMERIC = ("time_precision", "geo_precision", "fatalities", "timestamp", "latitude", "longitude")

INTER = {0: "", 1: "State forces", 2: "Rebel group", 3: "Political militia", 4: "Identity militia",
         5: "Rioters", 6: "Protesters", 7: "Civilians", 8: "External/Other forces"}
#: ``inter1``/``inter2`` as text (recent exports; the codebook's plural names too), any case.
INTER_LABELS = {**{label.casefold(): label for label in INTER.values() if label},
                **{f"{label}s".casefold(): label for label in INTER.values()
                   if label and not label.endswith("s")}}
DATE_PRECISION = {1: "day", 2: "week", 3: "month"}
DATE_ERROR_DAYS = {1: 0.0, 2: 7.0, 3: 31.0}
LOCATION_PRECISION = {1: "exact", 2: "near", 3: "adm1"}
#: ACLED's grouping of event types into disorder types, for exports without
#: ``disorder_type`` (before 2023), including the event types used before 2019.
DISORDER = {
    "Battles": "Political violence", "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence", "Protests": "Demonstrations",
    "Riots": "Demonstrations", "Strategic developments": "Strategic developments",
    "Battle-No change of territory": "Political violence",
    "Battle-Government regains territory": "Political violence",
    "Battle-Non-state actor overtakes territory": "Political violence",
    "Remote violence": "Political violence", "Riots/Protests": "Demonstrations",
    "Strategic development": "Strategic developments",
    "Non-violent transfer of territory": "Strategic developments",
    "Headquarters or base established": "Strategic developments",
}
#: ACLED's event types since 2019.
EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests",
               "Riots", "Strategic developments")
#: ACLED's disorder types (``Political violence; Demonstrations``: mob violence and violence
#: against protesters).
DISORDER_TYPES = ("Political violence", "Demonstrations", "Strategic developments",
                  "Political violence; Demonstrations")
_DISORDER = {k.casefold(): v for k, v in DISORDER.items()}
_FORMATS = ("%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d-%b-%y", "%d %b %y", "%d.%m.%Y")


class AcledSchema(pa.DataFrameModel):
    """The ACLED columns resurgence uses, after type conversion."""

    event_id_cnty: Series[str] = pa.Field(unique=True)
    event_date: Series[pd.Timestamp]
    time_precision: Series[float] = pa.Field(isin=[1, 2, 3])
    geo_precision: Series[float] = pa.Field(isin=[1, 2, 3])
    fatalities: Series[float] = pa.Field(ge=0)
    latitude: Series[float] = pa.Field(ge=-90, le=90, nullable=True)
    longitude: Series[float] = pa.Field(ge=-180, le=180, nullable=True)

    @pa.check("event_date", name="not_in_future")
    def event_date_not_in_future(cls, s: pd.Series) -> pd.Series:  # noqa: N805
        return not_in_future(s)

    class Config:
        strict = False


#: What the codes and ranges of :class:`AcledSchema` mean, for the failure messages.
MESSAGES = {
    "time_precision": "time_precision must be 1 (day), 2 (week) or 3 (month)",
    "geo_precision": "geo_precision must be 1 (town), 2 (near a town or part of a region) or "
                     "3 (province only)",
    "latitude": "latitude must be a number from -90 to 90",
    "longitude": "longitude must be a number from -180 to 180",
}


def parse_acled_dates(values: pd.Index, date_format: str | None = None) -> pd.DatetimeIndex:
    """Parse ACLED ``event_date`` values written in any of the formats ACLED has used.

    Examples
    --------
    >>> parse_acled_dates(pd.Index(["2019-01-31", "31 January 2019", "31-January-2019",
    ...                             "31/01/2019", "7-Feb-25", "30-Sept-24", "31/02/2019"])
    ...                   ).strftime("%Y-%m-%d").tolist()
    ['2019-01-31', '2019-01-31', '2019-01-31', '2019-01-31', '2025-02-07', '2024-09-30', nan]
    """
    text = pd.Series(values, dtype=object).astype(str).str.strip()
    if date_format:
        return pd.DatetimeIndex(pd.to_datetime(text, format=date_format, errors="coerce"))
    text = text.str.replace(r"(?i)\bsept\b", "Sep", regex=True)
    out = pd.Series(parse_iso_dates(pd.Index(text)))
    for fmt in _FORMATS:
        todo = out.isna()
        if not todo.any():
            break
        out[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    slashed = out.isna() & text.str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}")
    if slashed.any():
        dm = pd.to_datetime(text[slashed], format="%d/%m/%Y", errors="coerce")
        md = pd.to_datetime(text[slashed], format="%m/%d/%Y", errors="coerce")
        out[slashed] = md if (dm.isna().any() and md.notna().all()) else dm
    return pd.DatetimeIndex(out)


def _timestamps(conv: Converter) -> np.ndarray:
    """Unix seconds (ACLED's ``timestamp``) or date-times; NaT where empty."""
    column = conv.frame["timestamp"]
    if column.dtype.kind == "f":
        return pd.to_datetime(column, unit="s").to_numpy(dtype="datetime64[ns]")
    cats, codes = conv._cats("timestamp")
    nums = pd.to_numeric(pd.Series(cats, dtype=object), errors="coerce")
    parsed = pd.to_datetime(nums, unit="s", errors="coerce")
    text = nums.isna()
    if text.any():
        parsed[text] = pd.to_datetime(pd.Series(cats, dtype=object)[text], errors="coerce",
                                      format="ISO8601")
    bad = parsed.isna().to_numpy()
    conv._report(codes, bad, cats, "timestamp", "timestamp",
                 lambda v: f"{v!r} is neither Unix seconds nor a date-time")
    values = parsed.to_numpy(dtype="datetime64[ns]")
    out = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    out[codes >= 0] = values[codes[codes >= 0]]
    return out


def _inter(conv: Converter, col: str) -> pd.Categorical:
    """Actor type labels from numeric codes 0-8 (old exports) or text (recent ones).

    Anything else (``Martians``, code 9) is an ``in_vocabulary`` failure naming the cell.
    """
    cats, codes = conv._cats(col)
    nums = pd.to_numeric(pd.Series(cats, dtype=object), errors="coerce")
    labels, bad = [], np.zeros(len(cats), dtype=bool)
    for i, (n, c) in enumerate(zip(nums, cats)):
        if pd.notna(n) and n == int(n) and int(n) in INTER:
            labels.append(INTER[int(n)] or None)
        elif pd.isna(n) and " ".join(str(c).split()).casefold() in INTER_LABELS:
            labels.append(INTER_LABELS[" ".join(str(c).split()).casefold()])
        else:
            labels.append(None)
            bad[i] = True
    conv._report(codes, bad, cats, col, "in_vocabulary",
                 lambda v: f"{show(v)!r} is not an ACLED actor type: a code 0-8 or one of "
                           + ", ".join(label for label in INTER.values() if label))
    return recode(conv.text(col), labels)


def _known(cat: pd.Categorical, vocabulary) -> np.ndarray:
    """Which categories are in ``vocabulary`` (case and spacing ignored)."""
    known = {" ".join(v.split()).casefold() for v in vocabulary}
    return np.array([" ".join(str(c).split()).casefold() in known for c in cat.categories],
                    dtype=bool)


def _rows_text(export, cat: pd.Categorical, unknown: np.ndarray, limit: int = 12) -> str:
    """``'Picnic' (lines 3, 9), ...`` for the rows whose category is flagged."""
    codes = np.asarray(cat.codes)
    parts = []
    for i in np.flatnonzero(unknown):
        lines = export.lines[np.flatnonzero(codes == i)]
        if len(lines):
            shown = ", ".join(str(n) for n in lines[:limit])
            more = f" and {len(lines) - limit} more" if len(lines) > limit else ""
            parts.append(f"{cat.categories[i]!r} (line{'s' if len(lines) > 1 else ''} "
                         f"{shown}{more})")
    return "; ".join(parts)


def _check_types(export, conv: Converter, event_type: pd.Categorical,
                 disorder: pd.Categorical) -> None:
    """Event and disorder types ACLED does not define: a failure or a warning.

    An export without ``disorder_type`` (before 2023) is read with the event types ACLED has
    used (``DISORDER``): an unknown one cannot be given a disorder type and fails. A current
    export carries its own disorder type, so an event or disorder type this module does not
    know (ACLED may add one) is kept as published, with a warning naming the rows.
    """
    name = Path(export.name).name
    if "disorder_type" not in export.present:
        bad = ~_known(event_type, DISORDER)
        conv._report(np.asarray(event_type.codes), bad, event_type.categories, "event_type",
                     "in_vocabulary",
                     lambda v: f"{v!r} is not an ACLED event type, so its disorder type cannot "
                               "be derived (the export has no disorder_type column); known: "
                               + ", ".join(DISORDER))
        return
    for col, cat, vocab in (("event_type", event_type, (*EVENT_TYPES, *DISORDER)),
                            ("disorder_type", disorder, DISORDER_TYPES)):
        unknown = ~_known(cat, vocab)
        text = _rows_text(export, cat, unknown)
        if text:
            warnings.warn(f"{name}: {col} not among those ACLED defines, kept as published: "
                          f"{text}", DataWarning, stacklevel=4)


def read_acled(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    area: str = "syria",
    date_format: str | None = None,
    release: str | None = None,
    source_url: str = ACLED_URL,
) -> pd.DataFrame:
    """Read one or several ACLED exports (``.csv`` or ``.csv.gz``) into the event frame.

    Parameters
    ----------
    paths : path or iterable of paths
        Exports of the same query made at different times are reconciled (see
        the module docstring): the newest version of each event is kept and
        events deleted or renumbered by ACLED are dropped.
    area : str
        Keep the events in this area's country.
    date_format : str, optional
        A ``strptime`` format for ``event_date`` if detection is not wanted.
    release : str, optional
        A name for this export in the observations' ids and ``source_title``;
        default: the newest export's file name.
    source_url : str
        For the observations' ``source_url``.

    Returns
    -------
    pandas.DataFrame
        The event frame; ``attrs["reconciliation"]`` counts replaced and
        dropped events when several exports were given.

    Raises
    ------
    DataValidationError
        Listing every malformed cell (file, line, column, rule, value).
    """
    files = _paths(paths)
    exports, parts = [], []
    for path in files:
        export = read_export(path, required=_REQUIRED, optional=_OPTIONAL,
                             text_columns=("event_id_cnty",),
                             numeric_columns=_NUMERIC, lowercase_header=True)
        exports.append(export)
        if not export.failures:
            parts.append(_events(export, area, date_format))
    raise_if_failed(exports, "ACLED")
    events, info = _reconcile(parts)
    names = [p.name for p in files]
    newest = max(range(len(parts)), key=lambda i: (np.nan_to_num(parts[i][3], nan=-np.inf), i))
    events.attrs = {
        "source": "acled", "area": area, "files": names,
        "release": release_id(release, names[newest]),
        "coverage": (min(p[1][0] for p in parts), max(p[1][1] for p in parts)),
        "source_url": source_url,
        "source_title": f"ACLED export {release + ' ' if release else ''}({', '.join(names)})",
    }
    if info:
        events.attrs["reconciliation"] = info
    return events


def _events(export, area: str, date_format: str | None):
    conv = Converter(export)
    typed = pd.DataFrame({
        "event_id_cnty": pd.Series(conv.ids("event_id_cnty"), dtype=str),
        "event_date": conv.date("event_date", lambda v: parse_acled_dates(v, date_format),
                                expected=date_format or "an ACLED date format"),
        "time_precision": conv.number("time_precision", required=True),
        "geo_precision": conv.number("geo_precision", required=True),
        "fatalities": conv.number("fatalities", required=True, integer=True),
        "latitude": conv.number("latitude"),
        "longitude": conv.number("longitude"),
    })
    country = conv.text("country", required=True)
    rows = area_rows(country, area, export.name)
    region, published = resolve_regions(conv, "admin1", area, rows)
    stamp = _timestamps(conv)
    event_type = conv.text("event_type", required=True)
    disorder = conv.text("disorder_type")
    actor_types = _inter(conv, "inter1"), _inter(conv, "inter2")
    schema_failures(AcledSchema, typed, export, skip=conv.bad, messages=MESSAGES)
    _check_types(export, conv, event_type, disorder)
    if export.failures:
        return None
    if "disorder_type" not in export.present:
        disorder = recode(event_type, [_DISORDER.get(" ".join(str(c).split()).casefold())
                                       for c in event_type.categories])
    violence = recode(disorder, [slug(c) for c in disorder.categories])
    assoc = join_text(conv.text("assoc_actor_1"), conv.text("assoc_actor_2"))
    date = typed["event_date"].to_numpy(dtype="datetime64[ns]")
    tp = typed["time_precision"]
    frame = event_frame(
        source="acled", event_id=typed["event_id_cnty"].to_numpy(dtype=object),
        date_start=date, date_end=date,
        date_precision=lookup(tp.to_numpy(), DATE_PRECISION, DATE_PRECISIONS, ordered=True),
        date_error_days=tp.map(DATE_ERROR_DAYS).to_numpy(dtype=float),
        country=country, region=region, region_as_published=published,
        location_precision=lookup(typed["geo_precision"].to_numpy(), LOCATION_PRECISION,
                                  LOCATION_PRECISIONS, ordered=True),
        actor1=conv.text("actor1", required=False), actor2=conv.text("actor2"),
        actor1_type=actor_types[0], actor2_type=actor_types[1],
        actor_other=assoc,
        event_type=event_type, sub_event_type=conv.text("sub_event_type"),
        violence_type=violence,
        fatalities=typed["fatalities"].to_numpy(), timestamp=stamp,
        _file=export.name, _line=export.lines,
    )
    dates = date[~np.isnat(date)]
    span = (dates.min(), dates.max())
    return frame[rows].reset_index(drop=True), coverage_of(date), span, np.nanmax(
        stamp.astype("int64").astype(float)) if (~np.isnat(stamp)).any() else np.nan


def _reconcile(parts):
    """Newest export wins; an older event missing from a newer export of its dates is dropped."""
    if len(parts) == 1:
        return parts[0][0], None
    order = sorted(range(len(parts)), key=lambda i: (np.nan_to_num(parts[i][3], nan=-np.inf), i))
    current = parts[order[0]][0]
    replaced = dropped = 0
    dropped_ids: list[str] = []
    for i in order[1:]:
        newer, _, (lo, hi), _ = parts[i]
        in_new = current["event_id"].isin(set(newer["event_id"])).to_numpy()
        d = current["date_start"].to_numpy()
        gone = ~in_new & (d >= lo) & (d <= hi)
        replaced += int(in_new.sum())
        dropped += int(gone.sum())
        dropped_ids += current.loc[gone, "event_id"].astype(str).tolist()
        current = pd.concat([current[~(in_new | gone)], newer], ignore_index=True)
    for col in _TEXT:
        if not isinstance(current[col].dtype, pd.CategoricalDtype):
            current[col] = current[col].astype("category")
    if dropped:
        shown = ", ".join(dropped_ids[:12]) + (f" and {dropped - 12} more" if dropped > 12 else "")
        warnings.warn(f"{dropped} ACLED event(s) of an older export are missing from a newer "
                      f"export that covers their dates (deleted or renumbered by ACLED): dropped "
                      f"({shown})", DataWarning, stacklevel=3)
    return current.reset_index(drop=True), {"replaced": replaced, "dropped": dropped,
                                            "dropped_ids": dropped_ids}
