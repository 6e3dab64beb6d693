"""UCDP Georeferenced Event Dataset (GED) CSV -> the event frame.

Reads any GED release and UCDP's monthly candidate files, with the columns and
codes of the GED codebook (Högbladh 2019). The format's quirks are handled
explicitly:

- **No header row.** Some candidate files were published without one. A first
  row that names none of the expected columns is read as data if it has the 49
  fields of the standard GED layout or the 41 of the 2016-2019 Syria release.
- **Timestamps instead of dates.** ``date_start``/``date_end`` such as
  ``2019-11-26 00:00:00.000`` or ``2019-11-26T00:00:00Z`` keep their date part.
- **Governorate spellings.** ``adm_1`` (``Deir ez Zor Governorate``, ``Homs
  Governorate``, ``Hamah Governorate``) is mapped to canonical names through the
  alias table; an unknown name is an error naming the row.
- **No governorate.** Events located only to the country (``where_prec`` 6-7)
  have no ``adm_1``: their region is ``unknown``.
- **low <= best <= high fails** in about 100 rows of the Syria release (UCDP
  subtracts clarity-1 events from clarity-2 aggregates): kept as published, with
  a :class:`~resurgence.errors.DataWarning` listing the rows.
- **Events spanning months** are kept with their full date range; the month
  rule of :func:`resurgence.aggregate_events` decides where they count.
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
from ._convert import Converter, not_in_future, parse_iso_dates, raise_if_failed, schema_failures
from ._csv import read_export
from .events import area_rows, combine, coverage_of, event_frame, release_id, resolve_regions

__all__ = ["read_ucdp", "UcdpSchema", "GED_COLUMNS", "GED_SYRIA_COLUMNS", "UCDP_URL"]

UCDP_URL = "https://ucdp.uu.se/downloads/"

#: The standard GED CSV layout (releases 19.1 onwards, and the candidate files).
GED_COLUMNS: tuple[str, ...] = tuple((
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,"
    "conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
    "side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
    "source_date,source_headline,source_original,where_prec,where_coordinates,where_description,"
    "adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,"
    "event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,"
    "deaths_unknown,best,high,low,gwnoa,gwnob").split(","))
#: The GED Syria 20160101-20191130 release (no relid, code_status, *_dset_id,
#: where_description, gwnoa; low before best and high).
GED_SYRIA_COLUMNS: tuple[str, ...] = tuple((
    "id,year,active_year,type_of_violence,conflict_new_id,conflict_name,dyad_new_id,dyad_name,"
    "side_a_new_id,side_a,side_b_new_id,gwnob,side_b,number_of_sources,source_article,"
    "source_office,source_date,source_headline,source_original,where_prec,where_coordinates,"
    "adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,"
    "event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,"
    "deaths_unknown,low,best,high").split(","))

_REQUIRED = ("id", "type_of_violence", "side_a_new_id", "side_a", "side_b_new_id", "side_b",
             "where_prec", "adm_1", "country", "date_prec", "date_start", "date_end",
             "best", "low", "high")
_OPTIONAL = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "event_clarity")
_ALIASES = {"best_est": "best", "low_est": "low", "high_est": "high"}
_NUMERIC = ("type_of_violence", "side_a_new_id", "side_b_new_id", "where_prec", "date_prec",
            "best", "low", "high", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
            "event_clarity")

VIOLENCE = {1: "state_based", 2: "non_state", 3: "one_sided"}
#: date_prec: 1 day, 2 a 2-6 day range, 3 a week, 4 an 8-30 day range or a month,
#: 5 longer than a month (less than a year).
DATE_PRECISION = {1: "day", 2: "week", 3: "week", 4: "month", 5: "year"}
#: where_prec: 1 exact, 2 within 25 km, 3 ADM2, 4 ADM1, 5 a linear feature or fuzzy area,
#: 6 the country, 7 at sea or in the air.
LOCATION_PRECISION = {1: "exact", 2: "near", 3: "adm2", 4: "adm1", 5: "region", 6: "country",
                      7: "country"}


class UcdpSchema(pa.DataFrameModel):
    """The GED columns resurgence uses, after type conversion (codebook v19.1 codes)."""

    id: Series[str] = pa.Field(unique=True)
    type_of_violence: Series[float] = pa.Field(isin=[1, 2, 3])
    where_prec: Series[float] = pa.Field(isin=[1, 2, 3, 4, 5, 6, 7])
    date_prec: Series[float] = pa.Field(isin=[1, 2, 3, 4, 5])
    date_start: Series[pd.Timestamp]
    date_end: Series[pd.Timestamp]
    best: Series[float] = pa.Field(ge=0)
    low: Series[float] = pa.Field(ge=0)
    high: Series[float] = pa.Field(ge=0)
    side_a_new_id: Series[float] = pa.Field(ge=0, nullable=True)
    side_b_new_id: Series[float] = pa.Field(ge=0, nullable=True)

    @pa.dataframe_check(name="date_order")
    def date_order(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        start, end = df["date_start"], df["date_end"]
        return start.isna() | end.isna() | (start <= end)

    @pa.check("date_start", "date_end", name="not_in_future")
    def dates_not_in_future(cls, s: pd.Series) -> pd.Series:  # noqa: N805
        return not_in_future(s)

    class Config:
        strict = False


#: What the codes of :class:`UcdpSchema` mean (codebook v19.1), for the failure messages.
MESSAGES = {
    "type_of_violence": "type_of_violence must be 1 (state-based), 2 (non-state) or "
                        "3 (one-sided)",
    "where_prec": "where_prec must be 1 (exact place) to 7 (at sea or in the air)",
    "date_prec": "date_prec must be 1 (exact day) to 5 (more than a month)",
}


def _paths(paths) -> list[Path]:
    if isinstance(paths, str | os.PathLike):
        return [Path(paths)]
    return [Path(p) for p in paths]


def read_ucdp(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    area: str = "syria",
    release: str | None = None,
    source_url: str = UCDP_URL,
) -> pd.DataFrame:
    """Read UCDP GED or candidate CSV files (``.csv`` or ``.csv.gz``) into the event frame.

    Parameters
    ----------
    paths : path or iterable of paths
        One or more files; an event id in a later file replaces the same id in
        an earlier one (give files oldest first).
    area : str
        Keep the events in this area's country (``data/reference/areas.csv``).
    release : str, optional
        Release name (e.g. ``"25.1"``) for the observations' ids and ``source_title``;
        default: the last file's name. Two releases must have different names.
    source_url : str
        Where the files come from, for the observations' ``source_url``.

    Returns
    -------
    pandas.DataFrame
        The event frame (:mod:`resurgence.sources.events`).

    Raises
    ------
    DataValidationError
        Listing every malformed cell (file, line, column, rule, value).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     ev = read_ucdp(bundled_ucdp_file())
    >>> str(caught[0].message)[:60]
    '35 UCDP event(s): low <= best <= high fails; the estimates a'
    >>> len(ev), int(ev["fatalities"].sum()), ev.attrs["coverage"]
    (6472, 53502, ('2016-01', '2019-11'))
    """
    files = _paths(paths)
    frames, exports, coverage = [], [], []
    for path in files:
        export = read_export(path, required=_REQUIRED, optional=_OPTIONAL, text_columns=("id",),
                             numeric_columns=_NUMERIC,
                             aliases=_ALIASES, lowercase_header=True,
                             headerless_layouts={len(GED_COLUMNS): GED_COLUMNS,
                                                 len(GED_SYRIA_COLUMNS): GED_SYRIA_COLUMNS})
        exports.append(export)
        if export.failures:
            continue
        frame, cov = _events(export, area)
        frames.append(frame)
        coverage.append(cov)
    raise_if_failed(exports, "UCDP")
    events = combine(frames, exports)
    names = [p.name for p in files]
    events.attrs = {
        "source": "ucdp", "area": area, "files": names,
        "release": release_id(release, names[-1]),
        "coverage": (min(c[0] for c in coverage), max(c[1] for c in coverage)),
        "source_url": source_url,
        "source_title": f"UCDP GED {release + ' ' if release else ''}({', '.join(names)})",
    }
    _warn_estimates(events)
    return events


def _events(export, area: str) -> tuple[pd.DataFrame, tuple[str, str]]:
    conv = Converter(export)
    typed = pd.DataFrame({
        "id": pd.Series(conv.ids("id"), dtype=str),
        "type_of_violence": conv.number("type_of_violence", required=True),
        "where_prec": conv.number("where_prec", required=True),
        "date_prec": conv.number("date_prec", required=True),
        "date_start": conv.date("date_start", parse_iso_dates),
        "date_end": conv.date("date_end", parse_iso_dates),
        "best": conv.number("best", required=True, integer=True),
        "low": conv.number("low", required=True, integer=True),
        "high": conv.number("high", required=True, integer=True),
        "side_a_new_id": conv.number("side_a_new_id", integer=True),
        "side_b_new_id": conv.number("side_b_new_id", integer=True),
    })
    country = conv.text("country", required=True)
    rows = area_rows(country, area, export.name)
    region, published = resolve_regions(conv, "adm_1", area, rows)
    schema_failures(UcdpSchema, typed, export, skip=conv.bad, messages=MESSAGES,
                    blame={"date_order": ("date_start", "date_end")})
    deaths = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
    parts = (np.nansum([conv.number(c, integer=True) for c in deaths], axis=0)
             if set(deaths) <= export.present else None)
    if export.failures:
        return pd.DataFrame(), ("", "")
    coverage = coverage_of(typed["date_start"].to_numpy())
    start = typed["date_start"].to_numpy(dtype="datetime64[ns]")
    end = typed["date_end"].to_numpy(dtype="datetime64[ns]")
    tov = typed["type_of_violence"].to_numpy()
    frame = event_frame(
        source="ucdp",
        event_id=typed["id"].to_numpy(dtype=object),
        date_start=start, date_end=end,
        date_precision=pd.Series(typed["date_prec"]).map(DATE_PRECISION).to_numpy(dtype=object),
        date_error_days=(end - start).astype("timedelta64[D]").astype(float),
        country=country, region=region, region_as_published=published,
        location_precision=pd.Series(typed["where_prec"]).map(LOCATION_PRECISION).to_numpy(
            dtype=object),
        actor1=conv.text("side_a"), actor2=conv.text("side_b"),
        actor1_id=pd.array(typed["side_a_new_id"].to_numpy(), dtype="Int64"),
        actor2_id=pd.array(typed["side_b_new_id"].to_numpy(), dtype="Int64"),
        violence_type=pd.Series(tov).map(VIOLENCE).to_numpy(dtype=object),
        fatalities=typed["best"].to_numpy(), fatalities_low=typed["low"].to_numpy(),
        fatalities_high=typed["high"].to_numpy(),
        _file=export.name, _line=export.lines,
    )
    if parts is not None:
        frame["_parts"] = parts
    return frame[rows].reset_index(drop=True), coverage


def _warn_estimates(events: pd.DataFrame) -> None:
    """low <= best <= high (and best = the sum of the deaths columns): warn, keep as published."""
    lo, best, hi = (events[c].to_numpy()
                    for c in ("fatalities_low", "fatalities", "fatalities_high"))
    bad = ~((lo <= best) & (best <= hi))
    if bad.any():
        warnings.warn(_listing(events, bad, "low <= best <= high fails; the estimates are kept "
                               "as published (UCDP subtracts clarity-1 events from clarity-2 "
                               "aggregates)"), DataWarning, stacklevel=3)
    if "_parts" in events.columns:
        off = events["_parts"].to_numpy() != best
        if off.any():
            warnings.warn(_listing(events, off, "best differs from deaths_a + deaths_b + "
                                   "deaths_civilians + deaths_unknown; best is used"),
                          DataWarning, stacklevel=3)
        del events["_parts"]


def _listing(events: pd.DataFrame, mask: np.ndarray, what: str, limit: int = 12) -> str:
    """``N UCDP event(s): what: FILE lines L (id I), ...`` naming at most ``limit`` rows."""
    rows = events.loc[mask, ["_file", "_line", "event_id"]].astype({"_file": str})
    parts = []
    for file, grp in rows.head(limit).groupby("_file", sort=False):
        lines = ", ".join(f"{line} (id {i})" for line, i in zip(grp["_line"], grp["event_id"]))
        parts.append(f"{Path(file).name} lines {lines}")
    more = f", and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"{len(rows)} UCDP event(s): {what}: {'; '.join(parts)}{more}"


def bundled_ucdp_file() -> Path:
    """The bundled UCDP GED Syria Islamic State events (``data/events``)."""
    from .events import bundled_events_dir

    return bundled_events_dir() / "ucdp_ged_is_syria_20160101_20191130.csv.gz"
