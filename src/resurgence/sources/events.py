"""The event frame: what every event reader returns, one row per event.

UCDP GED, ACLED and GTD describe an event differently (a date range or a date
with a precision code, an ADM1 name in a publisher's spelling, two sides or a
perpetrator group, best/low/high deaths or a single count). Each reader maps its
format onto these columns so that aggregation, actor filters and comparisons
are written once.

=======================  =====================================================================
column                   meaning
=======================  =====================================================================
``source``               publisher id: ``ucdp``, ``acled`` or ``gtd``
``event_id``             the publisher's event id (UCDP ``id``, ACLED ``event_id_cnty``,
                         GTD ``eventid``), as text
``date_start``           earliest day the event may have happened
``date_end``             last day (inclusive); equal to ``date_start`` for a one-day event
``date_precision``       ``day`` < ``week`` < ``month`` < ``year``: how well the date is known
``date_error_days``      days the true date may lie from the dates given (window width for
                         UCDP and GTD, 7 or 31 for ACLED's week and month precision)
``country``              country as published
``region``               canonical governorate (``data/reference/regions.csv``), or
                         ``unknown`` when the publisher gives none
``region_as_published``  the ADM1 name as the file spells it
``location_precision``   ``exact`` < ``near`` < ``adm2`` < ``adm1`` < ``region`` < ``country``
``actor1``, ``actor2``   the two sides (UCDP side_a/side_b, ACLED actor1/actor2, GTD
                         gname/gname2); ``actor_other`` holds ACLED's associated actors and
                         GTD's gname3
``actor1_id``            UCDP actor ids (``side_a_new_id``, ``side_b_new_id``); empty elsewhere
``actor1_type``          ACLED actor types (``inter1``/``inter2`` as labels)
``event_type``           ACLED event type, GTD attack type; empty for UCDP
``sub_event_type``       ACLED sub-event type
``violence_type``        UCDP ``state_based``/``non_state``/``one_sided``; ACLED disorder type;
                         GTD ``terrorism`` or ``doubtful`` (``doubtterr`` = 1)
``fatalities``           deaths: UCDP ``best``, ACLED ``fatalities``, GTD ``nkill``; NaN = unknown
``fatalities_low/high``  UCDP's low and high estimates (NaN for the others)
``wounded``              GTD ``nwound`` (NaN for the others)
``timestamp``            ACLED's last-modified time (NaT for the others)
``_file``, ``_line``     where the event came from (the header is line 1)
=======================  =====================================================================

The frame's ``attrs`` carry provenance for aggregation: ``source``, ``area``,
``files``, ``release`` (:func:`release_id`: the release name given, else the
newest file's name), ``coverage`` (first and last month of the file, from all
its events before any filter), ``source_url`` and ``source_title``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ..errors import InputError, UnknownRegionError
from ..reference import canonical_region, data_root, load_reference
from ._convert import Converter
from ._csv import Export

__all__ = [
    "EVENT_COLUMNS",
    "DATE_PRECISIONS",
    "LOCATION_PRECISIONS",
    "EventSchema",
    "event_frame",
    "slug",
    "release_id",
    "bundled_events_dir",
    "area_rows",
    "area_regions",
    "resolve_regions",
    "coverage_of",
    "combine",
    "lookup",
    "recode",
    "join_text",
]

DATE_PRECISIONS = ("day", "week", "month", "year")
LOCATION_PRECISIONS = ("exact", "near", "adm2", "adm1", "region", "country")
_TEXT = ("country", "region", "region_as_published", "actor1", "actor2", "actor_other",
         "actor1_type", "actor2_type", "event_type", "sub_event_type", "violence_type", "_file")
EVENT_COLUMNS: tuple[str, ...] = (
    "source", "event_id", "date_start", "date_end", "date_precision", "date_error_days",
    "country", "region", "region_as_published", "location_precision",
    "actor1", "actor1_id", "actor1_type", "actor2", "actor2_id", "actor2_type", "actor_other",
    "event_type", "sub_event_type", "violence_type",
    "fatalities", "fatalities_low", "fatalities_high", "wounded", "timestamp", "_file", "_line",
)


def _regions_or_unknown() -> frozenset[str]:
    return load_reference().region_names - {"ALL"}


class EventSchema(pa.DataFrameModel):
    """The common event frame (see the module docstring for each column).

    Examples
    --------
    >>> ev = event_frame(source="ucdp", event_id=["1"], date_start=["2019-01-02"],
    ...                  date_end=["2019-01-02"], date_precision=["day"], region=["Homs"],
    ...                  location_precision=["exact"], fatalities=[3.0], _line=[2])
    >>> len(EventSchema.validate(ev))
    1
    """

    source: Series[pd.CategoricalDtype] = pa.Field(isin=["ucdp", "acled", "gtd"])
    event_id: Series[str]
    date_start: Series[pd.Timestamp]
    date_end: Series[pd.Timestamp]
    date_precision: Series[pd.CategoricalDtype] = pa.Field(isin=list(DATE_PRECISIONS))
    date_error_days: Series[float] = pa.Field(ge=0)
    region: Series[pd.CategoricalDtype]
    location_precision: Series[pd.CategoricalDtype] = pa.Field(isin=list(LOCATION_PRECISIONS))
    fatalities: Series[float] = pa.Field(ge=0, nullable=True)
    fatalities_low: Series[float] = pa.Field(ge=0, nullable=True)
    fatalities_high: Series[float] = pa.Field(ge=0, nullable=True)
    wounded: Series[float] = pa.Field(ge=0, nullable=True)

    @pa.dataframe_check
    def dates_in_order(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return df["date_start"] <= df["date_end"]

    @pa.check("region")
    def region_known(cls, s: pd.Series) -> pd.Series:  # noqa: N805
        return s.isin(_regions_or_unknown())

    class Config:
        strict = False


def event_frame(**columns) -> pd.DataFrame:
    """Assemble an event frame with the standard columns and dtypes; absent columns are empty.

    Absent precisions default to ``day`` and ``exact``, an absent region to ``unknown``;
    a single string (``source="ucdp"``, ``_file=name``) is repeated on every row.
    Readers call it; tests and users can build small frames with it too (see
    :class:`EventSchema`).
    """
    n = max(len(v) for v in columns.values() if not isinstance(v, str | int | float))
    out = {}
    for col in EVENT_COLUMNS:
        v = columns.get(col)
        if col in ("date_start", "date_end", "timestamp"):
            v = pd.to_datetime(pd.Series(v if v is not None else [pd.NaT] * n)).to_numpy(
                dtype="datetime64[ns]")
        elif col == "date_precision":
            v = pd.Categorical(["day"] * n if v is None else v, categories=DATE_PRECISIONS,
                               ordered=True)
        elif col == "location_precision":
            v = pd.Categorical(["exact"] * n if v is None else v,
                               categories=LOCATION_PRECISIONS, ordered=True)
        elif col == "source":
            v = (_repeat(v, n, ["ucdp", "acled", "gtd"]) if isinstance(v, str)
                 else pd.Categorical(v, categories=["ucdp", "acled", "gtd"]))
        elif col in ("actor1_id", "actor2_id"):
            v = pd.array(np.full(n, np.nan) if v is None else v, dtype="Int64")
        elif col in ("fatalities", "fatalities_low", "fatalities_high", "wounded",
                     "date_error_days"):
            v = np.zeros(n) if v is None and col == "date_error_days" else (
                np.full(n, np.nan) if v is None else np.asarray(v, dtype=float))
        elif col == "event_id":
            v = pd.Series(np.asarray(v, dtype=object), dtype=str).to_numpy()
        elif col == "_line":
            v = np.asarray(v if v is not None else np.zeros(n), dtype=np.int64)
        elif col == "region" and v is None:
            v = pd.Categorical(["unknown"] * n)
        elif col in _TEXT:
            if v is None:
                v = pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), categories=[])
            elif isinstance(v, str):
                v = _repeat(v, n, [v])
            elif not isinstance(v, pd.Categorical):
                v = pd.Categorical(v)
        out[col] = v
    return pd.DataFrame(out)


def _repeat(value: str, n: int, categories: list[str]) -> pd.Categorical:
    """``value`` n times as a categorical, without a list of n strings."""
    code = categories.index(value) if value in categories else -1
    return pd.Categorical.from_codes(np.full(n, code, dtype=np.int8), categories=categories)


def lookup(values: np.ndarray, mapping: dict, categories: Sequence[str] | None = None,
           ordered: bool = False) -> pd.Categorical:
    """Codes -> labels as a categorical, vectorised (values not in ``mapping`` are NaN).

    Examples
    --------
    >>> lookup(np.array([1.0, 3.0, np.nan]), {1: "day", 3: "month"}).tolist()
    ['day', 'month', nan]
    """
    cats = list(categories) if categories is not None else list(dict.fromkeys(mapping.values()))
    codes = np.full(len(values), -1, dtype=np.int64)
    for key, label in mapping.items():
        codes[values == key] = cats.index(label)
    return pd.Categorical.from_codes(codes, categories=cats, ordered=ordered)


def recode(cat: pd.Categorical, labels: Sequence[object]) -> pd.Categorical:
    """Relabel a categorical's categories (labels may repeat or be None)."""
    labels = pd.Index(labels, dtype=object)
    remap, uniques = pd.factorize(labels)          # None -> -1
    codes = np.asarray(cat.codes, dtype=np.int64)
    new = np.where(codes >= 0, remap[np.maximum(codes, 0)] if len(remap) else -1, -1)
    return pd.Categorical.from_codes(new, categories=pd.Index(uniques, dtype=object))


def join_text(a: pd.Categorical, b: pd.Categorical, sep: str = "; ") -> pd.Categorical:
    """Row-wise ``a; b`` of two categoricals (missing parts left out), built per distinct pair."""
    ca, cb = np.asarray(a.codes, dtype=np.int64), np.asarray(b.codes, dtype=np.int64)
    pair = (ca + 1) * (len(b.categories) + 1) + (cb + 1)
    uniq, inverse = np.unique(pair, return_inverse=True)
    texts = []
    for p in uniq:
        i, j = divmod(int(p), len(b.categories) + 1)
        parts = [str(a.categories[i - 1])] if i else []
        parts += [str(b.categories[j - 1])] if j else []
        texts.append(sep.join(parts) or None)
    return recode(pd.Categorical.from_codes(inverse.ravel(), categories=range(len(uniq))), texts)


def slug(text: str) -> str:
    """A subset-safe name: lower-case ASCII letters, digits and ``_``.

    Examples
    --------
    >>> slug("Explosions/Remote violence"), slug("Islamic State (Syria)")
    ('explosions_remote_violence', 'islamic_state_syria')
    """
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_") or "x"


def release_id(release: str | None, file: str | Path) -> str:
    """The release part of observation ids: the ``release`` name, else the file's name.

    Two releases of one dataset (UCDP GED 25.1 and the 2016-2019 Syria release,
    two ACLED exports) state the same series and months; their observation ids
    differ by this part, so that one can supersede the other.

    Examples
    --------
    >>> release_id("25.1", "x.csv"), release_id("GED Syria 20160101-20191130", "x.csv")
    ('25.1', 'ged_syria_20160101_20191130')
    >>> release_id(None, "exports/GEDEvent_v25_1.csv.gz")
    'gedevent_v25_1'
    """
    text = release or re.sub(r"(\.csv)?(\.gz)?$", "", Path(file).name, flags=re.IGNORECASE)
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9.]+", "_", s).strip("_.") or "x"


def bundled_events_dir() -> Path:
    """The folder of bundled event files (``data/events``)."""
    return data_root() / "events"


# --------------------------------------------------------------------------------------
# Regions and areas
# --------------------------------------------------------------------------------------


def area_country(area: str) -> tuple[str, str]:
    """``(area id, the country name event files use)`` for an area id such as ``syria``."""
    areas = load_reference().areas.set_index("id")
    if area not in areas.index:
        raise InputError(f"unknown area {area!r}; known: {', '.join(sorted(areas.index))}")
    return area, str(areas.at[area, "name"])


def area_regions(area: str) -> list[str]:
    """Canonical governorates of the area's country (empty if the reference has none)."""
    ref = load_reference()
    code = ref.areas.set_index("id").at[area, "country"]
    regs = ref.regions
    return regs.loc[(regs["level"] == "governorate") & (regs["country"] == code), "name"].tolist()


def resolve_regions(conv: Converter, column: str, area: str,
                    rows: np.ndarray) -> tuple[pd.Categorical, pd.Categorical]:
    """Map an ADM1 column to canonical governorates for the ``rows`` in the area.

    Empty cells, ``Unknown`` and the country's own name become ``unknown``; a
    district name becomes its governorate; a name that matches no region of the
    area's country is an ``in_vocabulary`` failure naming the row and column.
    Rows outside ``rows`` (other countries) get ``unknown`` and are not checked.
    """
    ref = load_reference()
    regs = ref.regions.set_index("name")
    code = ref.areas.set_index("id").at[area, "country"]
    published = conv.text(column)
    cats = published.categories
    codes = np.asarray(published.codes)
    used = np.zeros(len(cats), dtype=bool)
    used[np.unique(codes[rows & (codes >= 0)])] = True
    canon = ["unknown"] * len(cats)
    bad = np.zeros(len(cats), dtype=bool)
    for i in np.flatnonzero(used):
        try:
            c = canonical_region(cats[i])
        except UnknownRegionError:
            bad[i] = True
            continue
        level = regs.at[c, "level"]
        if level == "district":
            c = _parent(c)
        elif level in ("country", "unknown"):
            c = "unknown"
        if c != "unknown" and regs.at[c, "country"] != code:
            bad[i] = True
            c = "unknown"
        canon[i] = c
    if bad.any():
        hit = np.flatnonzero(rows & (codes >= 0) & bad[np.maximum(codes, 0)])
        conv.bad.update((int(i), column) for i in hit)
        conv.export.fail(hit, column, "in_vocabulary", cats[codes[hit]],
                         "not a governorate of the area's country in data/reference/regions.csv "
                         "(add the spelling to its aliases)")
    region = recode(published, canon)
    codes = np.asarray(region.codes)
    if (codes < 0).any():                       # empty ADM1: unknown
        cats = list(region.categories)
        if "unknown" not in cats:
            cats.append("unknown")
        fixed = np.where(codes < 0, cats.index("unknown"), codes)
        region = pd.Categorical.from_codes(fixed, categories=cats)
    return region, published


def _parent(name: str) -> str:
    regs = load_reference().regions
    parent_code = regs.set_index("name").at[name, "parent"]
    return str(regs.set_index("code").at[parent_code, "name"])


def area_rows(country: pd.Categorical | pd.Series, area: str, name: str) -> np.ndarray:
    """Mask of the rows in the area's country; an error naming the countries if there are none."""
    _, wanted = area_country(area)
    country = pd.Series(country).astype("category")
    hit = np.asarray([str(c).casefold() == wanted.casefold() for c in country.cat.categories])
    codes = country.cat.codes.to_numpy()
    mask = (codes >= 0) & (hit[np.maximum(codes, 0)] if len(hit) else False)
    if not mask.any() and len(country):
        present = ", ".join(sorted(map(str, country.dropna().unique()))[:10])
        raise InputError(f"{name}: no events in {wanted} (area {area!r}); the file has events "
                         f"in: {present or 'no country'}")
    return mask


def coverage_of(dates: np.ndarray) -> tuple[str, str]:
    """First and last month of the dates (``YYYY-MM``)."""
    d = pd.DatetimeIndex(dates).dropna()
    return d.min().strftime("%Y-%m"), d.max().strftime("%Y-%m")


def combine(frames: Sequence[pd.DataFrame], exports: Sequence[Export]) -> pd.DataFrame:
    """Concatenate the frames of several files; a later file's event replaces an earlier one."""
    if len(frames) == 1:
        return frames[0]
    out = pd.concat(frames, ignore_index=True)
    for col in (*_TEXT, "date_precision", "location_precision", "source"):
        if not isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(frames[0][col].dtype if col.endswith("precision")
                                       or col == "source" else "category")
    dup = out["event_id"].duplicated(keep="last")
    if dup.any():
        out = out[~dup.to_numpy()].reset_index(drop=True)
    return out
