"""Global Terrorism Database (GTD) CSV -> the event frame.

Reads the CSV of the GTD distribution (START's terms forbid redistributing its
rows: resurgence ships none and reads your own copy). The format's quirks are
handled explicitly:

- **Unknown day or month are 0.** ``iday = 0``: only the month is known, the
  event's dates are the whole month; ``imonth = 0``: only the year is known, the
  dates are the whole year. ``extended = 1`` with a ``resolution`` date gives the
  end of an incident that lasted more than a day. A day that does not exist
  (``iday = 31`` in February) is an error naming the row.
- **nkill includes the perpetrators** (``nkillter``), and ``nwound`` the wounded
  perpetrators (``nwoundte``). By default the totals are used as published;
  ``perpetrators="exclude"`` subtracts them where GTD knows them.
- **Unknown counts** are empty cells, or ``-9``/``-99`` in some fields: both are
  unknown (NaN), never 0.
- **Encoding.** START's CSV is Latin-1; ``encoding="auto"`` reads UTF-8 and
  falls back to Latin-1 only when the bytes are not valid UTF-8.
- **Region.** ``provstate`` (``Unknown`` when GTD has none) through the alias
  table; ``specificity`` 1-5 becomes ``location_precision``.
- **Doubtful terrorism.** ``doubtterr = 1`` marks incidents GTD doubts are
  terrorism: ``violence_type`` is ``doubtful`` for them, ``terrorism`` otherwise.
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

from ..errors import DataWarning, InputError
from ._convert import Converter, parse_iso_dates, raise_if_failed, schema_failures, today
from ._csv import read_export
from .events import area_rows, combine, coverage_of, event_frame, release_id, resolve_regions
from .ucdp import _paths

__all__ = ["read_gtd", "GtdSchema", "GTD_URL"]

GTD_URL = "https://www.start.umd.edu/gtd/"

_REQUIRED = ("eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "gname", "nkill",
             "nwound")
_OPTIONAL = ("extended", "resolution", "specificity", "gname2", "gname3", "nkillter", "nwoundte",
             "attacktype1_txt", "doubtterr")
#: specificity: 1 the town, with its coordinates; 2 the town, coordinates of its smallest
#: administrative region; 3 not in a town, the smallest administrative region; 4 only the
#: province; 5 no province known.
LOCATION_PRECISION = {1: "exact", 2: "near", 3: "adm2", 4: "adm1", 5: "country"}
_UNKNOWN = (-9.0, -99.0)


class GtdSchema(pa.DataFrameModel):
    """The GTD columns resurgence uses, after type conversion."""

    eventid: Series[str] = pa.Field(unique=True)
    iyear: Series[float] = pa.Field(ge=1970)
    imonth: Series[float] = pa.Field(ge=0, le=12)
    iday: Series[float] = pa.Field(ge=0, le=31)
    extended: Series[float] = pa.Field(isin=[0, 1], nullable=True)
    specificity: Series[float] = pa.Field(isin=[1, 2, 3, 4, 5], nullable=True)
    nkill: Series[float] = pa.Field(ge=0, nullable=True)
    nwound: Series[float] = pa.Field(ge=0, nullable=True)
    nkillter: Series[float] = pa.Field(ge=0, nullable=True)
    nwoundte: Series[float] = pa.Field(ge=0, nullable=True)

    class Config:
        strict = False


#: What the codes and ranges of :class:`GtdSchema` mean (GTD codebook), for the messages.
MESSAGES = {
    "iyear": "iyear must be 1970 or later (the GTD starts in 1970)",
    "imonth": "imonth must be 0 (unknown) to 12",
    "iday": "iday must be 0 (unknown) to 31",
    "extended": "extended must be 0 (no) or 1 (yes: the incident lasted more than 24 hours)",
    "specificity": "specificity must be 1 (the town, with coordinates) to 5 (no province known)",
    "nkill": "nkill cannot be negative (-9 and -99 mean unknown)",
    "nwound": "nwound cannot be negative (-9 and -99 mean unknown)",
    "nkillter": "nkillter cannot be negative (-9 and -99 mean unknown)",
    "nwoundte": "nwoundte cannot be negative (-9 and -99 mean unknown)",
}


def read_gtd(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    area: str = "syria",
    perpetrators: str = "include",
    encoding: str = "auto",
    release: str | None = None,
    source_url: str = GTD_URL,
) -> pd.DataFrame:
    """Read GTD CSV files into the event frame.

    Parameters
    ----------
    paths : path or iterable of paths
        A later file's event replaces the same ``eventid`` in an earlier one.
    area : str
        Keep the events in this area's country (``country_txt``).
    perpetrators : {"include", "exclude"}
        ``include`` keeps ``nkill``/``nwound`` as published (they count the
        attackers killed and wounded); ``exclude`` subtracts ``nkillter`` and
        ``nwoundte`` where they are known.
    encoding : str
        ``auto`` (UTF-8, else Latin-1 as START distributes it) or a codec name.
    release : str, optional
        Release name (e.g. ``"2021"``) for the observations' ids and ``source_title``;
        default: the last file's name.
    source_url : str
        For the observations' ``source_url``.

    Raises
    ------
    DataValidationError
        Listing every malformed cell (file, line, column, rule, value).
    """
    if perpetrators not in ("include", "exclude"):
        raise InputError(f"perpetrators must be 'include' or 'exclude', not {perpetrators!r}")
    files = _paths(paths)
    frames, exports, coverage = [], [], []
    for path in files:
        export = _read(path, encoding)
        exports.append(export)
        if export.failures:
            continue
        frame, cov = _events(export, area, perpetrators)
        if frame is not None:
            frames.append(frame)
            coverage.append(cov)
    raise_if_failed(exports, "GTD")
    events = combine(frames, exports)
    names = [p.name for p in files]
    events.attrs = {
        "source": "gtd", "area": area, "files": names,
        "release": release_id(release, names[-1]),
        "coverage": (min(c[0] for c in coverage), max(c[1] for c in coverage)),
        "source_url": source_url,
        "source_title": f"Global Terrorism Database {release + ' ' if release else ''}"
                        f"({', '.join(names)}; perpetrators "
                        f"{'included' if perpetrators == 'include' else 'excluded'})",
    }
    return events


def _read(path, encoding: str):
    kwargs = dict(required=_REQUIRED, optional=_OPTIONAL, text_columns=("eventid",),
                  numeric_columns=("iyear", "imonth", "iday", "extended", "specificity", "nkill",
                                   "nwound", "nkillter", "nwoundte", "doubtterr"),
                  lowercase_header=True)
    export = read_export(path, encoding="utf-8" if encoding == "auto" else encoding, **kwargs)
    if encoding == "auto" and export.failures and all(
            f["check"] == "utf8" for f in export.failures):
        export = read_export(path, encoding="latin-1", **kwargs)
    return export


def _days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    first = (year.astype(int) - 1970) * 12 + month.astype(int) - 1
    start = first.astype("datetime64[M]")
    return ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype(int)


def _events(export, area: str, perpetrators: str):
    conv = Converter(export)
    typed = pd.DataFrame({
        "eventid": pd.Series(conv.ids("eventid"), dtype=str),
        "iyear": conv.number("iyear", required=True, integer=True),
        "imonth": conv.number("imonth", required=True, integer=True),
        "iday": conv.number("iday", required=True, integer=True),
        "extended": conv.number("extended", integer=True),
        "specificity": conv.number("specificity", integer=True),
        "nkill": conv.number("nkill", missing=_UNKNOWN),
        "nwound": conv.number("nwound", missing=_UNKNOWN),
        "nkillter": conv.number("nkillter", missing=_UNKNOWN),
        "nwoundte": conv.number("nwoundte", missing=_UNKNOWN),
    })
    resolution = conv.date("resolution", _parse_resolution, required=False,
                           expected="YYYY-MM-DD or MM/DD/YYYY")
    country = conv.text("country_txt", required=True)
    rows = area_rows(country, area, export.name)
    region, published = resolve_regions(conv, "provstate", area, rows)
    schema_failures(GtdSchema, typed, export, skip=conv.bad, messages=MESSAGES)
    y, m, d = (typed[c].fillna(0).to_numpy() for c in ("iyear", "imonth", "iday"))
    ok = (y >= 1970) & (m >= 0) & (m <= 12) & (d >= 0) & (d <= 31)
    m1 = np.where(m == 0, 1, m)
    dim = np.where(ok, _days_in_month(np.where(ok, y, 1970), np.where(ok, m1, 1)), 31)
    bad_day = ok & (d > dim) & ~np.isin(np.arange(len(d)), [i for i, c in conv.bad if c == "iday"])
    if bad_day.any():
        rows_bad = np.flatnonzero(bad_day)
        export.fail(rows_bad, "iday", "valid_date", d[rows_bad].astype(int),
                    lambda v: f"day {v} does not exist in that month")
    # rows already failing get a placeholder date: they are reported, never imported
    valid = ok & ~bad_day & (y == np.round(y)) & (m == np.round(m)) & (d == np.round(d))
    y, m1 = np.where(valid, y, 1970).astype(int), np.where(valid, m1, 1).astype(int)
    m, d = np.where(valid, m, 1).astype(int), np.where(valid, d, 1).astype(int)
    month0 = ((y - 1970) * 12 + m1 - 1).astype("datetime64[M]")
    start = month0.astype("datetime64[D]") + (np.where(d == 0, 1, d) - 1).astype("timedelta64[D]")
    _fail_future(export, start, resolution)
    if export.failures:
        return None, None
    end_month = np.where(m == 0, (y - 1970) * 12 + 11, (y - 1970) * 12 + m1 - 1)
    end_of_month = ((end_month + 1).astype("datetime64[M]").astype("datetime64[D]")
                    - np.timedelta64(1, "D"))
    end = np.where(d == 0, end_of_month, start)
    extended = (typed["extended"].to_numpy() == 1) & ~np.isnat(resolution)
    end = np.where(extended & (resolution.astype("datetime64[D]") > end),
                   resolution.astype("datetime64[D]"), end)
    start = start.astype("datetime64[ns]")
    end = end.astype("datetime64[ns]")
    precision = np.where(m == 0, "year", np.where(d == 0, "month", "day"))
    spec = typed["specificity"].to_numpy()
    located = np.where(np.isnan(spec), np.where(pd.Series(published).notna(), 4, 5), spec)
    kill = _victims(export, typed, "nkill", "nkillter", perpetrators, rows)
    wound = _victims(export, typed, "nwound", "nwoundte", perpetrators, rows)
    doubt = conv.number("doubtterr")
    frame = event_frame(
        source="gtd", event_id=typed["eventid"].to_numpy(dtype=object),
        date_start=start, date_end=end, date_precision=precision,
        date_error_days=(end - start).astype("timedelta64[D]").astype(float),
        country=country, region=region, region_as_published=published,
        location_precision=pd.Series(located).map(LOCATION_PRECISION).to_numpy(dtype=object),
        actor1=conv.text("gname"), actor2=conv.text("gname2"), actor_other=conv.text("gname3"),
        event_type=conv.text("attacktype1_txt"),
        violence_type=np.where(doubt == 1, "doubtful", "terrorism"),
        fatalities=kill, wounded=wound,
        _file=export.name, _line=export.lines,
    )
    return frame[rows].reset_index(drop=True), coverage_of(start)


def _fail_future(export, start: np.ndarray, resolution: np.ndarray) -> None:
    """An incident dated after today (by iyear/imonth/iday, or its resolution) fails."""
    now = today().to_datetime64().astype("datetime64[D]")
    late = np.flatnonzero(start > now)
    export.fail(late, "iyear", "not_in_future", [str(start[i]) for i in late],
                lambda v: f"iyear, imonth and iday give {v}, after today ({now}): an event cannot "
                          "be dated in the future")
    resolved = resolution.astype("datetime64[D]")
    late = np.flatnonzero(~np.isnat(resolved) & (resolved > now))
    export.fail(late, "resolution", "not_in_future", [str(resolved[i]) for i in late],
                lambda v: f"{v} is after today ({now}): an incident cannot be resolved in the "
                          "future")


def _victims(export, typed: pd.DataFrame, total: str, attackers: str, perpetrators: str,
             rows: np.ndarray) -> np.ndarray:
    """``nkill`` (``nwound``) as published, or without the attackers (``nkillter``).

    GTD's total includes the attackers, so more attackers than the total is an error in
    the data: a :class:`~resurgence.errors.DataWarning` names the rows, and with
    ``perpetrators="exclude"`` their count is unknown (NaN), never a made-up 0.
    """
    value, perps = typed[total].to_numpy(), typed[attackers].to_numpy()
    bad = rows & (perps > value)                 # False where either is unknown
    if bad.any():
        hit = np.flatnonzero(bad)
        listed = ", ".join(f"{export.lines[i]} (eventid {typed['eventid'].iat[i]}: {total} "
                           f"{value[i]:g}, {attackers} {perps[i]:g})" for i in hit[:12])
        more = f", and {len(hit) - 12} more" if len(hit) > 12 else ""
        then = (f"{total} without the attackers is unknown for them (not counted)"
                if perpetrators == "exclude" else f"{total} is kept as published")
        warnings.warn(f"{Path(export.name).name}: {len(hit)} GTD event(s) with {attackers} (the "
                      f"attackers) above {total} (everyone, attackers included): {then}: "
                      f"line{'s' if len(hit) > 1 else ''} {listed}{more}", DataWarning,
                      stacklevel=4)
    if perpetrators == "include":
        return value
    out = value - np.nan_to_num(perps)
    out[bad] = np.nan
    return out


def _parse_resolution(values: pd.Index) -> pd.DatetimeIndex:
    out = pd.Series(parse_iso_dates(values))
    todo = out.isna()
    if todo.any():
        out[todo] = pd.to_datetime(pd.Series(values, dtype=object)[todo], format="%m/%d/%Y",
                                   errors="coerce")
    return pd.DatetimeIndex(out)
